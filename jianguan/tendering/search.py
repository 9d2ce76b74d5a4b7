"""Tenders and their published documents in the global search (workbench.search).

Both follow the tender's own visibility (``tenders_visible_to``): a draft only for its
tenderer, its entrusted agency and the regulator. Bids are no source: nothing of a sealed
bid is ever indexed, and committees live in experts, which registers none."""

from __future__ import annotations

from django.urls import reverse

from jianguan.core.actor import Actor
from jianguan.tendering.models import Tender, TenderDocument
from jianguan.tendering.selectors import tenders_visible_to
from jianguan.workbench.search.registry import IndexRow, register_search_source


def _tender(tender: Tender) -> IndexRow:
    parts = [tender.project.name, tender.tenderer.name, tender.description]
    return IndexRow(
        title=f"{tender.code} {tender.title}",
        text=" ".join(p for p in parts if p),
        url=reverse("tendering:tender", args=[tender.pk]),
    )


def _document(doc: TenderDocument) -> IndexRow:
    kind = TenderDocument.KINDS.get(doc.kind, doc.kind)
    return IndexRow(
        title=doc.title,
        text=f"{kind} {doc.tender.code} {doc.tender.title}",
        url=reverse("tendering:tender", args=[doc.tender_id]) + "#documents",
    )


def _documents_visible_to(actor: Actor):
    tenders = tenders_visible_to(actor=actor)
    if not tenders.query.where:
        return TenderDocument.objects.all()
    return TenderDocument.objects.filter(tender__in=tenders.order_by().values("pk"))


def register_all() -> None:
    register_search_source(
        "tenders",
        "招标项目",
        model=Tender,
        row=_tender,
        visible=lambda actor: tenders_visible_to(actor=actor),
        queryset=lambda: Tender.objects.select_related("project", "tenderer"),
        order=20,
    )
    register_search_source(
        "documents",
        "文件",
        model=TenderDocument,
        row=_document,
        visible=_documents_visible_to,
        queryset=lambda: TenderDocument.objects.select_related("tender"),
        # a document is visible exactly when its tender is (_documents_visible_to)
        visible_via=("tender_id", lambda actor: tenders_visible_to(actor=actor)),
        order=70,
    )
