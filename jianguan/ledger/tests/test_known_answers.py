"""Known answers for ledger entries (issue 14): the exact RFC 8785 bytes of an entry and its leaf
hashes must never drift, or every offline verification of recorded history breaks.

vectors/ledger_entries.json was computed by vectors/make_ledger_entries.py, which implements
RFC 8785 itself (checked against the RFC's own examples) and imports nothing from jianguan.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.core.actor import Actor
from jianguan.ledger import merkle, merkle_memory
from jianguan.ledger import services as ledger_services
from jianguan.ledger.canonical import canonical_json, parse_canonical
from jianguan.ledger.models import LedgerNode, LedgerState
from jianguan.ledger.services import jsonable, record

VECTOR = json.loads((Path(__file__).parent / "vectors" / "ledger_entries.json").read_text("utf-8"))
ENTRIES = VECTOR["entries"]
IDS = [e["type"] for e in ENTRIES]


def typed(v):
    """The vector's tagged JSON -> the Python values a service passes to record()."""
    if isinstance(v, dict) and len(v) == 1 and next(iter(v)).startswith("$"):
        tag, inner = next(iter(v.items()))
        return {
            "$decimal": lambda: Decimal(inner),
            "$date": lambda: dt.date.fromisoformat(inner),
            "$datetime": lambda: dt.datetime.fromisoformat(inner),
            "$set": lambda: {typed(i) for i in inner},
            "$tuple": lambda: tuple(typed(i) for i in inner),
        }[tag]()
    if isinstance(v, dict):
        return {k: typed(i) for k, i in v.items()}
    if isinstance(v, list):
        return [typed(i) for i in v]
    return v


def _raw(e: dict) -> bytes:
    raw = base64.b64decode(e["expected"]["leaf_input_b64"])
    assert raw == e["expected"]["leaf_input_utf8"].encode("utf-8")
    return raw


@pytest.mark.parametrize("ex", VECTOR["rfc8785_examples"], ids=lambda ex: ex["name"])
def test_rfc8785_published_examples(ex):
    assert canonical_json(json.loads(ex["input_json"])) == ex["output"].encode("utf-8")


@pytest.mark.parametrize("e", ENTRIES, ids=IDS)
def test_entry_bytes_from_the_documented_document(e):
    """jsonable() + canonical_json() of {type, object, actor, time, payload, files}."""
    app, model = e["model"].split(".")
    t = dt.datetime.fromisoformat(e["time"])
    files = [
        {
            "name": f["name"],
            "sm3": ledger_services._file_refs([(f["name"], base64.b64decode(f["content_b64"]))])[0][
                "sm3"
            ],
        }
        for f in e["files"]
    ]
    document = {
        "type": e["type"],
        "object": {"app": app, "model": model.lower(), "id": str(e["id"])},
        "actor": {
            "user": e["actor"]["username"] or None,
            "organisation": e["actor"]["credit_code"],
        },
        "time": jsonable(t),
        "payload": jsonable(typed(e["payload"])),
        "files": files,
    }
    assert canonical_json(document) == _raw(e)


@pytest.mark.parametrize("e", ENTRIES, ids=IDS)
def test_leaf_hashes(e):
    raw = _raw(e)
    assert merkle.leaf_hash(raw, "sm3").hex() == e["expected"]["leaf_hash_sm3"]
    assert merkle.leaf_hash(raw, "sha256").hex() == e["expected"]["leaf_hash_sha256"]
    assert parse_canonical(raw) == json.loads(raw)  # already canonical: accepted as is


@pytest.mark.parametrize("alg", ["sm3", "sha256"])
def test_root_of_the_three_entries(alg):
    tree = merkle_memory.InMemoryTree(alg)
    for e in ENTRIES:
        tree.append(_raw(e))
    assert tree.root().hex() == VECTOR["root_of_three"][alg]


@pytest.mark.django_db
@pytest.mark.parametrize("e", ENTRIES, ids=IDS)
def test_record_writes_exactly_these_bytes(e, monkeypatch):
    """The whole path a service takes: record() with a fixed clock, actor and object."""
    monkeypatch.setattr(ledger_services, "now", lambda: dt.datetime.fromisoformat(e["time"]))
    org = Organisation(credit_code=e["actor"]["credit_code"]) if e["actor"]["credit_code"] else None
    actor = Actor(username=e["actor"]["username"], organisation=org)
    obj = apps.get_model(e["model"])(pk=e["id"])
    files = [(f["name"], base64.b64decode(f["content_b64"])) for f in e["files"]]
    with transaction.atomic():
        entry = record(
            actor=actor, type=e["type"], obj=obj, payload=typed(e["payload"]), files=files
        )
    assert bytes(entry.leaf_input) == _raw(e)
    alg = LedgerState.objects.get(pk=1).hash_alg
    node = LedgerNode.objects.get(level=0, index=entry.index)
    assert bytes(node.hash).hex() == e["expected"][f"leaf_hash_{alg}"]
