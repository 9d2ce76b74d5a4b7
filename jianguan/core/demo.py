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

import datetime as dt
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from jianguan.core import timeutil


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


@contextmanager
def clock(at: dt.datetime, *packages: str) -> Iterator[None]:
    """Run a demo step as if it were `at`: in every loaded module under `packages`
    ("jianguan.tendering"), ``now`` and ``today_local`` imported by name from core.timeutil
    answer `at`. A believable demo has a past (documents issued weeks before the opening, a
    contract signed before the works began) that the services, which stamp the real clock,
    cannot give it. The ledger is never listed: its entries record when they were entered."""
    swaps = {timeutil.now: lambda: at, timeutil.today_local: lambda: timeutil.to_local(at).date()}
    patched = []
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(packages) or name.startswith("jianguan.ledger"):
            continue
        for attr in ("now", "today_local"):
            original = getattr(module, attr, None)
            if original in swaps:
                patched.append((module, attr, original))
                setattr(module, attr, swaps[original])
    try:
        yield
    finally:
        for module, attr, original in patched:
            setattr(module, attr, original)
