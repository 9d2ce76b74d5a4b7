"""Reads of tenders and bids scoped to the actor: a bid is its bidder's alone until opening."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.tendering import access, workflow
from jianguan.tendering.models import Bid, Entrustment, Tender, Upload

OPENED_STATES = frozenset(
    {
        workflow.Status.EVALUATION,
        workflow.Status.PUBLICITY,
        workflow.Status.AWARDED,
        workflow.Status.CONTRACTED,
    }
)


def _signed_in(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")


def tenders_visible_to(*, actor: Actor) -> QuerySet[Tender]:
    """Published tenders for everyone; drafts for the tenderer, and for the agency that runs
    them while it holds the owner's entrustment for the project."""
    _signed_in(actor)
    qs = Tender.objects.select_related("project").prefetch_related("lots")
    if actor.is_system or actor.can("tendering.supervise"):
        return qs
    org = actor.organisation_id
    own = Q(tenderer_id=org)
    if org is not None and actor.is_kind("tender_agency"):
        own |= Q(agency_id=org, project_id__in=access.entrusted_project_ids(org))
    return qs.filter(own | ~Q(status=workflow.Status.DRAFT))


def tender_get_visible_to(*, actor: Actor, pk: int) -> Tender:
    tender = tenders_visible_to(actor=actor).filter(pk=pk).first()
    if tender is None:
        raise NotFound("招标项目不存在", code="tender_not_found")
    return tender


def bid_get_visible_to(*, actor: Actor, pk: int) -> Bid:
    """Before opening only the bidder itself may see that its bid exists (招标投标法 22)."""
    _signed_in(actor)
    bid = Bid.objects.select_related("tender", "lot", "bidder").filter(pk=pk).first()
    if bid is None:
        raise NotFound("投标文件不存在", code="bid_not_found")
    if bid.bidder_id == actor.organisation_id:
        return bid
    opened = bid.tender.status in OPENED_STATES or bid.opened_at is not None
    if opened and (access.involved(actor, bid.tender) or actor.can("tendering.supervise")):
        return bid
    raise NotFound("投标文件不存在", code="bid_not_found")


def own_bids(*, actor: Actor, tender: Tender) -> QuerySet[Bid]:
    _signed_in(actor)
    return Bid.objects.filter(tender=tender, bidder_id=actor.organisation_id).select_related("lot")


def upload_get(*, actor: Actor, pk) -> Upload:
    _signed_in(actor)
    upload = Upload.objects.filter(pk=pk, bidder_id=actor.organisation_id).first()
    if upload is None:
        raise NotFound("上传任务不存在", code="upload_not_found")
    return upload


def entrustments_visible_to(*, actor: Actor) -> QuerySet[Entrustment]:
    """招标委托: the owner sees those of its projects, the agency those given to it,
    regulators all of them."""
    _signed_in(actor)
    qs = Entrustment.objects.select_related("project", "project__owner", "agency")
    if actor.is_system or actor.can("tendering.supervise"):
        return qs
    org = actor.organisation_id
    if org is None:
        return qs.none()
    return qs.filter(Q(project__owner_id=org) | Q(agency_id=org))


def entrustment_get_visible_to(*, actor: Actor, pk: int) -> Entrustment:
    item = entrustments_visible_to(actor=actor).filter(pk=pk).first()
    if item is None:
        raise NotFound("招标委托不存在", code="entrustment_not_found")
    return item


def entrustment_visible(actor: Actor, object_id: str) -> bool:
    """The ledger's rule for an entrustment's entries: the same people as the object."""
    return (
        object_id.isdigit() and entrustments_visible_to(actor=actor).filter(pk=object_id).exists()
    )


# --- the dashboard (工作台) -----------------------------------------------------------------

IN_PROGRESS = (
    workflow.Status.PUBLISHED,
    workflow.Status.PREQUALIFICATION,
    workflow.Status.BIDDING,
    workflow.Status.OPENING,
    workflow.Status.EVALUATION,
    workflow.Status.PUBLICITY,
    workflow.Status.AWARDED,
)


def own_tenders(qs: QuerySet[Tender], *, actor: Actor) -> QuerySet[Tender]:
    """The tender list's ?mine=1: tenders the organisation runs, as the tenderer or as the
    agency entrusted with the project."""
    org = actor.organisation_id
    if org is None:
        return qs.none()
    return qs.filter(
        Q(tenderer_id=org) | Q(agency_id=org, project_id__in=access.entrusted_project_ids(org))
    )


def dashboard_tendering(*, actor: Actor, today, at, limit: int = 8) -> dict:
    """Tenders between publication and contract by status, and the statutory clocks that have
    run out (异议 unanswered past its 3 days, 投诉 not accepted or decided in time): the
    district's for a supervising regulator; the organisation's own tenders (as tenderer or
    entrusted agency) for anyone else. A constant number of queries."""
    from django.db.models import Count

    from jianguan.tendering.models import Complaint, Objection

    # The panel shows no lots: drop the list's prefetch (one query fewer per render).
    qs = tenders_visible_to(actor=actor).filter(status__in=IN_PROGRESS).prefetch_related(None)
    district = actor.is_system or actor.can("tendering.supervise")
    if not district:
        qs = own_tenders(qs, actor=actor)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    out = {
        "district": district,
        "statuses": [
            {"value": s.value, "label": workflow.LABELS[s], "count": counts.get(s.value, 0)}
            for s in IN_PROGRESS
        ],
        "total": sum(counts.values()),
        "own": [] if district else list(qs.order_by("bid_deadline", "pk")[:limit]),
    }
    if district:
        late_objections = Objection.objects.filter(
            answered_at__isnull=True, answer_due__lt=at
        ).select_related("tender", "organisation")
        late_complaints = Complaint.objects.filter(
            Q(status=Complaint.SUBMITTED, accept_due__lt=today)
            | Q(status=Complaint.ACCEPTED, decide_due__lt=today)
        ).select_related("tender", "complainant")
        out["late_objections"] = list(late_objections.order_by("answer_due", "pk")[:limit])
        out["late_complaints"] = list(late_complaints.order_by("accept_due", "pk")[:limit])
        out["late_total"] = late_objections.count() + late_complaints.count()
    return out
