"""Dashboard panels (工作台): one registry where each app offers what its part of the work looks
like today for one actor.

The dashboard is the same page for everyone, but not the same content: the regulator sees the
district, an owner its projects' money, a contractor its orders and claims, finance and the
auditor their review queues, an expert its committees. The web layer cannot import the domain
apps to ask them (DESIGN "Registries, not upward imports"), so each app registers its panels in
its AppConfig.ready() with the panel's queries in its own selectors, scoped to the actor.

A provider takes (actor, today) and returns a ``PanelContent`` (template + context) or None
when the panel has nothing to say to that actor. Providers must run a constant number of
queries (aggregates, not one query per row): the dashboard is the first page everyone opens.
Money on the dashboard is in 万元 throughout (one unit per page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from jianguan.core.actor import Actor


@dataclass(frozen=True)
class PanelContent:
    template: str  # "<app>/_panel_<name>.html"
    context: dict[str, Any] = field(default_factory=dict)
    width: str = "col-lg-6"  # the Bootstrap column the card takes


Provider = Callable[[Actor, dt.date], PanelContent | None]


@dataclass(frozen=True)
class Panel:
    key: str
    provider: Provider
    order: int = 100
    permission: str = ""  # empty: no permission needed beyond being signed in
    kinds: frozenset[str] | None = None  # organisation kinds; None: any (experts have none)
    roles: frozenset[str] | None = None  # roles within the organisation; None: any

    def offered_to(self, actor: Actor) -> bool:
        if not actor.is_authenticated:
            return False
        if self.kinds is not None and actor.organisation_kind not in self.kinds:
            return False
        if self.roles is not None and not actor.has_role(*self.roles):
            return False
        return not self.permission or actor.can(self.permission)


_PANELS: dict[str, Panel] = {}


def register_panel(
    key: str,
    *,
    provider: Provider,
    order: int = 100,
    permission: str = "",
    kinds: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
) -> None:
    """Offer a panel; registering the same key again replaces it (reloads in tests)."""
    _PANELS[key] = Panel(
        key=key,
        provider=provider,
        order=order,
        permission=permission,
        kinds=frozenset(kinds) if kinds is not None else None,
        roles=frozenset(roles) if roles is not None else None,
    )


def registered() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]
    width: str


def panels_for(actor: Actor, today: dt.date) -> list[ShownPanel]:
    """The panels this actor gets today, in order; those with nothing to say are left out."""
    shown = []
    for panel in registered():
        if not panel.offered_to(actor):
            continue
        content = panel.provider(actor, today)
        if content is None:
            continue
        shown.append(ShownPanel(panel.key, content.template, content.context, content.width))
    return shown


# --- money on the dashboard ------------------------------------------------------------------

UNIT = "万元"  # the dashboard's one money unit: budgets of public works read best in 万元


def wan_yuan(value) -> str:
    """Yuan (Decimal) → 万元 text with two places and thousands separators: 12345678.9 →
    "1,234.57". Formatting stays in Python so that no float ever touches the money."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return "—"
    d = (Decimal(value) / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{abs(d) if d == 0 else d:,.2f}"


def percent(part, whole) -> str:
    """A ratio as a percentage with one place ("12.5 %"); "—" when the whole is zero."""
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return "—"
    d = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{d} %"
