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


def market_records() -> list[dict]:
    """Every opened tender as the co-bidding graph sees it (bidder names, prices, winner)."""
    from jianguan.tendering.models import Award, Bid

    winners = set(Award.objects.values_list("bid_id", flat=True))
    records: dict[int, dict] = {}
    bids = Bid.objects.filter(status=Bid.OPENED, price__isnull=False).select_related(
        "tender", "bidder"
    )
    for bid in bids:
        rec = records.setdefault(
            bid.tender_id,
            {"tender": bid.tender.code, "date": bid.tender.bid_deadline.date(), "bids": []},
        )
        rec["bids"].append(
            {"bidder": bid.bidder.name, "price": bid.price, "won": bid.pk in winners}
        )
    return [r for r in records.values() if any(b["won"] for b in r["bids"])]


@require_GET
@permission_required("tendering.supervise")
def market(request: HttpRequest) -> HttpResponse:
    """Across tenders: cover-bidding pairs and win rotation among a group (co-bidding graph)."""
    from jianguan.tendering.collusion import graph

    records = market_records()
    ctx = {
        "tenders": len(records),
        "pairs": graph.cover_pairs(records),
        "groups": graph.rotation_groups(records),
    }
    return render(request, "tendering/collusion_market.html", ctx)
