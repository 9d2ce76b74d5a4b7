"""Append-only enforcement in the database itself.

Triggers refuse UPDATE and DELETE on entries, stored hashes and signed heads, on SQLite
and PostgreSQL alike. The code never edits them either; the triggers catch a bug, a
careless admin or a script. (Someone who can drop triggers can still edit rows, which is
why the log is a Merkle tree whose signed heads expose any edit.)

On SQLite, the triggers ask the function `jianguan_ledger_unlocked()`. It always answers 0
except inside `unlock_for_test_flush()`, which the test suite uses so that Django can empty
tables between transactional tests; outside Django (sqlite3 CLI) the function does not
exist, so the trigger fails closed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

PROTECTED_TABLES = ("ledger_ledgerentry", "ledger_ledgernode", "ledger_treehead")

_unlocked = False


def _is_unlocked() -> int:
    return 1 if _unlocked else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "jianguan_ledger_unlocked", 0, _is_unlocked, deterministic=False
        )


@contextlib.contextmanager
def unlock_for_test_flush() -> Iterator[None]:
    global _unlocked
    _unlocked = True
    try:
        yield
    finally:
        _unlocked = False


@contextlib.contextmanager
def flush_allowed_for_tests() -> Iterator[None]:
    """Test suites only: let Django's flush empty the ledger tables, and nothing else.

    Transactional tests end with a flush (``DELETE FROM`` on SQLite), which the triggers
    refuse. Wrapping the flush itself, rather than unlocking around a test's teardown,
    does not depend on the order in which pytest tears fixtures down, and keeps the guard
    closed for everything the test body does. (PostgreSQL flushes with ``TRUNCATE``,
    which row triggers do not see.)
    """
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with unlock_for_test_flush():
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original


def sqlite_trigger_sql(table: str) -> list[str]:
    out = []
    for op in ("UPDATE", "DELETE"):
        out.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"WHEN jianguan_ledger_unlocked() = 0 "
            f"BEGIN SELECT RAISE(ABORT, 'ledger is append-only: {op} refused'); END;"
        )
    return out


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION jianguan_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def postgres_trigger_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION jianguan_ledger_append_only();",
    ]


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements: list[str] = []
    if vendor == "postgresql":
        statements.append(POSTGRES_FUNCTION)
        for table in PROTECTED_TABLES:
            statements += postgres_trigger_sql(table)
    elif vendor == "sqlite":
        for table in PROTECTED_TABLES:
            statements += sqlite_trigger_sql(table)
    for sql in statements:
        # params=None: the plpgsql body contains RAISE's "%" placeholders, which psycopg
        # would otherwise read as query parameters (the migration failed on PostgreSQL).
        schema_editor.execute(sql, params=None)


def drop_sql(vendor: str, table: str) -> list[str]:
    """Used by the tamper tests, which must first remove the guard to edit a row."""
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op} ;" for op in ("update", "delete")]
