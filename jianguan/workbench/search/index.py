"""Writes to the search index: the only code that does (services of the search).

``search_index_update(kind=..., ids=...)`` re-reads those objects through their source and
writes, rewrites or drops their entries; domain services call it after commit
(``index_on_commit``) when they create or rename an object. ``search_reindex`` rebuilds whole
kinds (``manage.py search_reindex``, the demo seeder).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from jianguan.workbench.search import text
from jianguan.workbench.search.models import SearchEntry
from jianguan.workbench.search.registry import SearchSource, source, sources

log = logging.getLogger(__name__)

BATCH = 1000
TITLE_MAX = 300
TEXT_MAX = 4000
URL_MAX = 300


def _entry(src: SearchSource, obj, now) -> SearchEntry:
    row = src.row(obj)
    title = " ".join(row.title.split())[:TITLE_MAX]
    body = " ".join((row.text or "").split())[:TEXT_MAX]
    return SearchEntry(
        kind=src.kind,
        object_id=obj.pk,
        title=title,
        text=body,
        title_tokens=text.index_tokens(title),
        tokens=text.index_tokens(f"{title} {body}"),
        url=row.url[:URL_MAX],
        updated=now,
    )


def _write(src: SearchSource, objects: Iterable, ids: list[int]) -> int:
    """Entries for these ids made to match these objects (absent ones dropped)."""
    now = timezone.now()
    fresh = {obj.pk: _entry(src, obj, now) for obj in objects}
    with transaction.atomic():
        existing = {
            e.object_id: e for e in SearchEntry.objects.filter(kind=src.kind, object_id__in=ids)
        }
        gone = [pk for pk in ids if pk not in fresh and pk in existing]
        if gone:
            SearchEntry.objects.filter(kind=src.kind, object_id__in=gone).delete()
        new = [e for pk, e in fresh.items() if pk not in existing]
        SearchEntry.objects.bulk_create(new, batch_size=BATCH)
        changed = []
        for pk, e in fresh.items():
            old = existing.get(pk)
            if old is not None and (old.title, old.text, old.url) != (e.title, e.text, e.url):
                old.title, old.text, old.url, old.updated = e.title, e.text, e.url, now
                old.title_tokens, old.tokens = e.title_tokens, e.tokens
                changed.append(old)
        if changed:
            SearchEntry.objects.bulk_update(
                changed,
                ["title", "text", "title_tokens", "tokens", "url", "updated"],
                batch_size=BATCH,
            )
    return len(new) + len(changed) + len(gone)


def search_index_update(*, kind: str, ids: Iterable[int]) -> int:
    """Re-index these objects of one kind; returns how many entries changed."""
    src = source(kind)
    if src is None:
        return 0
    ids = sorted({int(i) for i in ids})
    changed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        changed += _write(src, src.objects().filter(pk__in=chunk), chunk)
    return changed


def search_index_remove(*, kind: str, ids: Iterable[int]) -> int:
    deleted, _ = SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()
    return deleted


def index_on_commit(*, kind: str, ids: Iterable[int]) -> None:
    """Re-index after the current transaction commits; a failure is logged, never raised (the
    write it follows has succeeded, and ``search_reindex`` repairs the index)."""
    ids = list(ids)

    def run() -> None:
        try:
            search_index_update(kind=kind, ids=ids)
        except Exception:
            log.exception("search index update failed for %s %s", kind, ids)

    transaction.on_commit(run)


def search_reindex(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the entries of these kinds (all by default): every object re-read, entries of
    objects that are gone dropped, entries of kinds no longer registered dropped too."""
    wanted = [s for s in sources() if kinds is None or s.kind in set(kinds)]
    counts: dict[str, int] = {}
    for src in wanted:
        seen: set[int] = set()
        batch: list = []
        for obj in src.objects().order_by("pk").iterator(chunk_size=BATCH):
            batch.append(obj)
            if len(batch) >= BATCH:
                _write(src, batch, [o.pk for o in batch])
                seen.update(o.pk for o in batch)
                batch = []
        if batch:
            _write(src, batch, [o.pk for o in batch])
            seen.update(o.pk for o in batch)
        stale = [
            pk
            for pk in SearchEntry.objects.filter(kind=src.kind).values_list("object_id", flat=True)
            if pk not in seen
        ]
        for start in range(0, len(stale), BATCH):
            search_index_remove(kind=src.kind, ids=stale[start : start + BATCH])
        counts[src.kind] = len(seen)
    if kinds is None:
        SearchEntry.objects.exclude(kind__in=[s.kind for s in sources()]).delete()
    return counts
