"""services.record(): in the caller's transaction, gapless, canonical, and strict about input."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from jianguan.accounts import services as accounts
from jianguan.accounts.models import Organisation
from jianguan.accounts.tests.factories import OrganisationFactory, _code
from jianguan.core.actor import SYSTEM
from jianguan.ledger import merkle
from jianguan.ledger.canonical import parse_canonical
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState
from jianguan.ledger.services import LedgerUsageError, current_tree, record
from jianguan.ledger.tests.conftest import rebuild

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _state() -> tuple[int, int, int]:
    size = LedgerState.objects.get(pk=1).tree_size
    return size, LedgerEntry.objects.count(), LedgerNode.objects.count()


# --- transactions -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    org = OrganisationFactory()
    with pytest.raises(LedgerUsageError, match="事务"):
        record(actor=SYSTEM, type="test.event", obj=org, payload={})
    assert LedgerEntry.objects.count() == 0
    with transaction.atomic():
        entry = record(actor=SYSTEM, type="test.event", obj=org, payload={})
    assert entry.index == 0 and LedgerEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_service_that_fails_after_recording_leaves_no_entry(monkeypatch, regulator):
    """Entry iff change: the service's rollback takes the entry (and the index) with it."""
    before = _state()

    def record_then_fail(**kwargs):
        record(**kwargs)
        raise RuntimeError("boom after the ledger write")

    monkeypatch.setattr(accounts, "record", record_then_fail)
    with pytest.raises(RuntimeError, match="boom"):
        accounts.organisation_create(
            actor=regulator,
            name="回滚测试公司",
            kind="general_contractor",
            credit_code=_code(4242),
            legal_representative="李四",
        )
    assert _state() == before
    assert not Organisation.objects.filter(credit_code=_code(4242)).exists()

    monkeypatch.undo()
    org = accounts.organisation_create(
        actor=regulator,
        name="回滚测试公司",
        kind="general_contractor",
        credit_code=_code(4242),
        legal_representative="李四",
    )
    entry = LedgerEntry.objects.get(object_model="organisation", object_id=str(org.pk))
    assert entry.index == before[0]  # the rolled-back index is reused: no gap


def test_an_outer_rollback_takes_the_entry_with_it(org):
    before = _state()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record(actor=SYSTEM, type="test.event", obj=org, payload={"n": 1})
        1 / 0  # noqa: B018
    assert _state() == before


# --- the log ---------------------------------------------------------------------------------


def test_indices_are_gapless_and_stored_nodes_match_a_recomputation(append):
    entries = append(37)
    assert [e.index for e in entries] == list(range(37))
    tree = rebuild()
    state = current_tree()
    assert state.size == 37 and state.root == tree.root()
    stored = {(n.level, n.index): bytes(n.hash) for n in LedgerNode.objects.all()}
    assert stored == tree.nodes
    for (level, index), _ in stored.items():
        assert LedgerNode.objects.get(level=level, index=index).key == (level << 56) | index


def test_leaf_input_is_canonical_json_of_exactly_the_documented_shape(contractor):
    org = contractor.organisation
    when = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    token = uuid.UUID(int=7)
    with transaction.atomic():
        entry = record(
            actor=contractor,
            type="test.shape",
            obj=org,
            payload={
                "amount": Decimal("1234.50"),
                "when": when,
                "day": dt.date(2026, 3, 1),
                "token": token,
                "tags": {"b", "a"},
                "nested": {"list": (1, "二", None, True)},
                "org": org,
            },
        )
    data = bytes(entry.leaf_input)
    doc = parse_canonical(data)  # raises unless the bytes are RFC 8785 canonical
    assert set(doc) == {"type", "object", "actor", "time", "payload", "files"}
    assert doc["type"] == "test.shape"
    assert doc["object"] == {"app": "accounts", "model": "organisation", "id": str(org.pk)}
    assert doc["actor"] == {"user": contractor.username, "organisation": org.credit_code}
    assert TIME.fullmatch(doc["time"])
    assert doc["files"] == []
    assert doc["payload"] == {
        "amount": "1234.50",
        "when": "2026-03-01T08:30:15.123Z",
        "day": "2026-03-01",
        "token": str(token),
        "tags": ["a", "b"],
        "nested": {"list": [1, "二", None, True]},
        "org": {"model": "accounts.organisation", "id": str(org.pk)},
    }
    assert "二".encode() in data  # UTF-8, not \\u escapes
    # The index columns say what the leaf says.
    assert (entry.type, entry.object_app, entry.object_model, entry.object_id) == (
        "test.shape",
        "accounts",
        "organisation",
        str(org.pk),
    )
    assert (entry.actor_user, entry.actor_organisation) == (contractor.username, org.credit_code)
    assert doc["time"].startswith(entry.time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    # Leaf hash as RFC 9162 defines it, with SM3 by default.
    assert (
        bytes(LedgerNode.objects.get(key=entry.index).hash)
        == hashlib.new("sm3", b"\x00" + data).digest()
    )


def test_system_actor_has_no_organisation(org):
    with transaction.atomic():
        entry = record(actor=SYSTEM, type="test.event", obj=org, payload={})
    assert json.loads(bytes(entry.leaf_input))["actor"] == {"user": "system", "organisation": None}


def test_entry_times_follow_the_index(append):
    entries = append(5)
    times = [json.loads(bytes(e.leaf_input))["time"] for e in entries]
    assert times == sorted(times)


# --- refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"amount": 12.5},
        {"nested": {"deep": [1, 2.0]}},
        {"nan": float("nan")},
        {"huge": 2**60},  # beyond IEEE 754 doubles: JSON cannot carry it exactly
        {"object": object()},
        {"bytes": b"raw"},
    ],
    ids=["float", "nested-float", "nan", "huge-int", "object", "bytes"],
)
def test_unrepresentable_payloads_are_refused_and_write_nothing(org, payload):
    before = _state()
    with pytest.raises(LedgerUsageError), transaction.atomic():
        record(actor=SYSTEM, type="test.event", obj=org, payload=payload)
    assert _state() == before


def test_float_message_points_to_decimal(org):
    with pytest.raises(LedgerUsageError, match="Decimal"), transaction.atomic():
        record(actor=SYSTEM, type="test.event", obj=org, payload={"amount": 0.1})


@pytest.mark.parametrize("bad_type", ["", "x" * 81, None])
def test_event_type_must_be_a_short_string(org, bad_type):
    with pytest.raises(LedgerUsageError), transaction.atomic():
        record(actor=SYSTEM, type=bad_type, obj=org, payload={})


def test_unsaved_object_is_refused(db):
    with pytest.raises(LedgerUsageError, match="尚未保存"), transaction.atomic():
        record(actor=SYSTEM, type="test.event", obj=Organisation(name="x"), payload={})


# --- files -----------------------------------------------------------------------------------


def test_files_are_referenced_by_name_and_sm3(org):
    scan = b"%PDF-1.7 scanned acceptance report\n" * 1000
    photo = io.BytesIO(b"\xff\xd8\xff photo bytes" * 50_000)  # > 1 MiB: read in chunks
    known = hashlib.new("sm3", b"already hashed").hexdigest().upper()
    with transaction.atomic():
        entry = record(
            actor=SYSTEM,
            type="test.files",
            obj=org,
            payload={},
            files=[
                ("验收报告.pdf", scan),
                ("photo.jpg", photo),
                {"name": "stored.bin", "sm3": known},
            ],
        )
    files = json.loads(bytes(entry.leaf_input))["files"]
    assert files == [
        {"name": "验收报告.pdf", "sm3": hashlib.new("sm3", scan).hexdigest()},
        {"name": "photo.jpg", "sm3": hashlib.new("sm3", photo.getvalue()).hexdigest()},
        {"name": "stored.bin", "sm3": known.lower()},
    ]
    assert photo.tell() == 0  # rewound for whoever stores the upload next


def test_the_hash_matches_merkle_for_every_entry(append):
    entries = append(9)
    for entry in entries:
        leaf = merkle.leaf_hash(bytes(entry.leaf_input), current_tree().hash_alg)
        assert bytes(LedgerNode.objects.get(level=0, index=entry.index).hash) == leaf
