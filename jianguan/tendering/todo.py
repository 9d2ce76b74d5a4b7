"""What tendering asks of people (待办): the tenderer (or the agency it entrusted) answers an
objection by its statutory deadline (实施条例 22: within 3 days, the process paused meanwhile);
the supervising department accepts a complaint within its working-day clock and decides an
accepted one by its own (实施条例 60–61)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from jianguan.core.actor import Actor
from jianguan.core.timeutil import now
from jianguan.core.todo import TodoItem, pk_url, register_todo
from jianguan.tendering import workflow
from jianguan.tendering.access import entrusted_project_ids
from jianguan.tendering.award.sanctioned import VERB, barring_sanctions
from jianguan.tendering.models import Candidate, Complaint, Objection


def objections_to_answer(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    org = actor.organisation_id
    if not org or not actor.can("tendering.manage"):
        return
    mine = Q(tender__tenderer_id=org) | Q(
        tender__agency_id=org, tender__project_id__in=entrusted_project_ids(org)
    )
    # The few columns the titles need (bench/workbench.py: whole rows with their joins and a
    # reverse() per item were most of a long list's time).
    rows = (
        Objection.objects.filter(mine, answered_at__isnull=True)
        .order_by("answer_due", "pk")
        .values_list(
            "tender_id", "tender__title", "tender__code", "organisation__name", "answer_due"
        )
    )
    url = pk_url("tendering:tender")
    moment = now()
    for tender_id, title, code, by, due in rows:
        yield TodoItem(
            kind="tendering.objection_answer",
            title=f"答复异议：{title}（{code}），{by}提出",
            url=url(tender_id),
            due=due,
            overdue=due < moment,
            module="tendering",
        )


def complaints_to_handle(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not (actor.is_kind("regulator") and actor.can("tendering.supervise")):
        return
    rows = (
        Complaint.objects.filter(status__in=(Complaint.SUBMITTED, Complaint.ACCEPTED))
        .order_by("accept_due", "pk")
        .values_list(
            "pk",
            "status",
            "accept_due",
            "decide_due",
            "subject",
            "tender__title",
            "tender__code",
            "complainant__name",
        )
    )
    url = pk_url("tendering:complaint")
    for pk, status, accept_due, decide_due, subject, title, code, by in rows:
        accepting = status == Complaint.SUBMITTED
        due = accept_due if accepting else decide_due
        verb = "受理" if accepting else "处理"
        yield TodoItem(
            kind="tendering.complaint_accept" if accepting else "tendering.complaint_decide",
            title=f"{verb}投诉：{title}（{code}），{by}投诉{Complaint.SUBJECTS.get(subject, '')}",
            url=url(pk),
            due=due,
            overdue=due is not None and due < today,
            module="tendering",
        )


def sanctioned_candidates_to_review(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    """实施条例 55/56: a candidate blacklisted or barred since the opening must not be made
    the winner; the tenderer (or its agency) decides on the next candidate or a re-tender."""
    org = actor.organisation_id
    if not org or not actor.can("tendering.manage"):
        return
    mine = Q(tender__tenderer_id=org) | Q(
        tender__agency_id=org, tender__project_id__in=entrusted_project_ids(org)
    )
    candidates = list(
        Candidate.objects.filter(mine, tender__status=workflow.Status.PUBLICITY).select_related(
            "tender", "lot", "bid__bidder"
        )
    )
    barred = {
        s.organisation_id: s
        for s in barring_sanctions({c.bid.bidder_id for c in candidates}, today)
    }
    for c in sorted(candidates, key=lambda c: (c.tender.code, c.lot.number, c.rank)):
        sanction = barred.get(c.bid.bidder_id)
        if sanction is None:
            continue
        yield TodoItem(
            kind="tendering.candidate_sanctioned",
            title=f"中标候选人被限制投标：{c.tender.title}（{c.tender.code}），"
            f"{c.bid.bidder.name}已被{VERB[sanction.kind]}（{sanction.number}），不得定标",
            url=reverse("tendering:tender", args=[c.tender_id]),
            due=c.tender.publicity_until,
            overdue=False,
            module="tendering",
        )


def register_all() -> None:
    register_todo("tendering.objection_answer", "异议待答复", objections_to_answer)
    register_todo("tendering.complaint_accept", "投诉待受理", complaints_to_handle)
    register_todo("tendering.complaint_decide", "投诉待处理")  # from complaints_to_handle
    register_todo(
        "tendering.candidate_sanctioned", "中标候选人被限制投标", sanctioned_candidates_to_review
    )
