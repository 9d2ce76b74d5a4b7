"""Demo seeder: the search index built from everything the domain seeders made."""

from __future__ import annotations

from jianguan.workbench.search.index import search_reindex


def seed(*args, **kwargs) -> dict[str, int]:
    return search_reindex()
