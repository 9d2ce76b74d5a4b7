"""What an expert on a committee has to do (待办): score the opened bids and submit the sheets
while the tender is in evaluation, then sign the evaluation report once the result is drawn up.
Only the expert's own seats where it checked in are read; a declined seat asks nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo
from jianguan.experts.models import Member, ReportSignature, Sheet


def _seats(actor: Actor):
    """The actor's seats on committees it sat on (checked in): only they score and sign."""
    return (
        Member.objects.filter(expert__user_id=actor.user_id, status=Member.CHECKED_IN)
        .exclude(committee__tender__status__in=("failed", "cancelled"))
        .select_related("committee__tender")
        .order_by("committee_id")
    )


def sheets_to_submit(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.user_id:
        return
    seats = list(
        _seats(actor).filter(committee__tender__status="evaluation", committee__result__isnull=True)
    )
    if not seats:  # most people sit on no committee: no second query for them
        return
    # a seat is done once it has sheets and none is left unsubmitted (one query for all seats)
    done = set(
        Sheet.objects.filter(member__in=[seat.pk for seat in seats])
        .values("member_id")
        .annotate(open=Count("pk", filter=Q(submitted_at__isnull=True)))
        .filter(open=0)
        .values_list("member_id", flat=True)
    )
    url = pk_url("experts:committee")
    for seat in seats:
        if seat.pk in done:
            continue
        tender = seat.committee.tender
        yield TodoItem(
            kind="experts.sheet_submit",
            title=f"评审并提交评分表：{tender.title}（{tender.code}）",
            url=url(seat.committee_id),
            module="experts",
        )


def reports_to_sign(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.user_id:
        return
    signed = ReportSignature.objects.values("member_id")
    url = pk_url("experts:committee")
    for seat in _seats(actor).filter(committee__result__isnull=False).exclude(pk__in=signed):
        tender = seat.committee.tender
        yield TodoItem(
            kind="experts.report_sign",
            title=f"签署评标报告：{tender.title}（{tender.code}）",
            url=url(seat.committee_id),
            module="experts",
        )


def register_all() -> None:
    register_todo("experts.sheet_submit", "评分待提交", sheets_to_submit)
    register_todo("experts.report_sign", "评标报告待签署", reports_to_sign)
