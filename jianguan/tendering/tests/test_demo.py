"""The tendering demo: tenders in every state, sealed bids, keys kept for a manual opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from jianguan.tendering import sealer
from jianguan.tendering.models import Bid, Tender

pytestmark = pytest.mark.django_db


def test_demo_tenders_in_every_state_with_their_keys(demo_district):
    tmp_path = demo_district.data_dir
    states = set(Tender.objects.values_list("status", flat=True))
    assert {"draft", "published", "failed", "evaluation", "cancelled"} <= states
    from jianguan.tendering.models import CollusionReport

    # the injected ring is flagged, the clean evaluated tender is not
    # the ring is planted in the data (one machine, one bond account), not named in a title
    reports = CollusionReport.objects.filter(stage="opening")
    ring = reports.exclude(tender__evaluation_method="comprehensive").get()
    clean = reports.get(tender__evaluation_method="comprehensive")
    assert ring.suspicion >= 0.7 and clean.suspicion < 0.5
    kinds = {e["indicator"] for e in ring.evidence}
    assert {"same_bond_account", "same_upload_ip"} <= kinds
    bidding = Tender.objects.get(status="published")
    bid = Bid.objects.filter(tender=bidding, status="submitted").select_related("bidder").first()
    key = Path(tmp_path) / "demo-keys" / bidding.code
    pems = sorted(key.glob("*.pem"))
    assert len(pems) == 3 and (Path(tmp_path) / "demo-keys" / "README.txt").exists()
    # one of the kept keys opens the demo bid it was made for
    opened = [p for p in pems if _opens(p, bid)]
    assert len(opened) == 1
    assert Bid.objects.filter(status="revoked").count() == 1


def _opens(pem: Path, bid) -> bool:
    try:
        sealer.unwrap_data_key(package=bid.package.path, private_pem=pem.read_bytes())
    except sealer.SealError:
        return False
    return True
