"""Who may read which ledger entry: apps register a rule per object model (deny by default)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from jianguan.core.actor import Actor

Rule = Callable[[Actor, str], bool]
Hidden = Callable[[Actor], Iterable[str]]
_RULES: dict[tuple[str, str], Rule] = {}
# Restrictions hold even against `ledger.view_all`: e.g. a finance review's entries stay hidden
# from auditors until the audit review of that round is submitted (independent second review).
_RESTRICTIONS: dict[tuple[str, str], tuple[Rule, Hidden]] = {}


def register(app_label: str, model_name: str, rule: Rule) -> None:
    _RULES[(app_label, model_name)] = rule


def restrict(app_label: str, model_name: str, allows: Rule, hidden: Hidden) -> None:
    """`allows(actor, object_id)` is asked before any grant; `hidden(actor)` lists the object
    ids it denies, so listings can leave them out in one query."""
    _RESTRICTIONS[(app_label, model_name)] = (allows, hidden)


def hidden_objects(actor: Actor) -> list[tuple[str, str, list[str]]]:
    """[(app_label, model_name, [object ids])] that the restrictions hide from the actor."""
    if actor.is_system:
        return []
    out = []
    for (app, model), (_, hidden) in _RESTRICTIONS.items():
        ids = [str(i) for i in hidden(actor)]
        if ids:
            out.append((app, model, ids))
    return out


def can_see(actor: Actor, app_label: str, model_name: str, object_id: str) -> bool:
    restriction = _RESTRICTIONS.get((app_label, model_name))
    if restriction is not None and not actor.is_system and not restriction[0](actor, object_id):
        return False
    if actor.can("ledger.view_all"):
        return True
    rule = _RULES.get((app_label, model_name))
    return bool(rule and actor.is_authenticated and rule(actor, object_id))
