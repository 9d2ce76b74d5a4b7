"""The full-text index over the search entries, per database vendor, and the queries on it.

SQLite: an external-content FTS5 table over (kind, title_tokens, tokens) (``unicode61``: one
term per space-separated jieba word), kept in step with the entries by triggers, so bulk
writes and deletes keep it current without any Python hook. PostgreSQL: stored tsvector
columns (``to_tsvector('simple', ...)``: no stemming, no stop words — the words are already
jieba's) with GIN indexes. The migration installs either (``install``).

Matches are read a page at a time, newest first, walking the index in id order and stopping at
the page size (FTS5 in rowid order; PostgreSQL by the (kind, id) index or the GIN index, as it
judges), so a common word over a million documents costs no more than a rare one. Which of
them the actor may see is asked of the source's selector for that page's ids (query.py): a
subquery of everything an owner may see, joined to every match, was the slow part.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager

from django.db import DatabaseError, transaction

from jianguan.workbench.search import text

log = logging.getLogger("jianguan.workbench.search")

TABLE = "workbench_searchentry"
FTS = "workbench_search_fts"
COLUMNS = "object_id, title, text, url"

SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(kind, title_tokens, tokens, "
    f"content='{TABLE}', content_rowid='id', tokenize='unicode61 remove_diacritics 0', "
    "prefix='2 3')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, kind, title_tokens, tokens) "
    "VALUES (new.id, new.kind, new.title_tokens, new.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, kind, title_tokens, tokens) "
    "VALUES ('delete', old.id, old.kind, old.title_tokens, old.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, kind, title_tokens, tokens) "
    "VALUES ('delete', old.id, old.kind, old.title_tokens, old.tokens); "
    f"INSERT INTO {FTS}(rowid, kind, title_tokens, tokens) "
    "VALUES (new.id, new.kind, new.title_tokens, new.tokens); END",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
WORD_GIN_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS workbench_search_tsv ON {TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS workbench_search_tsv_title ON {TABLE} USING gin (tsv_title)",
]
POSTGRES_INSTALL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS tsv_title tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', title_tokens)) STORED",
    *WORD_GIN_INDEXES,
]
POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS workbench_search_tsv_title",
    "DROP INDEX IF EXISTS workbench_search_tsv",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv_title",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv",
]

# Migration 0003: the GIN indexes hold the kind as well (btree_gin, a trusted extension any
# database owner may create), so "kind = k AND tsv @@ q" is one index scan of that kind's
# matches. With the kind outside the index a word common in one kind (施工 in a million
# documents) cost every other kind a read of all its matches: 0.3 s for projects with none.
KIND_GIN_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS workbench_search_kind_tsv ON {TABLE} USING gin (kind, tsv)",
    f"CREATE INDEX IF NOT EXISTS workbench_search_kind_tsv_title ON {TABLE} "
    "USING gin (kind, tsv_title)",
]
KIND_GIN_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    *KIND_GIN_INDEXES,
    "DROP INDEX IF EXISTS workbench_search_tsv",
    "DROP INDEX IF EXISTS workbench_search_tsv_title",
]
KIND_GIN_UNINSTALL = [
    *WORD_GIN_INDEXES,
    "DROP INDEX IF EXISTS workbench_search_kind_tsv",
    "DROP INDEX IF EXISTS workbench_search_kind_tsv_title",
]


# Migration 0004: every word's prefixes of 2 to PREFIX_MAX characters are index terms too (as
# SQLite's prefix='2 3' indexes keep them), so a query term that long is one exact posting list
# (text.tsquery): a prefix match ('小区':*) merged the postings of every word starting with it,
# in every kind, before the kind narrowed anything (0.1 s for 69 organisations).
PREFIX_MAX = 12
PREFIXES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION workbench_search_prefixes(tokens text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT coalesce(string_agg(left(w.word, n), ' ' ORDER BY w.i, n), '')
FROM unnest(string_to_array(tokens, ' ')) WITH ORDINALITY AS w(word, i)
CROSS JOIN LATERAL generate_series(2, least(char_length(w.word) - 1, {PREFIX_MAX})) AS n
$$"""


def _tsv_columns(with_prefixes: bool) -> list[str]:
    out = [
        "DROP INDEX IF EXISTS workbench_search_kind_tsv",
        "DROP INDEX IF EXISTS workbench_search_kind_tsv_title",
        "DROP INDEX IF EXISTS workbench_search_tsv",
        "DROP INDEX IF EXISTS workbench_search_tsv_title",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv_title",
    ]
    for column, source in (("tsv", "tokens"), ("tsv_title", "title_tokens")):
        words = (
            f"{source} || ' ' || coalesce(workbench_search_prefixes({source}), '')"
            if with_prefixes
            else source
        )
        out.append(
            f"ALTER TABLE {TABLE} ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {words})) STORED"
        )
    return out


def _tsv_indexes(schema_editor) -> list[str]:
    """The kind GIN indexes where btree_gin is installed (0003), else the word-only ones."""
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'")
        kind_gin = cur.fetchone() is not None
    return KIND_GIN_INDEXES if kind_gin else WORD_GIN_INDEXES


def install_prefixes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, [PREFIXES_FUNCTION, *_tsv_columns(True)])
        _run(schema_editor, _tsv_indexes(schema_editor))


def uninstall_prefixes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, _tsv_columns(False))
        _run(schema_editor, _tsv_indexes(schema_editor))
        schema_editor.execute("DROP FUNCTION IF EXISTS workbench_search_prefixes(text)")


def install_kind_gin(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            _run(schema_editor, KIND_GIN_INSTALL)
    except DatabaseError as exc:  # no right to create the extension: the word-only indexes stay
        log.warning("search: btree_gin unavailable (%s); keeping the word-only GIN indexes", exc)


def uninstall_kind_gin(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, KIND_GIN_UNINSTALL)


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


def _match(vendor: str, kind: str, terms: list[str], *, title: bool) -> tuple[str, str, list[str]]:
    """(FROM clause, WHERE condition, params) for entries of ``kind`` matching every term
    (in the title only, with ``title``). The entries table is ``e``."""
    if vendor == "sqlite":
        column = "title_tokens" if title else "tokens"
        expr = f'kind : "{kind}" AND {column} : ({text.fts5_match(terms)})'
        return f"{FTS} f JOIN {TABLE} e ON e.id = f.rowid", f"{FTS} MATCH %s", [expr]
    if vendor == "postgresql":
        column = "tsv_title" if title else "tsv"
        cond = f"e.kind = %s AND e.{column} @@ to_tsquery('simple', %s)"
        return f"{TABLE} e", cond, [kind, text.tsquery(terms, PREFIX_MAX)]
    # Any other database: every term inside the tokens (slow, but right).
    column = "title_tokens" if title else "tokens"
    cond = " AND ".join(["e.kind = %s", *(f"e.{column} LIKE %s" for _ in terms)])
    return f"{TABLE} e", cond, [kind, *(f"%{t}%" for t in terms)]


def _order(vendor: str) -> str:
    return "f.rowid DESC" if vendor == "sqlite" else "e.id DESC"


def page(
    connection, kind: str, terms: list[str], *, title: bool, before: int | None, size: int
) -> list[tuple]:
    """The next ``size`` matching entries of ``kind`` below entry id ``before``, newest
    first: rows (id, object_id, title, text, url). Visibility is the caller's (query.py)."""
    if connection.vendor == "postgresql":
        return _pg_newest(connection, f"id, {COLUMNS}", kind, terms, title, before, size)
    return _select(
        connection,
        f"e.id, e.{COLUMNS.replace(', ', ', e.')}",
        kind,
        terms,
        title=title,
        before=before,
        limit=size,
    )


def pages(connection, kind: str, terms: list[str], *, title: bool, size: int, cap: int):
    """Successive pages of ``size`` matches (rows as ``page``), newest first, no more than
    ``cap`` in all. On PostgreSQL, when the matches are few (the sparse path), their ids are
    read once from the GIN index and each page fetched by id: asked page by page, every page
    rebuilt the same bitmap of all the kind's matches (an owner's search read 60 of them)."""
    if connection.vendor == "postgresql":
        column = "tsv_title" if title else "tsv"
        query = text.tsquery(terms, PREFIX_MAX)
        with connection.cursor() as cur:
            if _pg_estimate(cur, kind, column, query) < SPARSE_ROWS:
                ids = [r[0] for r in _pg_sparse(cur, "id", kind, column, query, None, cap)]
                for start in range(0, len(ids), size):
                    chunk = ids[start : start + size]
                    cur.execute(
                        f"SELECT id, {COLUMNS} FROM {TABLE} WHERE id = ANY(%s) ORDER BY id DESC",
                        [chunk],
                    )
                    yield cur.fetchall()
                return
    before, read = None, 0
    while read < cap:
        if connection.vendor == "postgresql":  # dense: pages() asked the estimate already
            batch = _pg_newest(
                connection, f"id, {COLUMNS}", kind, terms, title, before, size, estimate=False
            )
        else:
            batch = page(connection, kind, terms, title=title, before=before, size=size)
        yield batch
        read += len(batch)
        if len(batch) < size:
            return
        before = batch[-1][0]


def object_ids(connection, kind: str, terms: list[str], *, limit: int) -> list[int]:
    """The object ids of ``limit`` matching entries of ``kind``, in no promised order (what a
    count needs: SQLite gives the newest, PostgreSQL whichever the GIN index gives first, which
    spares sorting every match by id: 0.2 s for a common word over 20,000 organisations)."""
    if connection.vendor == "postgresql":
        query = text.tsquery(terms, PREFIX_MAX)
        with connection.cursor() as cur:
            off = _pg_count_path(cur, kind, query, limit)
            with _planner(cur, *off):
                cur.execute(
                    f"SELECT object_id FROM {TABLE} WHERE kind = %s "
                    "AND tsv @@ to_tsquery('simple', %s) LIMIT %s",
                    [kind, query, limit],
                )
                rows = cur.fetchall()
    else:
        rows = _select(
            connection, "e.object_id", kind, terms, title=False, before=None, limit=limit
        )
    return [row[0] for row in rows]


def among(connection, kind: str, terms: list[str], ids: list[int], *, limit: int):
    """PostgreSQL: the ``limit`` matching entries of ``kind`` whose object is one of ``ids``,
    those with the words in the title first, then newest first (rows as ``page``), for an
    actor who sees a few thousand objects of the kind but few of a word's many matches (an
    owner's 污水处理 walked the 100,000 projects twice for none of its own: 0.4 s). Each visible
    object is looked up by the (kind, object_id) index: the cost is the ids (75 ms for 15,000),
    whatever the word. Left to itself the planner tested the ids against every row of the kind
    (2 s), or against every match of a common word through the GIN index (also 2 s)."""
    query = text.tsquery(terms, PREFIX_MAX)
    cols = f"e.id, e.{COLUMNS.replace(', ', ', e.')}"
    order = "ORDER BY e.tsv_title @@ to_tsquery('simple', %s) DESC, e.id DESC LIMIT %s"
    with connection.cursor() as cur, _planner(cur, "hashjoin", "mergejoin", "bitmapscan"):
        cur.execute(
            f"SELECT {cols} FROM unnest(%s::bigint[]) v(oid) "
            f"JOIN {TABLE} e ON e.kind = %s AND e.object_id = v.oid "
            f"WHERE e.tsv @@ to_tsquery('simple', %s) {order}",
            [ids, kind, query, query, limit],
        )
        return cur.fetchall()


def _select(connection, columns, kind, terms, *, title, before, limit) -> list[tuple]:
    vendor = connection.vendor
    source, cond, params = _match(vendor, kind, terms, title=title)
    if before is not None:
        # On SQLite the bound goes on the FTS table's own rowid: FTS5 then starts the walk
        # below it; bound on the joined table, every page re-read all the newer matches first.
        cond += " AND f.rowid < %s" if vendor == "sqlite" else " AND e.id < %s"
        params = [*params, before]
    sql = f"SELECT {columns} FROM {source} WHERE {cond} ORDER BY {_order(vendor)} LIMIT %s"
    with connection.cursor() as cur:
        cur.execute(sql, [*params, limit])
        return cur.fetchall()


# PostgreSQL: newest matches first without trusting the planner to choose the path. Left to
# itself it either walks the id index testing every row (a rare word: the whole table, 0.7 s at
# a million entries) or reads every match from the GIN index and sorts them (a common word:
# 80,000 rows, 0.7 s). Here: when the planner's estimate of the matches is small (a rare word;
# its statistics track every word above ~0.1 %), the GIN index reads them all (few rows).
# Otherwise walk the kind's newest WINDOW entries by the (kind, id) index and test each
# (bounded: ~25 ms); while the matches are dense go on window by window, and once a window
# holds fewer than one match in DENSE the rest are sparse and the GIN index finds them. The kind
# is bounded as a range, not an equality, so that the id primary key cannot be mistaken for the
# (kind, id) index: with kind constant both seem to give id order, and the planner picks the
# one that skips other kinds row by row.
WINDOW = 20_000
DENSE = 100
SPARSE_ROWS = 2_000  # estimated matches below which the GIN index reads them all


def _pg_newest(
    connection, columns, kind, terms, title, before, limit, *, estimate=True
) -> list[tuple]:
    column = "tsv_title" if title else "tsv"
    query = text.tsquery(terms, PREFIX_MAX)
    out: list[tuple] = []
    with connection.cursor() as cur:
        if estimate and _pg_estimate(cur, kind, column, query) < SPARSE_ROWS:
            return _pg_sparse(cur, columns, kind, column, query, before, limit)
        while len(out) < limit:
            # (kind, id) < (k, before) as a row: the index scan starts right below it
            bound = "kind <= %s" if before is None else "(kind, id) < (%s, %s)"
            walk = [kind, kind, *([] if before is None else [before])]
            # by the (kind, id) index only: for a kind smaller than a window the planner would
            # rather read it through the GIN index's kind and sort it (0.2 s at 20,000 rows)
            with _planner(cur, "bitmapscan", "seqscan"):
                cur.execute(
                    f"SELECT {columns} FROM (SELECT id, {COLUMNS}, {column} FROM {TABLE} "
                    f"WHERE kind >= %s AND {bound} ORDER BY kind DESC, id DESC "
                    f"LIMIT %s) w WHERE {column} @@ to_tsquery('simple', %s) ORDER BY id DESC "
                    "LIMIT %s",
                    [*walk, WINDOW, query, limit - len(out)],
                )
                found = cur.fetchall()
            out += found
            if len(out) >= limit:
                break
            cur.execute(
                f"SELECT id FROM {TABLE} WHERE kind >= %s AND {bound} "
                "ORDER BY kind DESC, id DESC OFFSET %s LIMIT 1",
                [*walk, WINDOW - 1],
            )
            low = cur.fetchone()
            if low is None:
                break  # the window reached the kind's oldest entry
            before = low[0]
            if len(found) * DENSE < WINDOW:
                out += _pg_sparse(cur, columns, kind, column, query, before, limit - len(out))
                break
    return out


# Reading ``limit`` matches in no order: through the GIN index, whose bitmap holds every match
# before the first row is read, or walking the kind's rows and testing each until ``limit`` are
# found. Which is cheaper depends on how dense the matches are: 混凝土 is in 88 % of documents
# (walk: 1.6 ms; the bitmap of 880,000 matches: 0.3 s), 老旧小区 in 1 % (bitmap: 10 ms; walk:
# 0.1 s). Costs per row measured at a million documents, as ratios.
WALK_COST = 3  # a row walked and tested
BITMAP_COST = 1  # a match put in the bitmap


def _pg_count_path(cur, kind, query, limit) -> tuple[str, ...]:
    """The scan methods to turn off for the cheaper way of reading ``limit`` matches."""
    matches = _pg_estimate(cur, kind, "tsv", query)
    rows = _pg_estimate(cur, kind, None, None)
    walked = rows if matches < limit else rows * limit / max(matches, 1.0)
    if walked * WALK_COST < matches * BITMAP_COST:
        return ("bitmapscan", "seqscan")  # the (kind, id) index, testing each row
    return ("seqscan", "indexscan")  # the GIN index


def _pg_estimate(cur, kind, column, query) -> float:
    """The planner's estimate of the kind's matches (from the column statistics; ~0.2 ms),
    or of the kind's entries without a column."""
    if column is None:
        cur.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE kind = %s", [kind])
    else:
        cur.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE kind = %s "
            f"AND {column} @@ to_tsquery('simple', %s)",
            [kind, query],
        )
    plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


@contextmanager
def _planner(cur, *methods: str):
    """The planner without the given scan methods for one statement, then as it was."""
    for method in methods:
        cur.execute(f"SET enable_{method} = off")
    try:
        yield
    finally:
        for method in methods:
            cur.execute(f"RESET enable_{method}")


def _pg_sparse(cur, columns, kind, column, query, before, limit) -> list[tuple]:
    """Matches below ``before`` read through the GIN index (bitmap scans only)."""
    bound, params = ("", []) if before is None else ("AND id < %s", [before])
    with _planner(cur, "seqscan", "indexscan"):
        cur.execute(
            f"SELECT {columns} FROM {TABLE} WHERE kind = %s {bound} "
            f"AND {column} @@ to_tsquery('simple', %s) ORDER BY id DESC LIMIT %s",
            [kind, *params, query, limit],
        )
        return cur.fetchall()


def rebuild(connection) -> None:
    """Rebuild the FTS5 table from the entries (SQLite; PostgreSQL's columns keep themselves)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
