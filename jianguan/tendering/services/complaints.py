"""Complaints (投诉) to the supervising department: filed within 10 days of knowing, after an
objection where the law asks for one; accepted or refused within 3 working days, decided
within 30 working days (实施条例 60–61); the regulator may suspend the tender meanwhile."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.rules.lookup import add_working_days, rule, rule_value
from jianguan.tendering import workflow
from jianguan.tendering.models import Bid, Complaint, Objection, Tender
from jianguan.tendering.services.common import local_date

# 实施条例 60: these matters go to the tenderer as an objection first.
OBJECTION_FIRST = ("documents", "evaluation")


def _regulator(actor: Actor) -> None:
    require(actor, "tendering.supervise")
    if not (actor.is_system or actor.is_kind("regulator")):
        raise PermissionDenied("投诉由行政监督部门处理", code="not_regulator")


def _log(actor: Actor, complaint: Complaint, event: str, **extra) -> None:
    record(
        actor=actor,
        type=f"tendering.complaint_{event}",
        obj=complaint,
        payload={
            "tender": complaint.tender.code,
            "complaint": complaint.pk,
            "status": complaint.status,
            **extra,
        },
    )


@transaction.atomic
def complaint_file(
    *, actor: Actor, tender: Tender, subject: str, text: str, known_on: dt.date
) -> Complaint:
    require(actor, "tendering.bid")
    if tender.status == workflow.Status.DRAFT:
        raise ValidationFailed("招标项目尚未发布", code="not_public")
    if subject not in Complaint.SUBJECTS:
        raise ValidationFailed(f"未知的投诉事项：{subject}", code="unknown_subject")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写投诉内容及事实依据", code="text_missing")
    at = now()
    today = local_date(at)
    window = rule("complaint.file_within", on=today)
    if known_on > today:
        raise ValidationFailed("知道或应当知道之日不能晚于今天", code="future_date")
    if (today - known_on).days > int(window.value):
        raise ValidationFailed(
            f"投诉应当自知道或者应当知道之日起{window.value}日内提出",
            code="complaint_window_passed",
            details={"article": window.reference},
        )
    objection = None
    if subject in OBJECTION_FIRST and rule_value("complaint.objection_first_required", on=today):
        objection = (
            Objection.objects.filter(tender=tender, organisation_id=actor.organisation_id)
            .order_by("-filed_at")
            .first()
        )
        if objection is None:
            raise ValidationFailed(
                "就招标文件或评标结果投诉的，应当先向招标人提出异议",
                code="objection_first",
                details={"article": rule("complaint.objection_first_required", on=today).reference},
            )
    if (
        subject == "evaluation"
        and not Bid.objects.filter(tender=tender, bidder_id=actor.organisation_id).exists()
    ):
        raise ValidationFailed("只有投标人可以就评标结果投诉", code="not_bidder")
    days = int(rule_value("complaint.accept_within", on=today))
    complaint = Complaint.objects.create(
        tender=tender,
        complainant_id=actor.organisation_id,
        subject=subject,
        text=text[:10000],
        known_on=known_on,
        filed_at=at,
        objection=objection,
        accept_due=add_working_days(today, days, provisional=True),
        filed_by=actor.username,
    )
    _log(actor, complaint, "filed", subject=subject, accept_due=complaint.accept_due)
    return complaint


def _open(complaint: Complaint, *statuses: str) -> Complaint:
    complaint = Complaint.objects.select_for_update().select_related("tender").get(pk=complaint.pk)
    if complaint.status not in statuses:
        raise Conflict(
            f"投诉处于“{Complaint.STATUSES[complaint.status]}”，不能进行此操作",
            code="complaint_state",
        )
    return complaint


@transaction.atomic
def complaint_accept(*, actor: Actor, complaint: Complaint, suspend: bool = False) -> Complaint:
    _regulator(actor)
    complaint = _open(complaint, Complaint.SUBMITTED)
    at = now()
    today = local_date(at)
    complaint.status, complaint.accepted_at, complaint.handled_by = (
        Complaint.ACCEPTED,
        at,
        actor.username,
    )
    complaint.decide_due = add_working_days(
        today, int(rule_value("complaint.decide_within", on=today)), provisional=True
    )
    if suspend:
        tender = Tender.objects.select_for_update().get(pk=complaint.tender_id)
        complaint.suspended = True
        if tender.paused_at is None:
            tender.paused_at, tender.paused_reason = at, "投诉处理期间暂停招标投标活动"
            tender.save()
    complaint.save()
    _log(actor, complaint, "accepted", decide_due=complaint.decide_due, suspended=suspend)
    return complaint


@transaction.atomic
def complaint_refuse(*, actor: Actor, complaint: Complaint, reason: str) -> Complaint:
    _regulator(actor)
    complaint = _open(complaint, Complaint.SUBMITTED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请说明不予受理的理由", code="reason_missing")
    complaint.status, complaint.decision = Complaint.REFUSED, reason[:5000]
    complaint.decided_at, complaint.handled_by = now(), actor.username
    complaint.save()
    _log(actor, complaint, "refused", reason=complaint.decision)
    return complaint


@transaction.atomic
def complaint_decide(
    *, actor: Actor, complaint: Complaint, upheld: bool, decision: str
) -> Complaint:
    """The decision lifts the suspension; the time the tender stood still is given back."""
    _regulator(actor)
    complaint = _open(complaint, Complaint.ACCEPTED)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationFailed("请填写处理意见", code="decision_missing")
    at = now()
    complaint.status = Complaint.UPHELD if upheld else Complaint.DISMISSED
    complaint.decision, complaint.decided_at = decision[:5000], at
    complaint.save()
    tender = Tender.objects.select_for_update().get(pk=complaint.tender_id)
    others = Complaint.objects.filter(
        tender=tender, status=Complaint.ACCEPTED, suspended=True
    ).exclude(pk=complaint.pk)
    if complaint.suspended and tender.paused_at is not None and not others.exists():
        if tender.status in workflow.ACCEPTING_BIDS:
            tender.bid_deadline = workflow.deadline_after_pause(
                tender.bid_deadline, tender.paused_at, at
            )
            tender.next_check_at = tender.bid_deadline
        elif tender.status == workflow.Status.PUBLICITY and tender.publicity_until:
            tender.publicity_until = workflow.deadline_after_pause(
                tender.publicity_until, tender.paused_at, at
            )
        tender.paused_at, tender.paused_reason = None, ""
        tender.save()
    _log(actor, complaint, "decided", upheld=upheld, decision=complaint.decision)
    return complaint
