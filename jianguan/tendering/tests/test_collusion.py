"""The screens run at the opening and after the evaluation: a ring leaves evidence, a clean
tender does not; the regulator's page lists tenders by suspicion."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from jianguan.ledger.models import LedgerEntry
from jianguan.tendering import services
from jianguan.tendering.models import Bid, CollusionReport
from jianguan.tendering.tests.test_award import _opened


def test_ring_leaves_evidence_clean_tender_does_not(client, market, tmp_path):
    # a ring: cover bids bunched 2-5 % above the winner, one shared bond account
    ring = _opened(market, tmp_path, ["27000000.00", "27600000.00", "27900000.00", "28300000.00"])
    Bid.objects.filter(tender=ring).update(bond_account="0200004509200999999")
    report = CollusionReport.objects.get(tender=ring, stage="opening")
    screens = {e["screen"] for e in report.evidence}
    assert report.suspicion >= Decimal("0.5") and "price" in screens
    assert report.price["n"] == 4 and report.price["score"] >= 0.5
    assert LedgerEntry.objects.filter(type="tendering.collusion_screened").exists()
    clean = _opened(market, tmp_path, ["24100000.00", "26900000.00", "29400000.00"])
    clean_report = CollusionReport.objects.get(tender=clean, stage="opening")
    assert clean_report.suspicion < Decimal("0.5"), clean_report.evidence
    assert clean_report.price["score"] < 0.5
    assert not [e for e in clean_report.evidence if e["screen"] == "fingerprint" and e["bidders"]]
    # after the evaluation: a second report
    services.evaluation_conclude(actor=market["owner"], tender=clean)
    assert CollusionReport.objects.filter(tender=clean, stage="evaluation").exists()
    # the regulator's page: most suspicious first, drill-down to the evidence
    client.force_login(market["actors"]["regulator"].user)
    page = client.get(reverse("tendering:collusion")).content.decode()
    assert page.index(ring.code) < page.index(clean.code)
    assert 'data-nav="tendering_collusion"' in page  # reached from the menu, not by URL
    detail = client.get(reverse("tendering:collusion_detail", args=[report.pk])).content.decode()
    assert "报价" in detail and "仅为审查线索" in detail
    r = client.get("/api/v1/tendering/collusion")
    assert r.status_code == 200 and r.json()[0]["tender_code"] == ring.code
    client.force_login(market["bidders"][0].user)
    assert client.get(reverse("tendering:collusion")).status_code == 403
    assert (
        'data-nav="tendering_collusion"'
        not in client.get(reverse("tendering:index")).content.decode()
    )
    assert client.get("/api/v1/tendering/collusion").status_code == 403


def test_thresholds_come_from_rule_data(market, tmp_path):
    from jianguan.tendering.collusion import price_screens
    from jianguan.tendering.collusion.services import price_thresholds

    tender = _opened(market, tmp_path, ["24100000.00", "26900000.00", "29400000.00"])
    assert price_thresholds(tender) == {
        k: float(v) for k, v in price_screens.DEFAULT_THRESHOLDS.items()
    }
    report = CollusionReport.objects.get(tender=tender, stage="opening")
    assert report.thresholds["price"]["cv"] == 0.02


def test_market_page_across_tenders(client, market, tmp_path):
    from jianguan.core.timeutil import now
    from jianguan.tendering.collusion.views import market_records
    from jianguan.tendering.models import Tender

    tender = _opened(market, tmp_path, ["24100000.00", "26900000.00", "29400000.00"])
    first = services.evaluation_conclude(actor=market["owner"], tender=tender)[0]
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now())
    services.award_decide(actor=market["owner"], tender=tender, candidate=first)
    records = market_records()
    assert len(records) == 1 and sum(b["won"] for b in records[0]["bids"]) == 1
    client.force_login(market["actors"]["regulator"].user)
    r = client.get(reverse("tendering:collusion_market"))
    assert r.status_code == 200 and "陪标关系" in r.content.decode()
    client.force_login(market["bidders"][0].user)
    assert client.get(reverse("tendering:collusion_market")).status_code == 403
