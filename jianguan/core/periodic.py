"""Periodic jobs run by `manage.py chronograph`: apps register (name, every, function)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    run: Callable[[], object]


_JOBS: dict[str, PeriodicJob] = {}


def register(name: str, every_seconds: int, run: Callable[[], object]) -> None:
    _JOBS[name] = PeriodicJob(name, every_seconds, run)


def jobs() -> list[PeriodicJob]:
    return list(_JOBS.values())
