"""The regulator's collusion page: tenders by suspicion, drill-down to the evidence."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.core.errors import NotFound
from jianguan.core.permissions import permission_required
from jianguan.tendering.collusion import price_screens
from jianguan.tendering.models import CollusionReport

# Each indicator in words (the report stores the stable code; the page shows the name).
INDICATORS = {
    **price_screens.NAME_ZH,
    "same_machine": "同一计算机制作或上传",
    "same_upload_ip": "同一 IP 地址上传",
    "same_pdf_id": "PDF 文件标识符相同",
    "same_pdf_author": "PDF 文件作者相同",
    "same_agent": "同一委托代理人",
    "same_contact_phone": "联系电话相同",
    "same_contact_email": "联系邮箱相同",
    "same_key_staff": "项目管理班子人员相同",
    "same_bond_account": "保证金从同一账户转出",
    "close_pdf_creation": "PDF 文件先后生成时间过近",
    "fingerprint_notes": "文件痕迹说明",
    "proposal_similarity": "技术标文字雷同",
    "boq_identical_rates": "清单综合单价完全相同",
    "boq_constant_ratio": "清单报价成固定比例",
    "boq_shared_arithmetic_errors": "清单计算错误相同",
    "boq_shared_omissions": "清单漏项相同",
    "boq_total_progression": "总价呈等差递进",
}

# Indicators whose value is a share: shown as a percentage, like every ratio on the pages.
RATIOS = price_screens.RATIO_KEYS | {"proposal_similarity"}


def _shown(indicator: str, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if indicator in RATIOS:
        return f"{value * 100:.1f}%"
    return value if isinstance(value, int) else f"{value:.2f}"


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
    from jianguan.accounts.models import Organisation

    codes = {c for item in report.evidence for c in item.get("bidders") or ()}
    names = dict(
        Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", "name")
    )
    groups: dict[str, list] = {}
    for item in report.evidence:
        item = {
            **item,
            "indicator_label": INDICATORS.get(item.get("indicator"), item.get("indicator")),
            "value": _shown(item.get("indicator"), item.get("value")),
            "threshold": _shown(item.get("indicator"), item.get("threshold")),
            "bidder_names": [names.get(c, c) for c in item.get("bidders") or ()],
        }
        groups.setdefault(SCREENS.get(item.get("screen"), item.get("screen")), []).append(item)
    price = [
        (
            INDICATORS.get(key, key),
            _shown(key, value),
            _shown(key, report.thresholds.get("price", {}).get(key)),
        )
        for key, value in report.price.items()
        if key not in ("score", "n")
    ]
    ctx = {
        "report": report,
        "groups": groups,
        "price": report.price,
        "price_rows": price,
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
