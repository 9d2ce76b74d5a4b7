"""Sidebar registry: each app adds its entries; an entry shows only if the actor may use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str
    permission: str
    order: int = 100
    group: str = ""


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda i: (i.order, i.key))


register(NavItem("dashboard", "工作台", "web:dashboard", "ti-dashboard", "dashboard.view", 0))
register(
    NavItem(
        "organisations",
        "机构名录",
        "accounts:organisation_list",
        "ti-building",
        "accounts.organisation.view",
        10,
    )
)
register(NavItem("rules", "规则库", "rules:rule_list", "ti-scale", "rules.view", 80))
register(NavItem("calendar", "工作日历", "rules:calendar", "ti-calendar", "rules.view", 81))
register(
    NavItem("ledger", "可信存证", "ledger:ledger_home", "ti-fingerprint", "ledger.view_all", 90)
)
# The API docs (English Swagger) are for developers: linked from the help page, not the menu.
