"""招标投标法 37 in the ledger: until the award the committee's entries (who submitted, who
signed, which scores) are read only by the supervising officer, holders of experts.draw and
the expert who wrote them; score entries also by the members once every present member has
submitted; audit firms holding ledger.view_all see them after the award."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.experts import services
from jianguan.experts.tests import test_scoring
from jianguan.ledger import services as ledger_services
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entries_search
from jianguan.ledger.tests.verify_client import run_verifier
from jianguan.projects.tests.test_services import member
from jianguan.tendering.models import Tender

BASE = "/api/v1/ledger"
scored = test_scoring.scored  # the shared fixture: a drawn, checked-in committee
_scores = test_scoring._scores


@pytest.fixture(autouse=True)
def _heads_follow_at_once(monkeypatch):
    monkeypatch.setattr(ledger_services, "HEAD_MIN_INTERVAL", dt.timedelta(0))


def _read(client, headers, entry) -> dict:
    response = client.get(f"{BASE}/entries/{entry.index}", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def _submit(world, m) -> LedgerEntry:
    actor = world["actors"][m.expert_id]
    for i, bid in enumerate(world["tender"].bids.filter(status="opened")):
        services.sheet_save(actor=actor, member=m, bid=bid, scores=_scores(16 + i))
    services.sheets_submit(actor=actor, member=m)
    return LedgerEntry.objects.filter(type="experts.sheets_submitted").latest("index")


def test_committee_entries_are_withheld_until_the_names_are_published(
    client, bearer, scored, market
):
    committee, actors = scored["committee"], scored["actors"]
    members = list(committee.members.filter(status="checked_in").order_by("order"))
    first, second = actors[members[0].expert_id], actors[members[1].expert_id]
    auditor = member(OrganisationFactory(kind="auditor"), "aud_experts", ["staff"])
    officer = scored["reg"]
    drawn = LedgerEntry.objects.get(type="experts.draw_committed")
    sheet = _submit(scored, members[0])
    assert sheet.actor_user == first.username

    # before the award: the auditor sees none of it, the officer all of it
    for entry in (drawn, sheet):
        body = _read(client, bearer(auditor), entry)
        assert body["withheld"] is True and "第三十七条" in body["message"]
        assert _read(client, bearer(officer), entry)["entry"]["type"] == entry.type
    # the expert reads its own sheet; another member not before all have submitted
    assert _read(client, bearer(first), sheet)["entry"]["payload"]["scores"]
    assert _read(client, bearer(second), sheet)["withheld"] is True
    assert _read(client, bearer(second), drawn)["withheld"] is True
    listed = entries_search(actor=auditor, object_app="experts", object_model="committee")
    assert not listed.exists()
    assert entries_search(actor=officer, object_app="experts", object_model="committee").count()

    for m in members[1:]:
        _submit(scored, m)
    # every present member is in: the members read each other's sheets, still not the auditor
    assert _read(client, bearer(second), sheet)["entry"]["payload"]["scores"]
    assert _read(client, bearer(second), drawn)["withheld"] is True
    assert _read(client, bearer(auditor), sheet)["withheld"] is True
    # a bidder never reads them
    bidder_org = scored["tender"].bids.filter(status="opened").first().bidder_id
    bidder = next(a for a in market["bidders"] if a.organisation_id == bidder_org)
    assert _read(client, bearer(bidder), sheet)["withheld"] is True

    # the award alone changes nothing; publishing the names lifts the embargo by itself,
    # except for each expert's sheet (and a bidder never reads any of it)
    Tender.objects.filter(pk=scored["tender"].pk).update(status="awarded")
    assert _read(client, bearer(auditor), drawn)["withheld"] is True
    services.committee_reveal(actor=officer, committee=committee)
    assert _read(client, bearer(auditor), drawn)["entry"]["type"] == "experts.draw_committed"
    assert _read(client, bearer(auditor), sheet)["withheld"] is True
    assert _read(client, bearer(bidder), sheet)["withheld"] is True
    assert _read(client, bearer(bidder), drawn)["withheld"] is True
    listed = entries_search(actor=auditor, object_app="experts", object_model="committee")
    assert set(listed.values_list("type", flat=True)) == {
        "experts.draw_committed",
        "experts.member_checked_in",
        "experts.committee_revealed",
    }


@pytest.mark.parametrize("persona", ["officer", "auditor", "expert"])
def test_the_online_verifier_passes_for_committee_tokens(
    client,
    bearer,
    scored,
    tmp_path,
    persona,
):
    members = list(scored["committee"].members.filter(status="checked_in").order_by("order"))
    _submit(scored, members[0])
    actor = {
        "officer": scored["reg"],
        "auditor": member(OrganisationFactory(kind="auditor"), "aud_verify", ["staff"]),
        "expert": scored["actors"][members[1].expert_id],
    }[persona]
    code, out = run_verifier(client, bearer(actor), tmp_path / "state.json")
    assert code == 0, out
    if persona != "officer":
        assert "withheld, verified by hash)" in out
