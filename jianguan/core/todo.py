"""The to-do list (待办): one registry where each app says what needs whom.

Work comes to people: a payment claim at the actor's review stage, a variation awaiting its
decision, a rectification order to answer or to re-inspect, a committee sheet to fill. Each app
registers a provider in its AppConfig.ready() (``register_todo(...)``); a provider takes the
actor and the day and yields ``TodoItem``s for that actor only, read through the app's own
scoped selectors, so the list never shows more than the objects themselves would. The
dashboard, the menu badges and ``GET /api/v1/me/todo`` all read ``todo_for``.

Core imports no app: providers are plain callables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from jianguan.core.actor import Actor


@dataclass(frozen=True)
class TodoItem:
    kind: str  # stable code of what is to be done, e.g. "contracts.claim_review"
    title: str  # what, in Chinese, with the object's name
    url: str  # the object page where it is done
    due: dt.datetime | dt.date | None = None  # from the statutory clock; None: no clock
    overdue: bool = False
    module: str = ""  # the navigation key whose menu entry carries the badge

    @property
    def kind_label(self) -> str:
        return _LABELS.get(self.kind, self.kind)

    def sort_key(self) -> tuple:
        due = self.due
        if isinstance(due, dt.datetime):
            due = due.date()
        return (not self.overdue, due is None, due or dt.date.max, self.title)


Provider = Callable[[Actor, dt.date], Iterable[TodoItem]]

_PROVIDERS: dict[str, Provider] = {}
_LABELS: dict[str, str] = {}


def register_todo(kind: str, label: str, provider: Provider | None = None) -> None:
    """One kind of work: its stable code, its Chinese label, and who has it on a day (None:
    items of this kind come from the provider of a related kind)."""
    if provider is not None:
        _PROVIDERS[kind] = provider
    _LABELS[kind] = label


def kinds() -> dict[str, str]:
    return dict(_LABELS)


def todo_for(actor: Actor, today: dt.date) -> list[TodoItem]:
    """Everything the actor has to do, overdue first, then by due date."""
    if not actor.is_authenticated:
        return []
    items = [item for provider in _PROVIDERS.values() for item in provider(actor, today)]
    return sorted(items, key=TodoItem.sort_key)


# A pk no database of this platform reaches, reversed once to find where a pk goes in a URL.
_MARK = 987_654_321_987


def pk_url(viewname: str, suffix: str = "") -> Callable[[int], str]:
    """``reverse(viewname, args=[pk]) + suffix`` for many pks at the cost of one ``reverse()``:
    a provider builds the URL of each of its items, and at a thousand items ``reverse()`` was a
    fifth of the list's time (bench/workbench.py). The URL is reversed once with a marker pk
    and the marker replaced; the per-item URL is the one ``reverse()`` would give."""
    head, mark, tail = reverse(viewname, args=[_MARK]).partition(str(_MARK))
    if not mark or str(_MARK) in tail:  # pragma: no cover - a pattern that repeats the pk
        return lambda pk: reverse(viewname, args=[pk]) + suffix
    tail += suffix
    return lambda pk: f"{head}{pk}{tail}"


def counts_by_module(items: Iterable[TodoItem]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item.module] = out.get(item.module, 0) + 1
    return out
