"""The snapshot of a tender that releases.py turns into a release: read from the models."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from jianguan.core.timeutil import iso_utc
from jianguan.tendering import workflow
from jianguan.tendering.models import Bid, Tender

OPENED = frozenset(
    {
        workflow.Status.EVALUATION,
        workflow.Status.PUBLICITY,
        workflow.Status.AWARDED,
        workflow.Status.CONTRACTED,
    }
)
BID_STATUS = {Bid.OPENED: "valid", Bid.REVOKED: "revoked", Bid.WITHDRAWN_AT_OPENING: "withdrawn"}
# The contracts app (which sits above tendering) tells the snapshot about signed contracts:
# provider(tender) -> [ContractIn] (contract.py).
_CONTRACT_PROVIDERS: list = []


def register_contract_provider(provider) -> None:
    if provider not in _CONTRACT_PROVIDERS:
        _CONTRACT_PROVIDERS.append(provider)


def _org(org) -> dict:
    return {
        "name": org.name,
        "credit_code": org.credit_code,
        "address": org.address,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
    }


def _iso(value):
    return iso_utc(value) if value else None


def _document_url(tender: Tender, pk: int) -> str:
    try:
        path = reverse("public_tenders:document", args=[tender.code, pk])
    except Exception:
        path = f"/public/tenders/{tender.code}/documents/{pk}/"
    return f"{settings.PUBLIC_BASE_URL}{path}"


def snapshot(tender: Tender) -> dict:
    opened_bids = list(
        Bid.objects.filter(tender=tender, status__in=tuple(BID_STATUS))
        .select_related("bidder")
        .order_by("received_at")
    )
    opened = tender.status in OPENED or (tender.status == "failed" and bool(opened_bids))
    data = {
        "ocid_prefix": settings.OCDS_PREFIX,
        "tender_code": tender.code,
        "project": {"code": tender.project.code, "name": tender.project.name},
        "buyer": _org(tender.tenderer),
        "agency": _org(tender.agency) if tender.agency_id else None,
        "title": tender.title,
        "description": tender.description,
        "procedure": tender.procedure,
        "status": tender.status,
        "value_ceiling": str(sum(lot.price_ceiling for lot in tender.lots.all())),
        "published_at": _iso(tender.published_at),
        "documents_available_from": _iso(tender.documents_from),
        "bid_deadline": _iso(tender.bid_deadline),
        "lots": [
            {"id": str(lot.number), "title": lot.title, "value_ceiling": str(lot.price_ceiling)}
            for lot in tender.lots.all()
        ],
        "documents": [
            {
                "id": f"doc-{d.pk}",
                "kind": d.kind if d.kind != "notice" else "tender_notice",
                "title": d.title,
                "url": _document_url(tender, d.pk),
                "published_at": iso_utc(d.published_at),
                "sm3": d.sm3,
                "format": "application/pdf",
            }
            for d in tender.documents.all()
        ],
        "amendments": [
            {
                "id": f"amd-{c.pk}",
                "date": iso_utc(c.issued_at),
                "rationale": c.text[:500],
                "old_deadline": iso_utc(c.old_deadline),
                "new_deadline": iso_utc(c.new_deadline),
            }
            for c in tender.clarifications.all()
        ],
    }
    if opened:
        bidders = {b.bidder.credit_code: b.bidder for b in opened_bids}
        data["bidders"] = [_org(o) for o in bidders.values()]
        data["opening"] = {
            "date": iso_utc(tender.bid_deadline),
            "bids": [
                {
                    "bidder_credit_code": b.bidder.credit_code,
                    "price": str(b.price) if b.price is not None else "0.00",
                    "duration_days": b.duration_days or 0,
                    "status": BID_STATUS[b.status],
                }
                for b in opened_bids
            ],
        }
    data["awards"] = [
        {
            "id": f"award-{a.pk}",
            "lot_id": str(a.lot.number),
            "date": iso_utc(a.decided_at),
            "status": "active",
            "supplier_credit_code": a.supplier.credit_code,
            "value": str(a.value),
            "title": f"{tender.title} 第{a.lot.number}标段中标结果",
        }
        for a in tender.awards.select_related("lot", "supplier")
    ]
    data["contracts"] = [c for provider in _CONTRACT_PROVIDERS for c in provider(tender)]
    if tender.status in (workflow.Status.FAILED, workflow.Status.CANCELLED):
        data["cancellation"] = {"date": iso_utc(tender.updated_at), "reason": tender.failed_reason}
    return data
