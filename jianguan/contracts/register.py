"""The contract register (合同台账): the visible contracts, filtered, with their money figures
aggregated read-only from claims and payments; and its Excel export."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from jianguan.contracts import workflow
from jianguan.contracts.models import Contract, Payment, PaymentClaim
from jianguan.contracts.selectors import contract_list_visible_to
from jianguan.core.actor import Actor

ZERO = Decimal("0.00")
APPROVED = (workflow.C_APPROVED, workflow.C_PAID)
SUBMITTED = tuple(s for s in workflow.CLAIM_STATUSES if s not in (workflow.C_DRAFT,))
COLUMNS = (
    ("number", "合同编号"),
    ("project", "项目"),
    ("title", "合同名称"),
    ("kind", "合同类型"),
    ("employer", "发包人"),
    ("contractor", "承包人"),
    ("price", "签约合同价（元）"),
    ("current_value", "现合同价（元）"),
    ("approved", "累计审定（元）"),
    ("paid", "累计支付（元）"),
    ("retention", "已扣质保金（元）"),
    ("status", "状态"),
    ("signed_on", "签订日期"),
)
MONEY_KEYS = ("price", "current_value", "approved", "paid", "retention")


def _project_id(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**62 else None


def register_queryset(
    *,
    actor: Actor,
    q: str = "",
    project: Any = None,
    status: str = "",
    kind: str = "",
    claim_status: str = "",
) -> QuerySet[Contract]:
    """Visible contracts, filtered; unknown filter values simply match nothing."""
    qs = contract_list_visible_to(actor=actor).order_by("-created_at", "-pk")
    q = str(q or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(project__name__icontains=q)
            | Q(project__code__icontains=q)
            | Q(contractor__name__icontains=q)
            | Q(employer__name__icontains=q)
        )
    if project not in (None, ""):
        pid = _project_id(project)
        qs = qs.filter(project_id=pid) if pid else qs.none()
    if status:
        qs = qs.filter(status=status) if status in workflow.CONTRACT_STATUSES else qs.none()
    if kind:
        qs = qs.filter(kind=kind) if kind in workflow.CONTRACT_KINDS else qs.none()
    # The dashboard's claim counts link here: contracts with a claim in that status.
    if claim_status:
        if claim_status in workflow.CLAIM_STATUSES and claim_status != workflow.C_DRAFT:
            qs = qs.filter(
                pk__in=PaymentClaim.objects.filter(status=claim_status).values("contract_id")
            )
        else:
            qs = qs.none()
    return qs


def figures(ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """{contract id: claimed, approved, paid, retention} from claims and payments."""
    out: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"claimed": ZERO, "approved": ZERO, "paid": ZERO, "retention": ZERO}
    )
    if not ids:
        return out
    claims = PaymentClaim.objects.filter(contract_id__in=ids)
    for row in (
        claims.filter(status__in=SUBMITTED).values("contract_id").annotate(s=Sum("claimed_value"))
    ):
        out[row["contract_id"]]["claimed"] = row["s"] or ZERO
    for row in (
        claims.filter(status__in=APPROVED)
        .values("contract_id")
        .annotate(a=Sum("approved_value"), r=Sum("retention_amount"))
    ):
        out[row["contract_id"]]["approved"] = row["a"] or ZERO
        out[row["contract_id"]]["retention"] = row["r"] or ZERO
    for row in (
        Payment.objects.filter(claim__contract_id__in=ids)
        .values("claim__contract_id")
        .annotate(s=Sum("amount"))
    ):
        out[row["claim__contract_id"]]["paid"] = row["s"] or ZERO
    return out


def rows(contracts: list[Contract]) -> list[dict[str, Any]]:
    figs = figures([c.pk for c in contracts])
    return [
        {
            "contract": c,
            "number": c.number,
            "project": c.project.name,
            "title": c.title,
            "kind": c.get_kind_display(),
            "employer": c.employer.name,
            "contractor": c.contractor.name,
            "price": c.price,
            "current_value": c.current_value,
            "status": c.get_status_display(),
            "signed_on": c.signed_on,
            **figs[c.pk],
        }
        for c in contracts
    ]


def totals(qs: QuerySet[Contract]) -> dict[str, Decimal]:
    ids = list(qs.values_list("pk", flat=True))
    sums = Contract.objects.filter(pk__in=ids).aggregate(
        price=Sum("price"), current_value=Sum("current_value")
    )
    out = {k: sums[k] or ZERO for k in ("price", "current_value")}
    figs = figures(ids)
    for key in ("claimed", "approved", "paid", "retention"):
        out[key] = sum((f[key] for f in figs.values()), ZERO)
    out["count"] = len(ids)
    return out


def export_xlsx(qs: QuerySet[Contract]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "合同台账"
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    data = rows(list(qs[:10000]))
    for row in data:
        sheet.append([row[k] for k, _ in COLUMNS])
    total = totals(qs)
    sheet.append(
        ["合计" if k == "number" else (total[k] if k in MONEY_KEYS else None) for k, _ in COLUMNS]
    )
    money_cols = [i + 1 for i, (k, _) in enumerate(COLUMNS) if k in MONEY_KEYS]
    for r in sheet.iter_rows(min_row=2):
        for cell in r:
            if cell.column in money_cols:
                cell.number_format = "#,##0.00"
    for i, width in enumerate((18, 28, 36, 14, 24, 24, 16, 16, 16, 16, 16, 10, 12), 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
