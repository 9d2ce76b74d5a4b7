"""Helpers for the ledger's Django-side tests (personas come from tests/personas.py)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.ledger import dbguard, merkle_memory
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.services import current_tree, record


@pytest.fixture
def org(db):
    """A saved organisation to hang entries on (the factory itself writes no entry)."""
    return OrganisationFactory()


@pytest.fixture
def append(org):
    """append(k, obj=org, actor=SYSTEM) -> the k new entries, each in its own transaction."""

    def _append(k: int, obj=None, actor=SYSTEM, type="test.event"):
        out = []
        for i in range(k):
            with transaction.atomic():
                out.append(record(actor=actor, type=type, obj=obj or org, payload={"i": i}))
        return out

    return _append


def rebuild() -> merkle_memory.InMemoryTree:
    """The tree recomputed from the stored leaf inputs alone, in index order."""
    tree = merkle_memory.InMemoryTree(current_tree().hash_alg)
    for index, data in LedgerEntry.objects.order_by("index").values_list("index", "leaf_input"):
        assert index == tree.size
        tree.append(bytes(data))
    return tree


def drop_guard(*tables: str) -> None:
    """Remove the append-only triggers (inside the test's transaction: rolled back after)."""
    with connection.cursor() as cursor:
        for table in tables or dbguard.PROTECTED_TABLES:
            for sql in dbguard.drop_sql(connection.vendor, table):
                cursor.execute(sql)
