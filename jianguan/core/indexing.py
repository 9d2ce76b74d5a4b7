"""Re-index requests from apps below the search (accounts): the app says which of its objects
changed; whoever keeps an index of them (the workbench's global search) registers an indexer
in its AppConfig.ready(). Core imports no app: indexers are plain callables."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Indexer = Callable[..., None]  # indexer(kind=..., ids=...), which defers to after commit

_INDEXERS: list[Indexer] = []


def register_indexer(indexer: Indexer) -> None:
    if indexer not in _INDEXERS:
        _INDEXERS.append(indexer)


def reindex_on_commit(*, kind: str, ids: Iterable[int]) -> None:
    """Ask every indexer to re-read these objects once the current transaction commits."""
    ids = list(ids)
    for indexer in _INDEXERS:
        indexer(kind=kind, ids=ids)
