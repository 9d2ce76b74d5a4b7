"""Every public event publishes an OCDS release; the API serves packages and records that
validate against the OCDS 1.1.5 schema kept in ../shared, offline."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.timeutil import now
from jianguan.ledger.models import LedgerEntry
from jianguan.tendering import services
from jianguan.tendering.models import OcdsRelease, Tender
from jianguan.tendering.ocds import releases as ocds
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.shared_data import OCDS_SCHEMA
from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit, _tender
from tests.needs import need

SCHEMA = OCDS_SCHEMA


@pytest.fixture(autouse=True)
def ocds_schema():
    """The OCDS 1.1.5 schema: a skip without it, a failure under CI (tests/needs.py)."""
    need((SCHEMA / "release-schema.json").is_file(), f"OCDS schema not found at {SCHEMA}")
    return SCHEMA


def _valid(obj, kind):
    assert ocds.validate(obj, schema_dir=SCHEMA, kind=kind) == []


def test_releases_through_the_lifecycle_validate(client, market, tmp_path):
    tender = _publish(market, _tender(market))
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() + dt.timedelta(days=10))
    services.clarification_issue(actor=market["owner"], tender=tender, text="补充工程量清单说明")
    failing = _publish(market, _tender(market, title="配套道路工程"))
    for actor in market["bidders"][:3]:
        _, public = _keys(actor, tender)
        _submit(actor, tender, _seal(tmp_path, public, f"2900000{actor.organisation_id}.00"))
    Tender.objects.filter(pk__in=[tender.pk, failing.pk]).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    tenders_advance()
    assert Tender.objects.get(pk=failing.pk).status == "failed"
    tags = list(OcdsRelease.objects.filter(tender=tender).values_list("tag", flat=True))
    assert tags == ["tender", "tenderAmendment"]
    assert OcdsRelease.objects.filter(tender=failing).last().tag == "tenderCancellation"
    assert LedgerEntry.objects.filter(type="tendering.ocds_released").count() == 4
    r = client.get("/api/v1/ocds/releases")
    assert r.status_code == 200
    package = r.json()
    assert len(package["releases"]) == 4
    _valid(package, "release_package")
    for release in package["releases"]:
        _valid(release, "release")
        assert release["ocid"].startswith("ocds-jgdx00-ZB-")
        assert "tenderers" not in release["tender"]  # nobody is named before opening
    ocid = OcdsRelease.objects.filter(tender=tender).first().ocid
    r = client.get(f"/api/v1/ocds/records/{ocid}")
    assert r.status_code == 200
    _valid(r.json(), "record_package")
    compiled = r.json()["records"][0]["compiledRelease"]
    assert compiled["tender"]["status"] == "active" and len(compiled["tender"]["amendments"]) == 1
    since = OcdsRelease.objects.order_by("date").first().date.isoformat()
    assert len(client.get("/api/v1/ocds/releases", {"since": since}).json()["releases"]) == 3
    assert client.get("/api/v1/ocds/releases", {"limit": 2}).json()["links"]["next"]
    assert client.get("/api/v1/ocds/records/ocds-nope-1").status_code == 404
    assert client.get("/api/v1/ocds/releases", {"since": "2026-01-01T00:00:00"}).status_code == 400
    # offsets and years the database cannot hold (found by the API fuzzer): 400, not 500
    for odd in ("0304-02-14T17:33:51-19:21", "0001-01-01T00:00:00+05:00"):
        r = client.get("/api/v1/ocds/releases", {"since": odd})
        assert r.status_code in (400, 422), odd
