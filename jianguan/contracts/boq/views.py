"""工程量清单 tab: the lines (searchable, paged: a BoQ may hold 20,000 lines), totals, current
quantity against the contract quantity (lines changed by variations highlighted), the Excel
import for drafts with its row errors, and the Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jianguan.contracts import selectors, workflow
from jianguan.contracts.boq.api import lines, totals, xlsx_response
from jianguan.contracts.boq.services import boq_import
from jianguan.contracts.models import Contract
from jianguan.contracts.services.common import is_party
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required

SIZES = (20, 50, 100, 200)


def _get(request: HttpRequest, pk: int) -> Contract:
    return selectors.contract_get_visible(actor=request.actor, pk=pk)


def _may_import(request: HttpRequest, c: Contract) -> bool:
    return (
        c.status == workflow.DRAFT
        and request.actor.can("contracts.manage")
        and is_party(request.actor, c, "employer", "contractor")
    )


def _render(
    request: HttpRequest, c: Contract, *, error: DomainError | None = None, status: int = 200
) -> HttpResponse:
    q = str(request.GET.get("q", "")).strip()[:100]
    changed = request.GET.get("changed") == "1"
    try:
        size = int(request.GET.get("size", 50))
    except (TypeError, ValueError):
        size = 50
    size = size if size in SIZES else 50
    qs = lines(c, q, changed)
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    rows = [
        {
            "item": i,
            "changed": i.current_quantity != i.quantity or i.origin_variation_id is not None,
            "delta": i.current_quantity - i.quantity,
        }
        for i in page.object_list
    ]
    ctx = {
        "c": c,
        "tab": "boq",
        "page": page,
        "rows": rows,
        "sums": totals(c),
        "q": q,
        "changed": changed,
        "size": size,
        "sizes": SIZES,
        "may_import": _may_import(request, c),
        "error": error.message if error else "",
        "row_errors": (error.details if error and isinstance(error.details, list) else [])[:500],
        "error_count": len(error.details) if error and isinstance(error.details, list) else 0,
    }
    return render(request, "contracts/boq.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("contracts.view")
def boq(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    if request.method == "GET":
        return _render(request, c)
    try:
        summary = boq_import(actor=request.actor, contract=c, file=request.FILES.get("file"))
    except DomainError as exc:
        return _render(request, _get(request, pk), error=exc, status=exc.status)
    messages.success(request, f"已导入 {summary['count']} 条清单项，合计 {summary['total']} 元")
    for warning in summary["warnings"]:
        messages.warning(request, warning)
    return redirect("contracts:boq", pk=c.pk)


@require_GET
@permission_required("contracts.view")
def boq_export(request: HttpRequest, pk: int) -> HttpResponse:
    return xlsx_response(_get(request, pk))
