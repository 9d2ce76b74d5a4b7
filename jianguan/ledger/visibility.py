"""Who may read which ledger entry: apps register a rule per object model (deny by default)."""

from __future__ import annotations

from collections.abc import Callable

from jianguan.core.actor import Actor

Rule = Callable[[Actor, str], bool]
_RULES: dict[tuple[str, str], Rule] = {}


def register(app_label: str, model_name: str, rule: Rule) -> None:
    _RULES[(app_label, model_name)] = rule


def can_see(actor: Actor, app_label: str, model_name: str, object_id: str) -> bool:
    if actor.can("ledger.view_all"):
        return True
    rule = _RULES.get((app_label, model_name))
    return bool(rule and actor.is_authenticated and rule(actor, object_id))
