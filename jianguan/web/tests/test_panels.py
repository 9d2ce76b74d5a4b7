"""The dashboard's panel registry (web.panels): who is offered a panel, in which order, and
the dashboard's money and ratio texts. No database: providers are plain callables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.actor import ANONYMOUS, Actor
from jianguan.web import panels

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})
    return panels


def _content(name):
    return lambda actor, today: panels.PanelContent(f"x/_panel_{name}.html", {"who": actor})


def test_panels_go_by_kind_and_role_in_order_and_say_nothing_when_empty(registry, monkeypatch):
    monkeypatch.setattr(Actor, "can", lambda self, permission: permission != "denied")
    registry.register_panel("late", provider=_content("late"), order=50)
    registry.register_panel("first", provider=_content("first"), order=5, kinds=("regulator",))
    registry.register_panel("expert", provider=_content("expert"), roles=("expert",))
    registry.register_panel("none", provider=lambda a, t: None, order=1)
    registry.register_panel("denied", provider=_content("denied"), permission="denied")
    regulator = Actor(
        user_id=1, organisation_id=1, organisation_kind="regulator", roles=frozenset({"staff"})
    )
    expert = Actor(user_id=2, roles=frozenset({"expert"}))
    assert [p.key for p in registry.panels_for(regulator, TODAY)] == ["first", "late"]
    assert [p.key for p in registry.panels_for(expert, TODAY)] == ["late", "expert"]
    assert registry.panels_for(ANONYMOUS, TODAY) == []
    shown = registry.panels_for(regulator, TODAY)[0]
    assert shown.template == "x/_panel_first.html" and shown.context["who"] is regulator
    assert shown.width == "col-lg-6"


def test_registering_a_key_again_replaces_it(registry):
    registry.register_panel("a", provider=_content("one"))
    registry.register_panel("a", provider=_content("two"), order=3)
    assert [(p.key, p.order) for p in registry.registered()] == [("a", 3)]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12345678.90"), "1,234.57"),
        (Decimal("0"), "0.00"),
        (Decimal("-0.001"), "0.00"),
        (Decimal("49.99"), "0.00"),
        (Decimal("50"), "0.01"),  # half up
        (None, "—"),
    ],
)
def test_money_is_shown_in_wan_yuan(value, text):
    assert panels.wan_yuan(value) == text


def test_ratios_are_percentages():
    assert panels.percent(Decimal("1"), Decimal("8")) == "12.5 %"
    assert panels.percent(Decimal("5"), 0) == "—"
    assert panels.percent(0, Decimal("3")) == "0.0 %"
