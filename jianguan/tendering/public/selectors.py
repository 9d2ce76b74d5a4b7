"""Reads for anonymous visitors: published tenders only, and nothing about bids before opening.

招标投标法 22: before the opening nobody may learn who bid or how many bids there are, so the
public read model below never touches the Bid table until the opening record has been
published (a `tendering.opening_recorded` ledger entry exists and the tender has moved on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from jianguan.core.errors import NotFound
from jianguan.core.timeutil import now
from jianguan.ledger.models import LedgerEntry
from jianguan.tendering import procedures, workflow
from jianguan.tendering.models import (
    Bid,
    Clarification,
    Lot,
    Objection,
    Tender,
    TenderDocument,
)

S = workflow.Status
PUBLIC_STATUSES = sorted(str(s) for s in workflow.PUBLIC)
STATUS_LABELS = {str(k): v for k, v in workflow.LABELS.items() if k in workflow.PUBLIC}
# Statuses that may follow the opening; FAILED also follows a tender with too few bids, which
# has no opening record: the ledger entry decides.
PAST_OPENING = frozenset({S.EVALUATION, S.PUBLICITY, S.AWARDED, S.CONTRACTED, S.FAILED})
OPENING_RECORDED = "tendering.opening_recorded"
OPENING_BID_STATUSES = (Bid.OPENED, Bid.REVOKED, Bid.WITHDRAWN_AT_OPENING)
MAX_QUERY = 100


def yuan(value: Decimal | None) -> str:
    """29800000 → “29,800,000.00”; empty for no value."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def tenders_public(*, q: str = "", status: str = "", procedure: str = "") -> QuerySet[Tender]:
    """Every tender but drafts, newest notice first; unknown filter values are ignored."""
    qs = Tender.objects.filter(status__in=PUBLIC_STATUSES).select_related(
        "project", "tenderer", "agency"
    )
    q = (q or "").strip()[:MAX_QUERY]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(project__name__icontains=q))
    if status in STATUS_LABELS:
        qs = qs.filter(status=status)
    if procedure in procedures.LABELS:
        qs = qs.filter(procedure=procedure)
    return qs.prefetch_related("lots").order_by(F("published_at").desc(nulls_last=True), "-pk")


def tender_get_public(*, code: str) -> Tender:
    tender = (
        Tender.objects.filter(code=(code or "")[:20], status__in=PUBLIC_STATUSES)
        .select_related("project", "tenderer", "agency")
        .first()
    )
    if tender is None:
        raise NotFound("招标公告不存在或尚未发布", code="tender_not_found")
    return tender


def _opening_entry(tender: Tender) -> LedgerEntry | None:
    if tender.status not in PAST_OPENING:
        return None
    return (
        LedgerEntry.objects.filter(
            type=OPENING_RECORDED,
            object_app="tendering",
            object_model="tender",
            object_id=str(tender.pk),
        )
        .order_by("-index")
        .first()
    )


def opening_public(tender: Tender) -> bool:
    return _opening_entry(tender) is not None


def documents_public(tender: Tender) -> QuerySet[TenderDocument]:
    """The tender's published files; an opening-record file only once the opening is public."""
    qs = TenderDocument.objects.filter(tender=tender)
    if not opening_public(tender):
        qs = qs.exclude(kind="opening_record")
    return qs.order_by("published_at", "pk")


def document_get_public(*, code: str, pk: int) -> TenderDocument:
    tender = tender_get_public(code=code)
    doc = documents_public(tender).filter(pk=pk).first()
    if doc is None:
        raise NotFound("文件不存在", code="document_not_found")
    return doc


@dataclass(frozen=True)
class OpeningRow:
    lot_number: int
    lot_title: str
    bidder: str
    credit_code: str
    price: Decimal | None
    duration_days: int | None
    status: str
    status_label: str
    failure_reason: str

    @property
    def price_text(self) -> str:
        return yuan(self.price)


@dataclass(frozen=True)
class OpeningRecord:
    recorded_at: dt.datetime
    ledger_index: int
    rows: list[OpeningRow]

    @property
    def opened_count(self) -> int:
        return sum(1 for r in self.rows if r.status == Bid.OPENED)


def opening_record(tender: Tender) -> OpeningRecord | None:
    """The opening record, only after it was published; None before (and for 流标 at the
    deadline, where no bid was opened)."""
    entry = _opening_entry(tender)
    if entry is None:
        return None
    bids = (
        Bid.objects.filter(tender=tender, status__in=OPENING_BID_STATUSES)
        .select_related("bidder", "lot")
        .order_by("lot__number", "received_at", "pk")
    )
    rows = [
        OpeningRow(
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
    return OpeningRecord(recorded_at=entry.time, ledger_index=entry.index, rows=rows)


@dataclass(frozen=True)
class Step:
    label: str
    at: dt.datetime | None
    done: bool
    note: str = ""
    current: bool = False


@dataclass
class PublicTender:
    tender: Tender
    lots: list[Lot]
    documents: list[TenderDocument]
    clarifications: list[Clarification]
    objections_total: int
    objections_pending: int
    opening: OpeningRecord | None
    original_deadline: dt.datetime | None
    deadline_moved: bool
    countdown: str
    steps: list[Step] = field(default_factory=list)
    candidates: list = field(default_factory=list)
    awards: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.tender.status, self.tender.status)

    @property
    def procedure_label(self) -> str:
        return procedures.LABELS.get(self.tender.procedure, self.tender.procedure)

    @property
    def main_document(self) -> TenderDocument | None:
        return next((d for d in self.documents if d.kind == "tender_documents"), None)

    @property
    def estimate_text(self) -> str:
        return yuan(self.tender.estimate)

    @property
    def lot_rows(self) -> list[dict]:
        return [
            {
                "number": lot.number,
                "title": lot.title,
                "price_ceiling": yuan(lot.price_ceiling),
                "bond_amount": yuan(lot.bond_amount),
            }
            for lot in self.lots
        ]


def countdown(deadline: dt.datetime | None, at: dt.datetime) -> str:
    """“距投标截止还有 N 天 H 小时”, or "" once the deadline has passed."""
    if deadline is None or deadline <= at:
        return ""
    left = deadline - at
    days, hours = left.days, left.seconds // 3600
    if days == 0 and hours == 0:
        return f"距投标截止还有 {max(left.seconds // 60, 1)} 分钟"
    return f"距投标截止还有 {days} 天 {hours} 小时"


def _steps(t: Tender, clars: list[Clarification], opening, at: dt.datetime) -> list[Step]:
    def step(label, when, note=""):
        return Step(label, when, when is not None and when <= at, note)

    out = [
        step("招标公告发布", t.published_at),
        step("招标文件发出（开始获取）", t.documents_from),
        step("招标文件获取截止", t.sale_end),
    ]
    for c in clars:
        moved = c.new_deadline != c.old_deadline
        out.append(step("澄清或修改", c.issued_at, "投标截止时间顺延" if moved else ""))
    out.append(step("投标截止 / 开标", t.bid_deadline))
    if opening is not None:
        out.append(step("开标记录公布", opening.recorded_at))
    out.sort(key=lambda s: (s.at is None, s.at or at))
    done = [i for i, s in enumerate(out) if s.done]
    if done:  # Tabler's steps: the last step reached is the active one
        out[done[-1]] = replace(out[done[-1]], current=True)
    return out


def tender_detail_public(*, code: str, at: dt.datetime | None = None) -> PublicTender:
    at = at or now()
    tender = tender_get_public(code=code)
    clars = list(Clarification.objects.filter(tender=tender).order_by("issued_at", "pk"))
    moved = [c for c in clars if c.new_deadline != c.old_deadline]
    objections = Objection.objects.filter(tender=tender)
    opening = opening_record(tender)
    accepting = tender.status in workflow.ACCEPTING_BIDS and tender.paused_at is None
    return PublicTender(
        tender=tender,
        lots=list(tender.lots.order_by("number")),
        documents=list(documents_public(tender)),
        clarifications=clars,
        objections_total=objections.count(),
        objections_pending=objections.filter(answered_at__isnull=True).count(),
        opening=opening,
        original_deadline=moved[0].old_deadline if moved else tender.bid_deadline,
        deadline_moved=bool(moved),
        countdown=countdown(tender.bid_deadline, at) if accepting else "",
        steps=_steps(tender, clars, opening, at),
        candidates=candidates_public(tender),
        awards=list(tender.awards.select_related("lot", "supplier").order_by("lot__number")),
    )


def candidates_public(tender: Tender) -> list:
    """中标候选人 from the start of publicity on (实施条例 54), ranked per lot."""
    from jianguan.tendering.models import Candidate

    if tender.status not in (
        workflow.Status.PUBLICITY,
        workflow.Status.AWARDED,
        workflow.Status.CONTRACTED,
    ):
        return []
    return list(
        Candidate.objects.filter(tender=tender)
        .select_related("lot", "bid__bidder")
        .order_by("lot__number", "rank")
    )
