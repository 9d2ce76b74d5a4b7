"""Who may read which ledger entry. Apps declare it next to their objects' own visibility,
from their `AppConfig.ready()`; the ledger knows no domain app. Deny by default.

Two kinds of declaration:

* ``register(app, model, rule)``: the object's ordinary visibility, ``rule(actor, object_id)``.
  Holders of ``ledger.view_all`` (regulators, audit firms) read every entry that no embargo
  withholds.
* ``embargo(app, model, types=…, objects=…, unless=…, reason=…)``: a state-dependent embargo
  that holds even against ``ledger.view_all`` ("a ledger entry is never more visible than its
  object in its current state"). ``objects(actor)`` answers, from the objects' CURRENT state,
  which objects' entries (of ``types``) are withheld from the actor now: a QuerySet of the
  model (evaluated inside the ledger's own query, so it lifts by itself when the state
  changes), an iterable of ids, or None for "nothing". ``unless(actor)`` is an optional
  ``Q`` over ``LedgerEntry`` rows that stay readable anyway (typically the actor's own
  entries: ``Q(actor_user=...)`` or ``Q(actor_organisation=credit_code)``). Only the
  system actor passes every embargo.

Everything that shows entries uses the same two declarations: the API (a withheld entry
answers with its leaf hash only), listings (`withhold(qs, actor)`: one SQL query, each
embargo a subquery), 履历 panels, exports and the third-party audit bundle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from jianguan.core.actor import Actor

Rule = Callable[[Actor, str], bool]
Objects = Callable[[Actor], "QuerySet[Any] | Iterable[Any] | None"]
Unless = Callable[[Actor], "Q | None"]

NOT_VISIBLE = "无权查看该存证记录的内容（仅可按叶哈希核验其存在）"

_RULES: dict[tuple[str, str], Rule] = {}


@dataclass(frozen=True)
class Embargo:
    app: str
    model: str
    types: tuple[str, ...]  # exact entry types, or prefixes ending in "."; () = every type
    objects: Objects
    unless: Unless | None
    reason: str

    def applies_to(self, app: str, model: str, type: str) -> bool:
        if (app, model) != (self.app, self.model):
            return False
        if not self.types:
            return True
        return any(type == t or (t.endswith(".") and type.startswith(t)) for t in self.types)

    def _types_q(self) -> Q:
        exact = [t for t in self.types if not t.endswith(".")]
        q = Q(type__in=exact) if exact else Q(pk__in=[])
        for prefix in (t for t in self.types if t.endswith(".")):
            q |= Q(type__startswith=prefix)
        return q

    def withheld_q(self, actor: Actor) -> Q | None:
        """The LedgerEntry rows this embargo withholds from `actor` now (None: none)."""
        if actor.is_system:
            return None
        ids = self.objects(actor)
        if ids is None:
            return None
        if isinstance(ids, QuerySet):
            ids = ledger_ids(ids)
        else:
            ids = [str(i) for i in ids]
            if not ids:
                return None
        q = Q(object_app=self.app, object_model=self.model, object_id__in=ids)
        if self.types:
            q &= self._types_q()
        spared = self.unless(actor) if self.unless is not None else None
        if spared is not None:
            q &= ~spared
        return q

    def hides_object(self, actor: Actor, object_id: str) -> bool:
        """Object level (no entry at hand): is every entry of this object withheld?"""
        if actor.is_system or self.types:
            return False
        ids = self.objects(actor)
        if ids is None:
            return False
        if isinstance(ids, QuerySet):
            try:
                return ids.filter(pk=object_id).exists()
            except (ValueError, TypeError, ValidationError):  # an id of another shape
                return False
        return str(object_id) in {str(i) for i in ids}


_EMBARGOES: dict[tuple[str, str, tuple[str, ...]], Embargo] = {}


def register(app_label: str, model_name: str, rule: Rule) -> None:
    _RULES[(app_label, model_name)] = rule


def embargo(
    app_label: str,
    model_name: str,
    *,
    objects: Objects,
    reason: str,
    types: Iterable[str] = (),
    unless: Unless | None = None,
) -> Embargo:
    """Declare an embargo (see the module docstring); re-declaring the same key replaces it."""
    item = Embargo(app_label, model_name, tuple(types), objects, unless, reason)
    _EMBARGOES[(app_label, model_name, item.types)] = item
    return item


def embargoes() -> list[Embargo]:
    """Every declared embargo (the access matrix and the README describe them)."""
    return list(_EMBARGOES.values())


def ledger_ids(qs: QuerySet[Any]) -> QuerySet[Any]:
    """A subquery of `qs`'s primary keys as the ledger stores them (text)."""
    return qs.order_by().annotate(_ledger_id=Cast("pk", CharField())).values("_ledger_id")


# --- reading ---------------------------------------------------------------------------------


def withheld_q(actor: Actor, *, app: str | None = None) -> Q | None:
    """Every entry withheld from `actor` now, as one Q (None: nothing is withheld)."""
    out: Q | None = None
    for item in _EMBARGOES.values():
        if app is not None and item.app != app:
            continue
        q = item.withheld_q(actor)
        if q is not None:
            out = q if out is None else out | q
    return out


def withhold(qs: QuerySet[Any], actor: Actor, *, app: str | None = None) -> QuerySet[Any]:
    """`qs` (of LedgerEntry) without the entries embargoed from `actor`: still one query."""
    q = withheld_q(actor, app=app)
    return qs if q is None else qs.exclude(q)


def embargo_reason(actor: Actor, entry: Any) -> str | None:
    """Why `entry` is withheld from `actor` by an embargo, or None (one query per embargo
    that applies to the entry's object and type; usually none or one)."""
    from jianguan.ledger.models import LedgerEntry

    if actor.is_system:
        return None
    for item in _EMBARGOES.values():
        if not item.applies_to(entry.object_app, entry.object_model, entry.type):
            continue
        q = item.withheld_q(actor)
        if q is not None and LedgerEntry.objects.filter(pk=entry.pk).filter(q).exists():
            return item.reason
    return None


def ordinary_rule_allows(actor: Actor, app_label: str, model_name: str, object_id: str) -> bool:
    """The object's ordinary visibility (no embargo): view_all, or the app's rule."""
    if actor.is_system or actor.can("ledger.view_all"):
        return True
    rule = _RULES.get((app_label, model_name))
    return bool(rule and actor.is_authenticated and rule(actor, object_id))


def entry_access(actor: Actor, entry: Any) -> tuple[bool, str]:
    """(readable, Chinese reason when not) for one entry: embargoes, then the object's rule."""
    reason = embargo_reason(actor, entry)
    if reason is not None:
        return False, reason
    if ordinary_rule_allows(actor, entry.object_app, entry.object_model, entry.object_id):
        return True, ""
    return False, NOT_VISIBLE


def hidden_objects(actor: Actor, *, app: str | None = None) -> list[tuple[str, str, list[str]]]:
    """[(app_label, model_name, [object ids])] whose entries (all types) are embargoed from
    the actor: the object-level form, for callers that decide per object."""
    if actor.is_system:
        return []
    out = []
    for item in _EMBARGOES.values():
        if item.types or (app is not None and item.app != app):
            continue
        ids = item.objects(actor)
        if ids is None:
            continue
        if isinstance(ids, QuerySet):
            ids = ids.order_by().values_list("pk", flat=True)
        listed = [str(i) for i in ids]
        if listed:
            out.append((item.app, item.model, listed))
    return out


def can_see(actor: Actor, app_label: str, model_name: str, object_id: str) -> bool:
    """Object level: may the actor read the entries of this object (embargoes on all of its
    entries first, then view_all or the app's rule)? Typed embargoes need the entry:
    `entry_access`."""
    for item in _EMBARGOES.values():
        if (item.app, item.model) == (app_label, model_name) and item.hides_object(
            actor, object_id
        ):
            return False
    return ordinary_rule_allows(actor, app_label, model_name, object_id)
