"""The demo seeders: each app registers its own, with its place in the timeline.

`manage.py seed_demo` runs them in order, each in its own transaction. An app registers in its
AppConfig.ready() (``register_seeder("contracts", "jianguan.contracts.demo:seed", order=80)``), as it does navigation items
and facts, so the command imports no domain app and nothing reaches upward through
``__import__``. A seeder is named by its dotted path ("jianguan.contracts.demo:seed") and loaded
only when the command runs, so serving a request never imports demo code. The order is the district's timeline: organisations before the register, the
register before inspections and tenders, committees after the tenders they evaluate, contracts
after the awards they come from.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeder:
    name: str
    order: int
    path: str  # "package.module:function"

    def run(self) -> object:
        module, _, attr = self.path.partition(":")
        # The registry's own loading code: the one place a jianguan path is imported by name.
        return getattr(importlib.import_module(module), attr)()


_SEEDERS: dict[str, Seeder] = {}


def register_seeder(name: str, path: str, *, order: int) -> None:
    taken = {s.order: s.name for s in _SEEDERS.values() if s.name != name}
    if order in taken:
        raise ValueError(f"demo seeders {taken[order]!r} and {name!r} share order {order}")
    if ":" not in path:
        raise ValueError(f"demo seeder {name!r}: {path!r} is not 'module:function'")
    _SEEDERS[name] = Seeder(name, order, path)


def seeders() -> list[Seeder]:
    return sorted(_SEEDERS.values(), key=lambda s: s.order)
