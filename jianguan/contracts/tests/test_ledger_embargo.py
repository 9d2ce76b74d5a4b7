"""The finance review's embargo from the auditor (independent second review) through every
reader: the API answers the entry withheld (leaf hash only), the contract's ledger export
leaves it out, and the online verifier still passes with the auditor's token (it used to
fail with "HTTP 403" on the first finance-review entry)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.contracts.tests.test_reviews import approve, review_at, submitted
from jianguan.ledger import services as ledger_services
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.tests.verify_client import run_verifier


@pytest.fixture(autouse=True)
def _heads_follow_at_once(monkeypatch):
    monkeypatch.setattr(ledger_services, "HEAD_MIN_INTERVAL", dt.timedelta(0))


def test_finance_review_is_withheld_from_the_auditor_until_its_audit(
    client, bearer, deal, tmp_path
):
    claim = submitted(deal)
    for persona in ("supervisor", "owner"):
        approve(deal, persona, review_at(deal, claim, persona))
        claim.refresh_from_db()
    fin = review_at(deal, claim, "finance")
    approve(deal, "finance", fin)
    auditor, regulator = deal["actors"]["auditor"], deal["actors"]["regulator"]
    entries = list(LedgerEntry.objects.filter(object_model="review", object_id=str(fin.pk)))
    assert entries
    for entry in entries:
        body = client.get(f"/api/v1/ledger/entries/{entry.index}", headers=bearer(auditor)).json()
        assert body["withheld"] is True and "独立复核" in body["message"]
        body = client.get(f"/api/v1/ledger/entries/{entry.index}", headers=bearer(regulator))
        assert body.json()["entry"]["type"] == entry.type

    code, out = run_verifier(client, bearer(auditor), tmp_path / "state.json")
    assert code == 0, out
    assert f"index {entries[0].index}: withheld, verified by hash" in out

    client.force_login(auditor.user)
    export = client.get(f"/contracts/{claim.contract_id}/ledger/export.json").json()
    assert not {e.index for e in entries} & {e["index"] for e in export["entries"]}

    claim.refresh_from_db()
    approve(deal, "auditor", review_at(deal, claim, "auditor"))  # the embargo lifts
    body = client.get(f"/api/v1/ledger/entries/{entries[0].index}", headers=bearer(auditor))
    assert body.json()["entry"]["type"] == entries[0].type
    export = client.get(f"/contracts/{claim.contract_id}/ledger/export.json").json()
    assert {e.index for e in entries} <= {e["index"] for e in export["entries"]}
