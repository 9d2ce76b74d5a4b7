"""Embargoes: a ledger entry is never more visible than its object in its current state.

A test embargo on organisations stands in for the apps' declarations (tendering and experts
test theirs with their own journeys): the entries of type ``test.secret`` of an organisation
whose name starts with "密" are withheld from everyone but their author, ledger.view_all
included, and the embargo lifts by itself when the name changes. Every reader obeys it: the
API (leaf hash only), the listing, the 履历 panel, the online verifier (which still passes),
and the third-party auditor's bundle (which still verifies offline).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from jianguan.accounts.models import Organisation
from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.ledger import merkle, services, verify, visibility
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entries_search, history_verified
from jianguan.ledger.services import current_tree, record
from jianguan.ledger.tests.verify_client import run_verifier

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"
MARKER = "绝密标记-EMBARGO-51"


@pytest.fixture(autouse=True)
def _heads_follow_at_once(monkeypatch):
    monkeypatch.setattr(services, "HEAD_MIN_INTERVAL", dt.timedelta(0))


@pytest.fixture
def secret(monkeypatch, contractor):
    """The test embargo, and an organisation under it with one secret entry written by the
    contractor, one ordinary entry, and one secret entry of an organisation not under it."""
    monkeypatch.setattr(visibility, "_EMBARGOES", dict(visibility._EMBARGOES))
    visibility.embargo(
        "accounts",
        "organisation",
        types=("test.secret",),
        objects=lambda actor: Organisation.objects.filter(name__startswith="密"),
        unless=lambda actor: Q(actor_user=actor.username) if actor.username else None,
        reason="测试保密期内不可查看",
    )
    hidden = OrganisationFactory(name="密件单位")
    open_org = OrganisationFactory(name="公开单位")
    with transaction.atomic():
        entries = {
            "secret": record(
                actor=contractor, type="test.secret", obj=hidden, payload={"m": MARKER}
            ),
            "plain": record(actor=SYSTEM, type="test.plain", obj=hidden, payload={}),
            "open": record(actor=SYSTEM, type="test.secret", obj=open_org, payload={}),
        }
    return {"org": hidden, "entries": entries}


def _get(client, headers, index: int) -> dict:
    response = client.get(f"{BASE}/entries/{index}", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_api_withholds_embargoed_entries_even_from_view_all(client, bearer, regulator, secret):
    entry = secret["entries"]["secret"]
    body = _get(client, bearer(regulator), entry.index)
    assert body == {
        "index": entry.index,
        "withheld": True,
        "leaf_hash": merkle.leaf_hash(bytes(entry.leaf_input), current_tree().hash_alg).hex(),
        "message": "测试保密期内不可查看",
    }
    # other types of the same object, and the same type of another object, are not embargoed
    assert "entry" in _get(client, bearer(regulator), secret["entries"]["plain"].index)
    assert "entry" in _get(client, bearer(regulator), secret["entries"]["open"].index)


def test_the_author_reads_its_own_entry_and_anonymous_stays_401(client, bearer, contractor, secret):
    entry = secret["entries"]["secret"]
    assert client.get(f"{BASE}/entries/{entry.index}").status_code == 401
    # the contractor wrote it, but may not see the organisation: the object's rule decides
    body = _get(client, bearer(contractor), entry.index)
    assert body["withheld"] is True and MARKER not in json.dumps(body, ensure_ascii=False)


def test_the_embargo_lifts_by_itself_when_the_state_changes(client, bearer, regulator, secret):
    entry = secret["entries"]["secret"]
    assert _get(client, bearer(regulator), entry.index)["withheld"] is True
    Organisation.objects.filter(pk=secret["org"].pk).update(name="已解密单位")
    body = _get(client, bearer(regulator), entry.index)
    assert body["entry"]["payload"] == {"m": MARKER}


def test_system_passes_every_embargo(secret):
    assert visibility.entry_access(SYSTEM, secret["entries"]["secret"]) == (True, "")


def test_listing_leaves_them_out_in_one_query(regulator, auditor, secret):
    for actor in (regulator, auditor):
        qs = entries_search(actor=actor, object_app="accounts")
        with CaptureQueriesContext(connection) as queries:
            listed = set(qs.values_list("index", flat=True))
        assert len(queries) == 1
        assert secret["entries"]["secret"].index not in listed
        assert {secret["entries"]["plain"].index, secret["entries"]["open"].index} <= listed
    assert secret["entries"]["secret"].index in set(
        entries_search(actor=SYSTEM).values_list("index", flat=True)
    )


def test_history_panel_leaves_them_out(client, regulator, secret):
    org = secret["org"]
    indices = [v.entry.index for v in history_verified(org, None, actor=regulator)]
    assert secret["entries"]["secret"].index not in indices
    assert secret["entries"]["plain"].index in indices
    client.force_login(regulator.user)
    html = client.get(f"/accounts/organisations/{org.pk}/").content.decode()
    assert "test.plain" in html and "test.secret" not in html


def test_object_level_can_see_obeys_an_embargo_on_every_type(monkeypatch, regulator, secret):
    org = secret["org"]
    assert visibility.can_see(regulator, "accounts", "organisation", str(org.pk))
    visibility.embargo(
        "accounts",
        "organisation",
        objects=lambda actor: Organisation.objects.filter(name__startswith="密"),
        reason="整个对象保密",
    )
    assert not visibility.can_see(regulator, "accounts", "organisation", str(org.pk))
    assert visibility.can_see(regulator, "accounts", "organisation", "not-a-number")
    assert visibility.hidden_objects(regulator, app="accounts") == [
        ("accounts", "organisation", [str(org.pk)])
    ]


@pytest.mark.parametrize("persona", ["regulator", "auditor", "contractor"])
def test_online_verifier_passes_and_reports_withheld_entries(
    client, bearer, request, tmp_path, secret, persona
):
    actor = request.getfixturevalue(persona)
    code, out = run_verifier(client, bearer(actor), tmp_path / "state.json")
    assert code == 0, out
    assert f"index {secret['entries']['secret'].index}: withheld, verified by hash" in out
    assert "withheld, verified by hash)" in out  # the count on the OK line


def test_online_verifier_fails_on_a_forged_leaf_hash(
    client, bearer, regulator, tmp_path, secret, monkeypatch
):
    from jianguan.ledger import selectors

    monkeypatch.setattr(selectors.EntryRead, "leaf_hash_hex", lambda self: "00" * 32)
    code, out = run_verifier(client, bearer(regulator), tmp_path / "state.json")
    assert code == 1
    assert f"FAIL index {secret['entries']['secret'].index}" in out


def _export(tmp_path: Path, *args: str) -> Path:
    path = tmp_path / "bundle.json"
    call_command("ledger_export", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())
    return path


def _verify(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    return verify.main(["--bundle", str(path)], out=out), out.getvalue()


def test_auditors_bundle_verifies_offline_without_embargoed_content(auditor, secret, tmp_path):
    path = _export(tmp_path, "--as", auditor.username)
    text = path.read_text(encoding="utf-8")
    bundle = json.loads(text)
    assert bundle["format"] == "jianguan-ledger-bundle/2"
    assert bundle["exported_for"] == auditor.username
    entry = secret["entries"]["secret"]
    item = bundle["entries"][entry.index]
    assert item == {
        "index": entry.index,
        "leaf_hash": merkle.leaf_hash(bytes(entry.leaf_input), current_tree().hash_alg).hex(),
        "withheld": True,
    }
    assert MARKER not in text and MARKER.encode("unicode_escape").decode() not in text
    assert "leaf_input" in bundle["entries"][secret["entries"]["plain"].index]
    code, out = _verify(path)
    assert code == 0, out
    assert "1 of" in out and "withheld" in out


def test_a_contractors_bundle_withholds_what_it_may_not_see(contractor, secret, tmp_path):
    bundle = json.loads(_export(tmp_path, "--as", contractor.username).read_text())
    withheld = {e["index"] for e in bundle["entries"] if e.get("withheld")}
    assert secret["entries"]["plain"].index in withheld  # not its organisation
    own = LedgerEntry.objects.filter(
        object_model="user", object_id=str(contractor.user_id)
    ).values_list("index", flat=True)
    assert own and not withheld & set(own)
    assert _verify(tmp_path / "bundle.json")[0] == 0


def test_full_export_is_unchanged_and_bundle_checks_withheld_entries(secret, tmp_path):
    path = _export(tmp_path)
    bundle = json.loads(path.read_text())
    assert bundle["format"] == "jianguan-ledger-bundle/1"
    assert not any("withheld" in e for e in bundle["entries"])
    assert _verify(path)[0] == 0

    i = secret["entries"]["secret"].index
    # /1 may not withhold anything
    bundle["entries"][i] = {
        "index": i,
        "leaf_hash": bundle["entries"][i]["leaf_hash"],
        "withheld": True,
    }
    path.write_text(json.dumps(bundle))
    code, out = _verify(path)
    assert code == 1 and f"FAIL index {i}" in out
    # /2 may; a forged leaf hash of a withheld entry breaks the signed root
    bundle["format"] = "jianguan-ledger-bundle/2"
    path.write_text(json.dumps(bundle))
    assert _verify(path)[0] == 0
    bundle["entries"][i]["leaf_hash"] = "11" * 32
    path.write_text(json.dumps(bundle))
    code, out = _verify(path)
    assert code == 1 and "root differs from signed head" in out


def test_export_as_an_unknown_user_is_refused(tmp_path, db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        _export(tmp_path, "--as", "nobody-here")
