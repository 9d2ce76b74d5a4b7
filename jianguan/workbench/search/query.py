"""Reads of the search index, scoped to what the actor may see.

For each registered source the matching entries are narrowed, in the same SQL query, to the
objects the source's ``visible(actor)`` returns: the app's own scoped selector, the one its
object pages ask. A selector that refuses the actor (a permission the actor lacks) leaves that
kind out. Results are grouped by kind, in the sources' order; titles that hold the words come
first, then the others, newest first (fulltext.hits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from jianguan.core.actor import Actor
from jianguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from jianguan.workbench.search import fulltext, text
from jianguan.workbench.search.registry import SearchSource, labels, sources

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
COUNT_CAP = 1000  # counts above this read "1000+"
COUNT_SCAN = 5000  # matches read to count what an actor may see
COUNT_FIRST = 1200  # matches read first: enough when most of them are visible
SCAN_CAP = 5000  # matches read per pass to fill a page for an actor who sees few of them
PAGE = 200
WALK_FIRST = 400  # matches walked before looking the visible ids up instead (PostgreSQL)


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    pieces: list[text.Piece]  # the snippet of the text, the words marked
    title_pieces: list[text.Piece]  # the title, the words marked

    @property
    def snippet(self) -> str:
        return text.plain(self.pieces)


@dataclass
class Group:
    kind: str
    label: str
    count: int
    items: list[Hit]
    exact: bool = True  # False: at least ``count`` (not every match was read)

    @property
    def more(self) -> bool:
        return self.count > len(self.items) or not self.exact

    @property
    def count_label(self) -> str:
        if self.count > COUNT_CAP:
            return f"{COUNT_CAP}+"
        return str(self.count) if self.exact else f"{self.count}+"


@dataclass
class Result:
    query: str
    terms: list[str]
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)


def check_query(q: str | None, kind: str | None = None, limit: int | None = None) -> str:
    """The query, stripped, or a ValidationFailed with a Chinese message and a stable code."""
    q = (q or "").strip()
    if not q:
        raise ValidationFailed("请输入要搜索的内容", code="query_missing")
    if len(q) > text.MAX_QUERY_CHARS:
        raise ValidationFailed(
            f"搜索内容不能超过 {text.MAX_QUERY_CHARS} 个字", code="query_too_long"
        )
    if text.too_short(q) or not text.query_terms(q):
        raise ValidationFailed(
            f"搜索内容太短：请至少输入 {text.MIN_QUERY_CHARS} 个字或字母数字",
            code="query_too_short",
        )
    if kind and kind not in labels():
        raise ValidationFailed(
            "不支持的搜索类型", code="unknown_kind", details={"kinds": sorted(labels())}
        )
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit 取 1–{MAX_LIMIT}", code="bad_limit")
    return q


ALL_VISIBLE_CAP = 20_000  # an actor who sees at most this many of a kind: read them once
CHECK_CHUNK = 1_000  # ids asked about in one visibility query


class Visible:
    """Which objects of one kind the actor may see, asked as cheaply as the actor allows: an
    owner or a contractor sees a few thousand projects at most, read once in one query and
    then checked in memory; someone who sees more (documents of every public tender) is asked
    about each page of matches instead. At 100,000 projects the per-page questions were most
    of an owner's search time (25 queries of a subquery over 400,000 participations)."""

    def __init__(self, queryset) -> None:
        self.queryset = queryset.order_by()
        self.all: set[int] | None = None
        self._read = False

    def _read_all(self) -> None:
        """Once, on the first question (a kind with no match costs nothing)."""
        self._read = True
        ids = list(self.queryset.values_list("pk", flat=True)[: ALL_VISIBLE_CAP + 1])
        self.all = set(ids) if len(ids) <= ALL_VISIBLE_CAP else None

    def known(self) -> list[int] | None:
        """Every visible id, when the actor sees few enough of the kind to hold them."""
        if not self._read:
            self._read_all()
        return sorted(self.all) if self.all is not None else None

    def among(self, ids: list[int]) -> set[int]:
        if not self._read:
            self._read_all()
        if self.all is not None:
            return {i for i in ids if i in self.all}
        out: set[int] = set()
        for start in range(0, len(ids), CHECK_CHUNK):
            chunk = ids[start : start + CHECK_CHUNK]
            out.update(self.queryset.filter(pk__in=chunk).values_list("pk", flat=True))
        return out


class VisibleVia(Visible):
    """Objects visible exactly when their parent is (a tender's documents): the visible
    parents are read once, and each page of matches costs one lookup of its parents' ids by
    primary key instead of a subquery of the parent's selector. An owner sees most of a
    million documents but only the tenders it may see, a few thousand at most."""

    def __init__(self, queryset, model, field: str, parents) -> None:
        super().__init__(queryset)
        self.model, self.field, self._parents_qs = model, field, parents
        self.parents: set[int] | None = None
        self._parents_read = False

    def among(self, ids: list[int]) -> set[int]:
        if not self._parents_read:  # once, on the first question
            self._parents_read = True
            qs = self._parents_qs.order_by().values_list("pk", flat=True)
            found = list(qs[: ALL_VISIBLE_CAP + 1])
            self.parents = set(found) if len(found) <= ALL_VISIBLE_CAP else None
        if self.parents is None:
            return super().among(ids)
        out: set[int] = set()
        for start in range(0, len(ids), CHECK_CHUNK):
            rows = self.model._default_manager.filter(pk__in=ids[start : start + CHECK_CHUNK])
            out.update(
                pk for pk, parent in rows.values_list("pk", self.field) if parent in self.parents
            )
        return out


def _narrowing(src: SearchSource, actor: Actor, visible) -> Visible:
    if src.visible_via is not None:
        field, parents = src.visible_via
        return VisibleVia(visible, src.model, field, parents(actor))
    return Visible(visible)


def _may_look_up(visible) -> bool:
    """On PostgreSQL, the matches of an actor's own objects may be looked up by id
    (fulltext.among) once walking the matches found too few of them. Not on SQLite, whose FTS5
    walk is cheap, nor for visibility through parents."""
    return connection.vendor == "postgresql" and type(visible) is Visible


def _rows_among(src, ids: list[int], terms: list[str], limit: int) -> tuple[list[tuple], bool]:
    rows = fulltext.among(connection, src.kind, terms, ids, limit=limit + 1)
    return [row[1:] for row in rows[:limit]], len(rows) <= limit


def _rows(src: SearchSource, visible, terms: list[str], limit: int) -> tuple[list[tuple], bool]:
    """Up to ``limit`` visible rows, title matches first, newest first; and whether every
    match was read (then their number is the count)."""
    # where the visible ids can be looked up instead (PostgreSQL), walk fewer matches first
    look_up = _may_look_up(visible)
    rows, exhausted = _rows_walked(src, visible, terms, limit, look_up=look_up)
    if len(rows) < limit and not exhausted and look_up:
        # the walk gave up before filling the page: the actor sees few of the matches
        known = visible.known()  # None: sees too many of the kind to hold them
        if known is not None:
            return _rows_among(src, known, terms, limit)
        return _rows_walked(src, visible, terms, limit, look_up=False)  # sees too many to hold
    return rows, exhausted


def _rows_walked(src, visible, terms, limit: int, *, look_up: bool) -> tuple[list[tuple], bool]:
    out: list[tuple] = []
    seen: set[int] = set()
    exhausted = True
    scan_cap = WALK_FIRST if look_up else SCAN_CAP
    for title in (True, False):
        scanned, complete = 0, False
        batches = fulltext.pages(connection, src.kind, terms, title=title, size=PAGE, cap=scan_cap)
        for batch in batches:
            scanned += len(batch)
            if visible is not None and batch:
                ok = visible.among([r[1] for r in batch])
                fresh = [r for r in batch if r[1] in ok]
            else:
                fresh = batch
            for row in fresh:
                if row[0] not in seen and len(out) < limit:
                    seen.add(row[0])
                    out.append(row[1:])
            if len(batch) < PAGE and scanned < scan_cap:
                complete = True  # every match was read (a short page, not cut by the cap)
                break
            if len(out) >= limit or scanned >= scan_cap:
                break  # there may be more
        else:
            complete = scanned < scan_cap
        if not complete:
            exhausted = False
            if look_up and len(out) < limit:
                break  # the caller looks them up instead of walking the other pass too
        if len(out) >= limit:
            exhausted = False
            break
    return out, exhausted


def _count(src: SearchSource, visible, terms: list[str]) -> tuple[int, bool]:
    """How many matches the actor may see, read no further than COUNT_SCAN matches; and
    whether that is all of them."""
    if visible is None:
        # Sees every match: above COUNT_CAP the page says "1000+", so read no more than that.
        ids = fulltext.object_ids(connection, src.kind, terms, limit=COUNT_CAP + 1)
        return len(ids), len(ids) <= COUNT_CAP
    # Above COUNT_CAP the page says "1000+". An actor who sees most matches (an owner sees the
    # documents of every public tender) knows that from the first COUNT_FIRST, so read those
    # first and the rest up to COUNT_SCAN only when too few of them were visible: every match
    # read costs a visit to its row (0.2 s for 5,000 documents).
    ids = fulltext.object_ids(connection, src.kind, terms, limit=COUNT_FIRST)
    if len(ids) == COUNT_FIRST:
        if len(visible.among(ids)) > COUNT_CAP:
            return COUNT_CAP + 1, False
        ids = fulltext.object_ids(connection, src.kind, terms, limit=COUNT_SCAN + 1)
    exact = len(ids) <= COUNT_SCAN
    ids = ids[:COUNT_SCAN]
    n = 0
    for start in range(0, len(ids), CHECK_CHUNK):
        n += len(visible.among(ids[start : start + CHECK_CHUNK]))
        if n > COUNT_CAP:
            return n, exact
    return n, exact


def _group(actor: Actor, src: SearchSource, terms: list[str], limit: int) -> Group | None:
    try:
        visible = src.visible(actor)
    except DomainError:
        return None
    if visible.query.is_empty():
        return None
    narrow = _narrowing(src, actor, visible) if visible.query.where else None  # None: sees all
    rows, exhausted = _rows(src, narrow, terms, limit)
    if not rows:
        return None
    count, exact = (len(rows), True) if exhausted else _count(src, narrow, terms)
    count = max(count, len(rows))
    marks = text.highlight_terms(terms)
    items = [
        Hit(
            kind=src.kind,
            object_id=object_id,
            title=title,
            url=url,
            pieces=text.snippet(body or title, marks),
            title_pieces=text.snippet(title, marks, width=len(title)),
        )
        for object_id, title, body, url in rows
    ]
    return Group(src.kind, src.label, min(count, COUNT_CAP + 1), items, exact)


def search(
    *, actor: Actor, query: str, kind: str | None = None, limit: int = DEFAULT_LIMIT
) -> Result:
    """What the actor may see that matches every word of the query, grouped by kind."""
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    query = check_query(query, kind, limit)
    terms = text.query_terms(query)
    result = Result(query=query, terms=terms)
    for src in sources():
        if kind and src.kind != kind:
            continue
        group = _group(actor, src, terms, limit)
        if group is not None:
            result.groups.append(group)
    return result
