"""Append-only in the database itself: triggers refuse UPDATE and DELETE (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead
from jianguan.ledger.services import tree_head_sign
from jianguan.ledger.tests.conftest import drop_guard

pytestmark = pytest.mark.django_db


def _snapshot(model, pk):
    row = model.objects.filter(pk=pk).values().first()
    assert row is not None
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}


def _refused(action) -> str:
    """Run `action` in a savepoint; the database must refuse it. Returns the error text."""
    with pytest.raises(DatabaseError) as info, transaction.atomic():
        action()
    message = str(info.value)
    assert "append-only" in message, message
    return message


@pytest.fixture
def rows(append):
    entries = append(3)
    head = tree_head_sign()
    node = LedgerNode.objects.get(level=1, index=0)
    return {LedgerEntry: entries[1].pk, LedgerNode: node.pk, TreeHead: head.pk}


CHANGES = {
    LedgerEntry: {"leaf_input": b'{"forged":true}', "type": "forged"},
    LedgerNode: {"hash": b"\x00" * 32},
    TreeHead: {"root_hash": "0" * 64, "tree_size": 1},
}


@pytest.mark.parametrize("model", [LedgerEntry, LedgerNode, TreeHead], ids=lambda m: m.__name__)
def test_orm_update_is_refused_and_the_row_is_unchanged(rows, model):
    pk = rows[model]
    before = _snapshot(model, pk)
    _refused(lambda: model.objects.filter(pk=pk).update(**CHANGES[model]))
    assert _snapshot(model, pk) == before


@pytest.mark.parametrize("model", [LedgerEntry, LedgerNode, TreeHead], ids=lambda m: m.__name__)
def test_orm_delete_is_refused_and_the_row_stays(rows, model):
    pk = rows[model]
    before = _snapshot(model, pk)
    _refused(lambda: model.objects.get(pk=pk).delete())
    _refused(lambda: model.objects.all().delete())
    assert _snapshot(model, pk) == before


@pytest.mark.parametrize("model", [LedgerEntry, LedgerNode, TreeHead], ids=lambda m: m.__name__)
def test_raw_sql_is_refused_too(rows, model):
    pk = rows[model]
    table = model._meta.db_table
    before = _snapshot(model, pk)

    def raw(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [pk])

        return run

    _refused(raw(f"UPDATE {table} SET id = id WHERE id = %s"))
    _refused(raw(f"DELETE FROM {table} WHERE id = %s"))
    assert _snapshot(model, pk) == before


def test_insert_still_works_and_the_state_row_stays_mutable(rows, append):
    """Only the history is frozen: new entries and the sequencer's state row are writable."""
    size = LedgerState.objects.get(pk=1).tree_size
    append(2)
    assert LedgerState.objects.get(pk=1).tree_size == size + 2


def test_dropping_the_guard_is_what_it_takes_to_edit(rows):
    """The tamper tests rely on dbguard.drop_sql; check it really removes the triggers."""
    pk = rows[LedgerEntry]
    drop_guard("ledger_ledgerentry")
    LedgerEntry.objects.filter(pk=pk).update(type="edited")
    assert LedgerEntry.objects.get(pk=pk).type == "edited"
    # The other tables keep their guard.
    _refused(lambda: LedgerNode.objects.filter(pk=rows[LedgerNode]).update(hash=b"\x01" * 32))
