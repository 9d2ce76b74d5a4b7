"""Search sources: each domain app says what it puts in the global search and who finds it.

An app registers a source in its AppConfig.ready() (``register_search_source``). A source
names its kind (a stable code) and Chinese label, its model, how one object reads in the index
(``row``: title, text, url) and which objects an actor may see (``visible``: the app's own
scoped selector, the one its object pages ask, as a queryset). Search never shows an object
``visible`` does not return, so the page, the API and the search answer alike; sealed bids and
committees are no source at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from jianguan.core.actor import Actor


@dataclass(frozen=True)
class IndexRow:
    title: str
    text: str  # what else is searched and shown as the snippet (description, parties, codes)
    url: str


@dataclass(frozen=True)
class SearchSource:
    kind: str
    label: str
    model: type[Model]
    row: Callable[[Any], IndexRow]
    visible: Callable[[Actor], QuerySet]
    order: int = 100
    # the objects to index (select_related for ``row``); default: all of the model
    queryset: Callable[[], QuerySet] | None = None
    # ("tender_id", tenders_visible_to): the object is visible exactly when its parent is, so a
    # search may read the few visible parents once instead of asking ``visible`` page by page
    visible_via: tuple[str, Callable[[Actor], QuerySet]] | None = None

    def objects(self) -> QuerySet:
        return self.queryset() if self.queryset else self.model._default_manager.all()


_SOURCES: dict[str, SearchSource] = {}


def register_search_source(
    kind: str,
    label: str,
    *,
    model: type[Model],
    row: Callable[[Any], IndexRow],
    visible: Callable[[Actor], QuerySet],
    order: int = 100,
    queryset: Callable[[], QuerySet] | None = None,
    visible_via: tuple[str, Callable[[Actor], QuerySet]] | None = None,
) -> None:
    if not kind.replace("_", "").isalnum():
        raise ValueError(f"search source kind {kind!r}: letters, digits and _ only")
    if kind in _SOURCES and _SOURCES[kind].model is not model:
        # One kind, one model: a second app's source of the same kind would silently take the
        # first one's place (the collaboration documents once hid the tender documents).
        raise ValueError(f"search source kind {kind!r} is already {_SOURCES[kind].model}")
    _SOURCES[kind] = SearchSource(kind, label, model, row, visible, order, queryset, visible_via)


def sources() -> list[SearchSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.kind))


def source(kind: str) -> SearchSource | None:
    return _SOURCES.get(kind)


def labels() -> dict[str, str]:
    return {s.kind: s.label for s in sources()}
