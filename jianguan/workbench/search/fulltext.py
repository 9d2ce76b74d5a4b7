"""The full-text index over SearchEntry.tokens, per database vendor.

SQLite: an external-content FTS5 table (``unicode61``: one term per space-separated jieba
word) kept in step with the entries by triggers, so bulk writes and deletes keep it current
without any Python hook. PostgreSQL: a GIN expression index on ``to_tsvector('simple', tokens)``
('simple': no stemming, no stop words — the words are already jieba's). The migration installs
it (``install``); ``where`` gives the matching condition for a query.
"""

from __future__ import annotations

from jianguan.workbench.search import text

TABLE = "workbench_searchentry"
FTS = "workbench_search_fts"

SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    f"tokens, content='{TABLE}', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, tokens) VALUES (new.id, new.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF tokens ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    f"INSERT INTO {FTS}(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_INSTALL = [
    f"CREATE INDEX IF NOT EXISTS workbench_search_tsv ON {TABLE} "
    "USING gin (to_tsvector('simple', tokens))",
]
POSTGRES_UNINSTALL = ["DROP INDEX IF EXISTS workbench_search_tsv"]


def _run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_INSTALL)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UNINSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_UNINSTALL)


def where(vendor: str, terms: list[str]) -> tuple[str, list[str]]:
    """A WHERE condition on the entries table that holds for rows matching every term."""
    if vendor == "sqlite":
        return (
            f'"{TABLE}"."id" IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)',
            [text.fts5_match(terms)],
        )
    if vendor == "postgresql":
        return (
            f"to_tsvector('simple', \"{TABLE}\".\"tokens\") @@ to_tsquery('simple', %s)",
            [text.tsquery(terms)],
        )
    # Any other database: every term inside the tokens (slow, but right).
    clause = " AND ".join(f'"{TABLE}"."tokens" LIKE %s' for _ in terms)
    return clause, [f"%{t}%" for t in terms]


def rebuild(connection) -> None:
    """After a bulk load with the triggers' help impossible (never needed in normal use)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
