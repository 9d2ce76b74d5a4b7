"""The public ledger API: head, keys, entries (visibility), proofs, and 400s for bad input."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.ledger import merkle, merkle_consistency, services, signing
from jianguan.ledger.models import LedgerEntry, TreeHead
from jianguan.ledger.services import current_tree, record, tree_head_sign

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _heads_follow_at_once(monkeypatch):
    """/head re-signs at most every HEAD_MIN_INTERVAL; these tests want every growth signed."""
    monkeypatch.setattr(services, "HEAD_MIN_INTERVAL", dt.timedelta(0))


def _error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] and CHINESE.search(body["message"]), body
    return body


def _head(client) -> dict:
    response = client.get(f"{BASE}/head")
    assert response.status_code == 200
    return response.json()


def _key(client, key_id: str) -> dict:
    keys = client.get(f"{BASE}/keys").json()["keys"]
    return next(k for k in keys if k["key_id"] == key_id)


# --- head and keys -----------------------------------------------------------------------------


def test_head_is_public_signed_and_verifies_with_the_served_key(client, append):
    append(5)
    head = _head(client)
    assert set(head) == {
        "tree_size",
        "root_hash",
        "timestamp",
        "hash_alg",
        "signature",
        "key_id",
        "sig_alg",
    }
    assert head["tree_size"] == 5 and head["hash_alg"] == "sm3" and head["sig_alg"] == "ed25519"
    assert head["root_hash"] == current_tree().root.hex()
    key = _key(client, head["key_id"])
    assert key["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert signing.key_id(key["public_key"]) == head["key_id"]
    assert signing.verify_head(key["public_key"], head["sig_alg"], head, head["signature"])
    # One flipped field and the signature no longer verifies.
    forged = {**head, "tree_size": 4}
    assert not signing.verify_head(key["public_key"], head["sig_alg"], forged, head["signature"])


def test_head_follows_the_log_and_is_not_re_signed_needlessly(client, append):
    append(2)
    first = _head(client)
    assert _head(client) == first  # nothing appended: the same signed head
    append(1)
    second = _head(client)
    assert second["tree_size"] == 3 and second["root_hash"] != first["root_hash"]
    assert TreeHead.objects.count() == 2


def test_anonymous_head_requests_re_sign_at_most_once_per_interval(client, append, monkeypatch):
    monkeypatch.setattr(services, "HEAD_MIN_INTERVAL", dt.timedelta(seconds=60))
    append(1)
    first = _head(client)
    for _ in range(5):
        append(1)
        assert _head(client) == first  # a growing log cannot be made to sign per request
    assert TreeHead.objects.count() == 1
    tree_head_sign()  # the periodic job (and ledger_sign) are not throttled
    assert _head(client)["tree_size"] == 6


def test_head_of_an_empty_log(client, db):
    head = _head(client)
    assert head["tree_size"] == 0
    assert head["root_hash"] == merkle.empty_root("sm3").hex()


def test_keys_are_public_pem_with_validity(client, append):
    append(1)
    _head(client)
    keys = client.get(f"{BASE}/keys").json()["keys"]
    assert len(keys) == 1
    (key,) = keys
    assert set(key) == {"key_id", "sig_alg", "public_key", "valid_from", "valid_to"}
    assert key["valid_to"] is None
    signing.parse_timestamp(key["valid_from"])


# --- entries and who may read them -------------------------------------------------------------


def test_regulator_and_auditor_see_every_entry(client, regulator, auditor, append):
    entries = append(2)
    for persona in (regulator, auditor):
        client.force_login(persona.user)
        response = client.get(f"{BASE}/entries/{entries[1].index}")
        assert response.status_code == 200
        body = response.json()
        assert body["index"] == entries[1].index
        raw = base64.b64decode(body["leaf_input"])
        assert raw == bytes(LedgerEntry.objects.get(index=entries[1].index).leaf_input)
        assert body["entry"]["payload"] == {"i": 1}
        assert body["entry"]["object"]["model"] == "organisation"


def test_a_member_sees_its_own_organisations_entries_only(client, contractor):
    own = contractor.organisation
    other = OrganisationFactory()
    with transaction.atomic():
        mine = record(actor=SYSTEM, type="test.event", obj=own, payload={})
        theirs = record(actor=SYSTEM, type="test.event", obj=other, payload={})
    client.force_login(contractor.user)
    assert client.get(f"{BASE}/entries/{mine.index}").status_code == 200
    _assert_withheld(client.get(f"{BASE}/entries/{theirs.index}"), theirs)


def _assert_withheld(response, entry) -> None:
    """An entry the actor may not read: 200 with its leaf hash only, never its content."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"index", "withheld", "leaf_hash", "message"}, body
    assert body["index"] == entry.index and body["withheld"] is True
    alg = current_tree().hash_alg
    assert body["leaf_hash"] == merkle.leaf_hash(bytes(entry.leaf_input), alg).hex()
    assert CHINESE.search(body["message"])


def test_a_user_sees_the_entries_about_itself(client, contractor, owner):
    """user.created and membership.granted were recorded when the personas were set up."""
    from jianguan.accounts.models import Membership

    def about(persona):
        memberships = Membership.objects.filter(user_id=persona.user_id).values_list(
            "pk", flat=True
        )
        return list(
            LedgerEntry.objects.filter(object_model="user", object_id=str(persona.user_id))
        ) + list(
            LedgerEntry.objects.filter(
                object_model="membership", object_id__in=[str(pk) for pk in memberships]
            )
        )

    mine, theirs = about(contractor), about(owner)
    assert {e.type for e in mine} == {"user.created", "membership.granted"}
    client.force_login(contractor.user)
    for entry in mine:
        assert client.get(f"{BASE}/entries/{entry.index}").status_code == 200, entry.type
    for entry in theirs:
        _assert_withheld(client.get(f"{BASE}/entries/{entry.index}"), entry)


def test_entries_need_authentication(client, append):
    (entry,) = append(1)
    _error(client.get(f"{BASE}/entries/{entry.index}"), 401)


def test_missing_entry_is_404_and_bad_index_is_400(client, regulator, append):
    append(1)
    client.force_login(regulator.user)
    _error(client.get(f"{BASE}/entries/5"), 404)
    for bad in ("abc", "-1", "1.5", "9" * 40, "%C2%B2", "--1", "0x1"):
        _error(client.get(f"{BASE}/entries/{bad}"), 400)


# --- proofs --------------------------------------------------------------------------------------


def test_inclusion_proofs_verify_against_signed_heads(client, append):
    heads = {}
    for batch in (1, 2, 4, 6, 13):  # sizes 1, 3, 7, 13, 26
        append(batch)
        head = _head(client)
        heads[head["tree_size"]] = head
    leaves = {
        e.index: merkle.leaf_hash(bytes(e.leaf_input), "sm3") for e in LedgerEntry.objects.all()
    }
    for size, head in heads.items():
        root = bytes.fromhex(head["root_hash"])
        for index in range(size):
            response = client.get(f"{BASE}/proof/inclusion", {"index": index, "tree_size": size})
            assert response.status_code == 200
            body = response.json()
            assert (body["index"], body["tree_size"]) == (index, size)
            path = [bytes.fromhex(h) for h in body["audit_path"]]
            assert merkle.verify_inclusion("sm3", leaves[index], index, size, path, root)
            if size > 1:  # another leaf at the same position does not verify
                other = leaves[(index + 1) % size]
                assert not merkle.verify_inclusion("sm3", other, index, size, path, root)


def test_consistency_proofs_verify_between_signed_heads(client, append):
    heads = []
    for batch in (1, 1, 2, 3, 5, 8, 13):
        append(batch)
        heads.append(_head(client))
    for a in heads:
        for b in heads:
            if a["tree_size"] > b["tree_size"]:
                continue
            response = client.get(
                f"{BASE}/proof/consistency", {"first": a["tree_size"], "second": b["tree_size"]}
            )
            assert response.status_code == 200, response.content
            body = response.json()
            assert (body["first"], body["second"]) == (a["tree_size"], b["tree_size"])
            path = [bytes.fromhex(h) for h in body["consistency_path"]]
            assert merkle_consistency.verify_consistency(
                "sm3",
                a["tree_size"],
                b["tree_size"],
                bytes.fromhex(a["root_hash"]),
                bytes.fromhex(b["root_hash"]),
                path,
            )


def test_proofs_are_public(client, append):
    append(3)
    tree_head_sign()
    assert client.get(f"{BASE}/proof/inclusion?index=0&tree_size=3").status_code == 200
    assert client.get(f"{BASE}/proof/consistency?first=1&second=3").status_code == 200


INCLUSION_BAD = [
    "index=5&tree_size=5",  # index >= size
    "index=0&tree_size=6",  # size beyond the log
    "index=0&tree_size=0",
    "index=-1&tree_size=3",
    "index=0&tree_size=-3",
    "index=abc&tree_size=3",
    "index=1.0&tree_size=3",
    "index=1e2&tree_size=3",
    "index=0x1&tree_size=3",
    "index=--1&tree_size=3",
    "index=%EF%BC%91&tree_size=3",  # fullwidth digit one
    "index=%C2%B2&tree_size=3",  # superscript two: str.isdigit() says yes, int() says no
    "index=%D9%A1&tree_size=3",  # Arabic-Indic digit one
    f"index=0&tree_size={10**30}",
    f"index={2**63}&tree_size=3",
    "index=&tree_size=3",
    "index=%20&tree_size=3",
    "tree_size=3",
    "index=1",
    "",
]

CONSISTENCY_BAD = [
    "first=4&second=3",  # first > second
    "first=1&second=6",  # second beyond the log
    "first=0&second=3",
    "first=-1&second=3",
    "first=1&second=x",
    "first=1.5&second=3",
    f"first=1&second={10**25}",
    "first=1",
    "second=3",
    "",
]


@pytest.mark.parametrize("query", INCLUSION_BAD)
def test_bad_inclusion_parameters_answer_400(client, append, query):
    append(5)
    _error(client.get(f"{BASE}/proof/inclusion?{query}"))


@pytest.mark.parametrize("query", CONSISTENCY_BAD)
def test_bad_consistency_parameters_answer_400(client, append, query):
    append(5)
    _error(client.get(f"{BASE}/proof/consistency?{query}"))


def test_400_details_name_the_parameter(client, append):
    append(2)
    body = _error(client.get(f"{BASE}/proof/inclusion?index=x&tree_size=2"))
    assert body["code"] == "bad_integer" and body["details"]["parameter"] == "index"
    body = _error(client.get(f"{BASE}/proof/inclusion?index=2&tree_size=2"))
    assert body["code"] == "bad_index"
    body = _error(client.get(f"{BASE}/proof/consistency?first=2&second=1"))
    assert body["code"] == "bad_tree_size"
    assert body["details"] == {"first": 2, "second": 1, "log_size": 2}


def test_proofs_on_an_empty_log_are_400(client, db):
    _error(client.get(f"{BASE}/proof/inclusion?index=0&tree_size=0"))
    _error(client.get(f"{BASE}/proof/inclusion?index=0&tree_size=1"))
    _error(client.get(f"{BASE}/proof/consistency?first=0&second=0"))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    a=st.one_of(st.text(max_size=25), st.integers(-(10**21), 10**21).map(str)),
    b=st.one_of(st.text(max_size=25), st.integers(-(10**21), 10**21).map(str)),
)
def test_proof_parameters_never_cause_a_500(client, append, a, b):
    if not LedgerEntry.objects.exists():
        append(6)
    for path, names in (
        ("inclusion", ("index", "tree_size")),
        ("consistency", ("first", "second")),
    ):
        response = client.get(f"{BASE}/proof/{path}", {names[0]: a, names[1]: b})
        assert response.status_code in (200, 400), (path, a, b, response.content)
        if response.status_code == 400:
            _error(response)


def test_head_without_a_signing_key(client, append, settings, tmp_path):
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "absent.pem")
    body = _error(client.get(f"{BASE}/head"), 503)
    assert body["code"] == "ledger_unsigned"
    append(2)
    with pytest.raises(Exception, match="ledger_keygen"):
        tree_head_sign()
    # Once something was signed (here: with a key that has since gone), it keeps being served.
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "k.pem")
    from jianguan.ledger import keys

    keys.ensure_key()
    signed = _head(client)
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "absent.pem")
    append(1)
    assert _head(client) == signed
