"""工程量清单 API: the lines (paginated, searchable), the Excel import of a draft contract's
BoQ (row-level Chinese errors) and the Excel export. Ids use the int converter, as in api.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from urllib.parse import quote

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from jianguan.contracts import selectors
from jianguan.contracts.boq import io as boq_io
from jianguan.contracts.boq.services import boq_import
from jianguan.contracts.models import BoqItem, Contract
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.permissions import require

router = Router(tags=["合同与支付"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BoqQuery(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    changed: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class BoqLineOut(Schema):
    id: int
    sequence: int
    code: str
    name: str
    feature: str
    unit: str
    quantity: str
    unit_rate: str
    amount: str
    current_quantity: str
    changed: bool
    origin_variation: str | None


class BoqPageOut(Schema):
    contract_id: int
    status: str
    count: int
    total_lines: int
    total_amount: str
    current_amount: str
    offset: int
    limit: int
    items: list[BoqLineOut]


class BoqImportOut(Schema):
    count: int
    total: str
    sm3: str
    warnings: list[str]


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    require(request.actor, "contracts.view")
    pk = path_id(str(contract_id), "合同")
    return selectors.contract_get_visible(actor=request.actor, pk=pk)


def lines(contract: Contract, q: str = "", changed: bool = False) -> QuerySet[BoqItem]:
    """The contract's lines, optionally those matching `q` (code, name or feature) or only
    those a variation changed or added."""
    qs = contract.boq_items.select_related("origin_variation").order_by("sequence")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(feature__icontains=q))
    if changed:
        qs = qs.filter(~Q(current_quantity=F("quantity")) | Q(origin_variation__isnull=False))
    return qs


def totals(contract: Contract) -> dict:
    """Line count, contract amount and current amount (current quantity × rate)."""
    agg = contract.boq_items.aggregate(
        n=Count("pk"),
        amount=Sum("amount"),
    )
    current = Decimal("0.00")
    for qty, rate in contract.boq_items.values_list("current_quantity", "unit_rate").iterator():
        current += qty * rate
    return {
        "total_lines": agg["n"] or 0,
        "total_amount": agg["amount"] or Decimal("0.00"),
        "current_amount": current.quantize(Decimal("0.01")),
    }


def _line_out(i: BoqItem) -> dict:
    return {
        "id": i.pk,
        "sequence": i.sequence,
        "code": i.code,
        "name": i.name,
        "feature": i.feature,
        "unit": i.unit,
        "quantity": str(i.quantity),
        "unit_rate": str(i.unit_rate),
        "amount": str(i.amount),
        "current_quantity": str(i.current_quantity),
        "changed": i.current_quantity != i.quantity or i.origin_variation_id is not None,
        "origin_variation": i.origin_variation.number if i.origin_variation_id else None,
    }


def xlsx_response(contract: Contract, disposition: str = "attachment") -> HttpResponse:
    content = boq_io.export(lines(contract).iterator(chunk_size=2000))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{contract.number}-工程量清单.xlsx"
    ascii_name = f"{contract.number}-boq.xlsx".encode("ascii", "replace").decode()
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@router.get(
    "/{int:contract_id}/boq",
    response={200: BoqPageOut, **ERR},
    summary="工程量清单（分页，可按编码、名称、特征搜索）",
)
def boq_list(request: HttpRequest, contract_id: int, filters: Query[BoqQuery]):
    c = _contract(request, contract_id)
    qs = lines(c, filters.q, filters.changed)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    sums = totals(c)
    return {
        "contract_id": c.pk,
        "status": c.status,
        "count": qs.count(),
        "total_lines": sums["total_lines"],
        "total_amount": str(sums["total_amount"]),
        "current_amount": str(sums["current_amount"]),
        "offset": filters.offset,
        "limit": filters.limit,
        "items": [_line_out(i) for i in page],
    }


@router.post(
    "/{int:contract_id}/boq",
    response={200: BoqImportOut, **ERR},
    summary="导入工程量清单（Excel，GB 50500 列；仅草拟合同；有错误时逐行返回，不导入）",
)
def boq_upload(request: HttpRequest, contract_id: int, file: File[UploadedFile]):
    c = _contract(request, contract_id)
    summary = boq_import(actor=request.actor, contract=c, file=file)
    return {**summary, "total": str(summary["total"])}


@router.get(
    "/{int:contract_id}/boq.xlsx",
    response={200: None, **ERR},
    summary="导出工程量清单（Excel，含现工程量与来源）",
)
def boq_xlsx(request: HttpRequest, contract_id: int):
    return xlsx_response(_contract(request, contract_id))
