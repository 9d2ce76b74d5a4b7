"""The regulator's collusion page: tenders by suspicion, drill-down to the evidence."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.core.errors import NotFound
from jianguan.core.permissions import permission_required
from jianguan.tendering.models import CollusionReport

SCREENS = {
    "price": "报价分布",
    "fingerprint": "制作及递交痕迹",
    "similarity": "技术标雷同",
    "boq": "工程量清单",
}


@require_GET
@permission_required("tendering.supervise")
def index(request: HttpRequest) -> HttpResponse:
    qs = CollusionReport.objects.select_related("tender__project").order_by("-suspicion", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "tendering/collusion.html", {"page": page})


@require_GET
@permission_required("tendering.supervise")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = CollusionReport.objects.select_related("tender").filter(pk=pk).first()
    if report is None:
        raise NotFound("筛查报告不存在", code="not_found")
    groups: dict[str, list] = {}
    for item in report.evidence:
        groups.setdefault(SCREENS.get(item.get("screen"), item.get("screen")), []).append(item)
    ctx = {
        "report": report,
        "groups": groups,
        "price": report.price,
        "thresholds": report.thresholds,
    }
    return render(request, "tendering/collusion_detail.html", ctx)
