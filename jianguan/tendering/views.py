"""Signed-in tendering pages: the list, one tender, the in-browser sealed bid and unsealing.

Every write goes through the JSON API (/api/v1/tendering) from bid.js with the session and
the CSRF token; these views only read. The private key is made, kept and used in the browser:
no page here ever receives it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.core.errors import NotFound
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import now
from jianguan.tendering import procedures, selectors, workflow
from jianguan.tendering.award.sanctioned import sanctioned_candidates
from jianguan.tendering.complaints import selectors as complaint_selectors
from jianguan.tendering.manage.views import can_manage
from jianguan.tendering.models import Bid, BidderKey, Tender
from jianguan.tendering.public import selectors as sel_public
from jianguan.tendering.public.views import BADGES

PAGE_SIZE = 20
STATUS_LABELS = {str(k): v for k, v in workflow.LABELS.items()}
BID_BADGES = {
    Bid.SUBMITTED: "bg-green-lt",
    Bid.REPLACED: "bg-secondary-lt",
    Bid.WITHDRAWN: "bg-secondary-lt",
    Bid.OPENED: "bg-blue-lt",
    Bid.REVOKED: "bg-red-lt",
    Bid.WITHDRAWN_AT_OPENING: "bg-orange-lt",
}


def _decorate(tender: Tender, at) -> Tender:
    tender.badge = BADGES.get(tender.status, "bg-secondary-lt")
    tender.status_label = STATUS_LABELS.get(tender.status, tender.status)
    tender.procedure_label = procedures.LABELS.get(tender.procedure, tender.procedure)
    tender.accepting = _accepting(tender, at)
    tender.countdown = sel_public.countdown(tender.bid_deadline, at) if tender.accepting else ""
    return tender


def _accepting(tender: Tender, at) -> bool:
    """Bids are taken: an accepting state, not paused, before the deadline."""
    return (
        tender.status in workflow.ACCEPTING_BIDS
        and tender.paused_at is None
        and tender.bid_deadline is not None
        and tender.bid_deadline > at
    )


def _involved(actor, tender: Tender) -> bool:
    return actor.organisation_id is not None and actor.organisation_id in (
        tender.tenderer_id,
        tender.agency_id,
    )


def _may_bid_page(actor, tender: Tender) -> bool:
    return actor.can("tendering.bid") and not _involved(actor, tender)


@require_GET
@permission_required("tendering.view")
def index(request: HttpRequest) -> HttpResponse:
    """招标项目: what the actor may see (drafts only for the tenderer and its agency)."""
    status = request.GET.get("status") or ""
    status = status if status in STATUS_LABELS else ""
    qs = selectors.tenders_visible_to(actor=request.actor)
    if status:
        qs = qs.filter(status=status)
    if request.GET.get("mine") == "1":  # the dashboard's own-tender counts link here
        qs = selectors.own_tenders(qs, actor=request.actor)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    at = now()
    for tender in page:
        _decorate(tender, at)
    ctx = {
        "page": page,
        "status": status,
        "statuses": STATUS_LABELS,
        "perms_manage": request.actor.can("tendering.manage"),
        # 投诉: the supervising department handles them, a bidder follows its own
        "complaints_link": complaint_selectors.supervises(request.actor)
        or request.actor.can("tendering.bid"),
    }
    return render(request, "tendering/index.html", ctx)


def _opening_rows(tender: Tender) -> tuple[list, object]:
    """The published opening record; during the opening, the bids unsealed so far."""
    record = sel_public.opening_record(tender)
    if record is not None:
        return record.rows, record
    if tender.status != workflow.Status.OPENING:
        return [], None
    bids = (
        Bid.objects.filter(tender=tender, opened_at__isnull=False)
        .select_related("bidder", "lot")
        .order_by("lot__number", "received_at", "pk")
    )
    rows = [
        sel_public.OpeningRow(
            lot_number=b.lot.number,
            lot_title=b.lot.title,
            bidder=b.bidder.name,
            credit_code=b.bidder.credit_code,
            price=b.price,
            duration_days=b.duration_days,
            status=b.status,
            status_label=Bid.STATUSES.get(b.status, b.status),
            failure_reason=b.failure_reason,
        )
        for b in bids
    ]
    return rows, None


def _own_bids(actor, tender: Tender) -> list[Bid]:
    if not actor.can("tendering.bid") or actor.organisation_id is None:
        return []
    unsealing = tender.status == workflow.Status.OPENING and (
        tender.unseal_until is None or tender.unseal_until > now()
    )
    out = list(selectors.own_bids(actor=actor, tender=tender).order_by("-received_at", "-pk"))
    # 招标投标法 29: withdrawal until the deadline, paused or not (as the service allows).
    accepting = tender.status in workflow.ACCEPTING_BIDS and now() < tender.bid_deadline
    for bid in out:
        bid.status_label = Bid.STATUSES.get(bid.status, bid.status)
        bid.badge = BID_BADGES.get(bid.status, "bg-secondary-lt")
        bid.may_unseal = unsealing and bid.status == Bid.SUBMITTED
        bid.may_withdraw = accepting and bid.status == Bid.SUBMITTED
    return out


@require_GET
@permission_required("tendering.view")
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    tender = _decorate(selectors.tender_get_visible_to(actor=actor, pk=pk), now())
    involved = _involved(actor, tender)
    supervise = actor.can("tendering.supervise")
    objections = tender.objections.select_related("organisation")
    if not (involved or supervise):
        objections = objections.filter(organisation_id=actor.organisation_id)
    opening_rows, record = [], None
    if involved or supervise:
        opening_rows, record = _opening_rows(tender)
    ctx = {
        "t": tender,
        "lots": list(tender.lots.all()),
        "documents": list(sel_public.documents_public(tender)) if tender.status != "draft" else [],
        "clarifications": list(tender.clarifications.all()),
        "objections": list(objections),
        "show_objections": involved or supervise or actor.can("tendering.bid"),
        "involved": involved,
        "all_objections": involved or supervise,
        "own_bids": _own_bids(actor, tender),
        "may_bid": _may_bid_page(actor, tender) and tender.accepting,
        "opening_rows": opening_rows,
        "opening_record": record,
        "show_opening": involved or supervise,
        "public": tender.status in workflow.PUBLIC,
        # 实施条例 55/56: the tenderer and the regulator are told of a candidate barred since
        # the opening, before anyone awards to it.
        "sanction_warnings": sanctioned_candidates(tender)
        if involved or supervise or can_manage(actor, tender)
        else [],
    }
    # 投诉 (issue 16: the complaint pages are reached from the tender): a bidder files one;
    # the supervising department and a complainant see this tender's complaints.
    ctx["may_complain"] = complaint_selectors.may_complain(actor, tender)
    ctx["complaints_count"] = (
        complaint_selectors.complaints_visible_to(actor=actor).filter(tender=tender).count()
    )
    if can_manage(actor, tender):
        ctx.update(manage_context(tender))
    return render(request, "tendering/tender.html", ctx)


def manage_context(tender: Tender) -> dict:
    from jianguan.tendering.models import Award, Candidate, PrequalApplication

    barred = {row.candidate.pk for row in sanctioned_candidates(tender)}
    return {
        "manage": True,
        "barred_candidates": barred,
        "pending_objections": [o for o in tender.objections.all() if o.answered_at is None],
        "applications": list(
            PrequalApplication.objects.filter(tender=tender).select_related("applicant")
        ),
        "candidates": list(
            Candidate.objects.filter(tender=tender).select_related("lot", "bid__bidder")
        ),
        "awards": list(Award.objects.filter(tender=tender).select_related("lot", "supplier")),
        "refunds": list(
            Bid.objects.filter(
                tender=tender, bond_refund_due__isnull=False, bond_refunded_at__isnull=True
            ).select_related("bidder")
        ),
        "publicity_over": tender.publicity_until is not None and tender.publicity_until <= now(),
        "prequal": tender.procedure_class.prequalification,
    }


@require_GET
@permission_required("tendering.view")
def bid_page(request: HttpRequest, pk: int) -> HttpResponse:
    """在线投标: register this tender's key, then seal in the browser and upload in chunks."""
    actor = request.actor
    if not actor.can("tendering.bid"):
        raise DjangoDenied("无权访问：投标（仅投标单位可在线投标）")
    tender = _decorate(selectors.tender_get_visible_to(actor=actor, pk=pk), now())
    if _involved(actor, tender):
        raise DjangoDenied("招标人及其代理机构不得投标")
    key = BidderKey.objects.filter(tender=tender, organisation_id=actor.organisation_id).first()
    ctx = {
        "t": tender,
        "lots": list(tender.lots.all()),
        "key": key,
        "key_registered": key is not None,
        "public_pem": key.public_pem if key else "",
        "own_bids": _own_bids(actor, tender),
    }
    return render(request, "tendering/bid.html", ctx)


@require_GET
@permission_required("tendering.view")
def unseal_page(request: HttpRequest, pk: int) -> HttpResponse:
    """开标解密 for the bid's own bidder: the key is unwrapped in the browser."""
    actor = request.actor
    bid = selectors.bid_get_visible_to(actor=actor, pk=pk)
    if bid.bidder_id != actor.organisation_id or not actor.can("tendering.bid"):
        raise NotFound("投标文件不存在", code="bid_not_found")
    tender = _decorate(bid.tender, now())
    unsealing = tender.status == workflow.Status.OPENING and (
        tender.unseal_until is None or tender.unseal_until > now()
    )
    bid.status_label = Bid.STATUSES.get(bid.status, bid.status)
    bid.badge = BID_BADGES.get(bid.status, "bg-secondary-lt")
    ctx = {
        "t": tender,
        "bid": bid,
        "unsealing": unsealing,
        "may_unseal": unsealing and bid.status == Bid.SUBMITTED,
    }
    return render(request, "tendering/unseal.html", ctx)
