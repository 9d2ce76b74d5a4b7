"""The page query returns exactly the newest matches of a kind, whatever path it takes.

On PostgreSQL the matches are read straight from the GIN index when the planner expects few,
else window by window over the (kind, id) index while they are dense and through the GIN index
once they thin out (fulltext._pg_newest); here both starts are forced and the window is
shrunk to a few rows so that a small table takes every path: several dense windows, a sparse
remainder, a kind with fewer rows than a window, paging below an id. Each answer must equal
the plain "every match, newest first" reading of the same rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from jianguan.workbench.search import fulltext, text
from jianguan.workbench.search.models import SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    now = timezone.now()
    rows = []
    # documents: "混凝土" in every other one of the newest 40, then in one of every 20 older
    for i in range(200):
        words = ["报告"]
        # 155: alone in a sparse window of 5 and its oldest row, where the GIN part starts
        if (i >= 160 and i % 2 == 0) or (i < 160 and i % 20 == 0) or i == 155:
            words.append("混凝土")
        if i == 3:
            words.append("琉璃瓦")
        rows.append(("documents", i, words))
    # projects interleaved after them, a few with the word
    rows += [("projects", i, ["项目", "混凝土"] if i % 3 == 0 else ["项目"]) for i in range(7)]
    SearchEntry.objects.bulk_create(
        SearchEntry(
            kind=kind,
            object_id=oid,
            title=" ".join(words),
            title_tokens=" ".join(words[:1]),
            tokens=" ".join(words),
            url="/",
            updated=now,
        )
        for kind, oid, words in rows
    )
    return rows


def expected(rows, kind, word, *, below=None, limit):
    ids = SearchEntry.objects.filter(kind=kind).order_by("-id").values_list("id", "object_id")
    words = {(k, o): w for k, o, w in rows}
    out = [i for i, o in ids if word in words[(kind, o)] and (below is None or i < below)]
    return out[:limit]


@pytest.mark.parametrize("sparse_rows", [0, 10**9], ids=["walk", "gin"])
@pytest.mark.parametrize("window", [4, 5, 10, 1000])
@pytest.mark.parametrize(
    ("kind", "word", "limit"),
    [
        ("documents", "混凝土", 5),  # inside the dense newest stretch
        ("documents", "混凝土", 30),  # runs past it into the sparse part
        ("documents", "琉璃瓦", 5),  # one old match
        ("documents", "不存在", 5),
        ("projects", "混凝土", 10),  # fewer rows than a window
    ],
)
def test_page_is_the_newest_matches_on_every_path(
    entries, monkeypatch, sparse_rows, window, kind, word, limit
):
    # sparse_rows 0: the planner's estimate never sends the query straight to the GIN index
    monkeypatch.setattr(fulltext, "SPARSE_ROWS", sparse_rows)
    monkeypatch.setattr(fulltext, "WINDOW", window)
    monkeypatch.setattr(fulltext, "DENSE", 3)
    terms = text.query_terms(word)
    got = fulltext.page(connection, kind, terms, title=False, before=None, size=limit)
    assert [r[0] for r in got] == expected(entries, kind, word, limit=limit)
    if got:
        below = got[-1][0]
        more = fulltext.page(connection, kind, terms, title=False, before=below, size=limit)
        assert [r[0] for r in more] == expected(entries, kind, word, below=below, limit=limit)
    # a count's ids: ``limit`` of the matches, in no promised order (PostgreSQL: the GIN order)
    ids = fulltext.object_ids(connection, kind, terms, limit=limit)
    oids = dict(SearchEntry.objects.values_list("id", "object_id"))
    every = {oids[i] for i in expected(entries, kind, word, limit=10**6)}
    assert len(set(ids)) == len(ids) == min(limit, len(every))
    assert set(ids) <= every


def test_title_search_reads_the_title_words_only(entries, monkeypatch):
    monkeypatch.setattr(fulltext, "WINDOW", 4)
    got = fulltext.page(connection, "documents", ["混凝土"], title=True, before=None, size=5)
    assert got == []  # the word is in the texts, never in the title words
    got = fulltext.page(connection, "documents", ["报告"], title=True, before=None, size=3)
    assert len(got) == 3


def test_sparse_path_leaves_the_planner_settings_as_they_were(entries, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the planner settings are PostgreSQL's")
    monkeypatch.setattr(fulltext, "SPARSE_ROWS", 0)
    monkeypatch.setattr(fulltext, "WINDOW", 4)
    monkeypatch.setattr(fulltext, "DENSE", 3)
    fulltext.page(connection, "documents", ["琉璃瓦"], title=False, before=None, size=5)
    with connection.cursor() as cur:
        cur.execute("SHOW enable_seqscan")
        assert cur.fetchone()[0] == "on"
        cur.execute("SHOW enable_indexscan")
        assert cur.fetchone()[0] == "on"


def test_postgres_indexes_the_words_with_their_kind(entries):
    # (which index a plan takes depends on the table's size: bench/search.py shows the effect)
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL's (SQLite's FTS5 matches the kind itself)")
    with connection.cursor() as cur:
        cur.execute(f"SELECT indexname FROM pg_indexes WHERE tablename = '{fulltext.TABLE}'")
        names = {row[0] for row in cur.fetchall()}
        assert {"workbench_search_kind_tsv", "workbench_search_kind_tsv_title"} <= names
        assert "workbench_search_tsv" not in names  # the word-only index is gone


@pytest.mark.parametrize("sparse_rows", [0, 10**9], ids=["walk", "gin"])
@pytest.mark.parametrize(("size", "cap"), [(3, 100), (4, 8), (5, 5)])
def test_pages_read_what_page_by_page_would(entries, monkeypatch, sparse_rows, size, cap):
    monkeypatch.setattr(fulltext, "SPARSE_ROWS", sparse_rows)
    monkeypatch.setattr(fulltext, "WINDOW", 4)
    got = [
        [r[0] for r in batch]
        for batch in fulltext.pages(
            connection, "documents", ["混凝土"], title=False, size=size, cap=cap
        )
    ]
    assert all(len(batch) == size for batch in got[:-1])
    flat = [i for batch in got for i in batch]
    assert (
        flat[: min(cap, len(flat))]
        == expected(entries, "documents", "混凝土", limit=cap)[: len(flat)]
    )
    assert len(flat) >= min(cap, len(expected(entries, "documents", "混凝土", limit=10**6)))


def _one_entry(words: str) -> None:
    SearchEntry.objects.create(
        kind="projects",
        object_id=1,
        title=words,
        title_tokens=words,
        tokens=words,
        url="/",
        updated=timezone.now(),
    )


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("礼贤", True),  # a prefix of 礼贤镇, now an index term of its own
        ("礼贤镇", True),
        ("贤镇", False),  # inside a word, not at its start: never a match
        ("dx2020", True),  # a code's prefix
        ("dx20200001abcd", True),  # longer than PREFIX_MAX: a prefix match of the whole code
        ("dx20200001abce", False),
        ("污水处理", True),  # the parts 污水 / 处理 of 处理厂
    ],
)
def test_a_term_matches_the_words_it_starts(db, query, found):
    _one_entry("礼贤镇 污水 处理厂 dx20200001abcdef")
    terms = text.query_terms(query)
    assert bool(fulltext.object_ids(connection, "projects", terms, limit=5)) is found


def test_postgres_keeps_each_words_prefixes_as_terms(db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 keeps prefix indexes of its own")
    _one_entry("礼贤镇 dx20200001abcdef")
    with connection.cursor() as cur:
        cur.execute(f"SELECT tsv::text FROM {fulltext.TABLE}")
        words = {w.split(":")[0].strip("'") for w in cur.fetchone()[0].split()}
    assert {"礼贤", "礼贤镇", "dx", "dx2020", "dx20200001ab"} <= words
    assert "dx20200001abc" not in words  # prefixes stop at PREFIX_MAX characters
    assert "贤镇" not in words
    # an exact match where the term is within PREFIX_MAX, a prefix match beyond it
    assert text.tsquery(["礼贤", "dx20200001abcd"], fulltext.PREFIX_MAX) == (
        "'礼贤' & 'dx20200001abcd':*"
    )
