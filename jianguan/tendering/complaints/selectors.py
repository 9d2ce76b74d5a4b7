"""Who sees which complaint, declared once for the pages (the API's `_complaint` and the
ledger embargo in `tendering/ledger_visibility.py` say the same): the supervising department
that handles complaints (实施条例 60–61) sees all; a complainant sees its own organisation's.
Everyone else learns nothing (404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.tendering import workflow
from jianguan.tendering.models import Complaint, Tender


def supervises(actor: Actor) -> bool:
    """The supervising department: a regulator holding tendering.supervise."""
    return actor.is_kind("regulator") and actor.can("tendering.supervise")


def may_complain(actor: Actor, tender: Tender) -> bool:
    """A (potential) bidder, as `complaint_file` allows: tendering.bid, a published tender,
    and not the tenderer or its agency complaining about its own tender."""
    return (
        actor.can("tendering.bid")
        and actor.organisation_id is not None
        and tender.status != workflow.Status.DRAFT
        and actor.organisation_id not in (tender.tenderer_id, tender.agency_id)
    )


def complaints_visible_to(*, actor: Actor) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("tender", "complainant")
    if supervises(actor):
        return qs
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(complainant_id=actor.organisation_id)


def complaint_get_visible_to(*, actor: Actor, pk: int) -> Complaint:
    complaint = complaints_visible_to(actor=actor).filter(pk=pk).first()
    if complaint is None:
        raise NotFound("投诉不存在", code="complaint_not_found")
    return complaint


def overdue_q(today: dt.date) -> Q:
    """Past its statutory clock: not accepted by accept_due, or not decided by decide_due."""
    return Q(status=Complaint.SUBMITTED, accept_due__lt=today) | Q(
        status=Complaint.ACCEPTED, decide_due__lt=today
    )


def due_of(complaint: Complaint) -> dt.date | None:
    """The clock that runs now: acceptance while submitted, the decision once accepted."""
    if complaint.status == Complaint.SUBMITTED:
        return complaint.accept_due
    if complaint.status == Complaint.ACCEPTED:
        return complaint.decide_due
    return None
