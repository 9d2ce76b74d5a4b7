"""The tendering clock: moves tenders at their stored `next_check_at` (chronograph job)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.tendering import workflow
from jianguan.tendering.models import Tender
from jianguan.tendering.opening.services import opening_close, tender_open


@transaction.atomic
def _end_sale(tender: Tender, at: dt.datetime) -> None:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != workflow.Status.PUBLISHED or tender.sale_end > at:
        return
    if tender.procedure_class.prequalification:  # applications stay open until their deadline
        Tender.objects.filter(pk=tender.pk).update(next_check_at=tender.prequal_deadline)
        return
    tender.status = workflow.Status.BIDDING
    tender.next_check_at = tender.bid_deadline
    tender.save()
    record(
        actor=SYSTEM,
        type="tendering.status_changed",
        obj=tender,
        payload={
            "code": tender.code,
            "from": "published",
            "to": "bidding",
            "reason": "文件发售截止",
        },
    )


@transaction.atomic
def _end_prequal_applications(tender: Tender, at: dt.datetime) -> None:
    """Applications closed: the tenderer reviews them (the clock waits for its decision)."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != workflow.Status.PUBLISHED:
        return
    tender.status = workflow.Status.PREQUALIFICATION
    tender.next_check_at = None
    tender.save()
    record(
        actor=SYSTEM,
        type="tendering.status_changed",
        obj=tender,
        payload={
            "code": tender.code,
            "from": "published",
            "to": "prequalification",
            "reason": "资格预审申请截止",
        },
    )


def tenders_advance(at: dt.datetime | None = None) -> int:
    """Every tender due: sale end → bidding, deadline → opening or 流标, window end → record."""
    at = at or now()
    moved = 0
    due = Tender.objects.filter(next_check_at__lte=at, paused_at__isnull=True).order_by(
        "next_check_at"
    )
    for tender in due[:500]:
        before = tender.status
        if tender.bid_deadline and tender.bid_deadline <= at and before in workflow.ACCEPTING_BIDS:
            tender = tender_open(tender=tender, at=at)
        elif (
            before == workflow.Status.PUBLISHED
            and tender.prequal_deadline
            and tender.prequal_deadline <= at
        ):
            _end_prequal_applications(tender, at)
        elif before == workflow.Status.PUBLISHED and tender.sale_end <= at:
            _end_sale(tender, at)
        elif before == workflow.Status.OPENING and tender.unseal_until <= at:
            tender = opening_close(tender=tender)
        else:
            Tender.objects.filter(pk=tender.pk).update(next_check_at=None)
            continue
        moved += 1
    return moved
