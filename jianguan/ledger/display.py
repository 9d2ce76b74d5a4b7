"""Ledger entries in people's words (issue 16): the event's Chinese label, the object as its
kind's name and its own name or number, the actor as a person's name and organisation name.

The ledger stores usernames and organisation codes (credit codes) and knows no accounts app:
an upper app registers a `names` resolver (web does, reading accounts). Objects are found by
the app label and model name each entry already carries, as contenttypes would, in one query
per kind of object on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model

from jianguan.ledger.labels import label

# (usernames, organisation codes) -> ({username: person's name}, {code: organisation name})
NamesResolver = Callable[[set[str], set[str]], tuple[dict[str, str], dict[str, str]]]
_RESOLVER: list[NamesResolver] = []

SYSTEM_NAME = "系统"


def register_names(resolver: NamesResolver) -> None:
    _RESOLVER[:] = [resolver]


@dataclass(frozen=True)
class EntryWords:
    label: str
    kind: str  # the object's kind, e.g. "合同"
    name: str  # the object's own name or number ("" when the object is gone)
    person: str
    organisation: str

    @property
    def subject(self) -> str:
        return f"{self.kind} {self.name}".strip() if self.name else self.kind


def _objects(refs: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[str, str]]:
    by_model: dict[tuple[str, str], set[str]] = {}
    for app, model, pk in refs:
        by_model.setdefault((app, model), set()).add(pk)
    out: dict[tuple[str, str, str], tuple[str, str]] = {}
    for (app, model_name), pks in by_model.items():
        try:
            model = apps.get_model(app, model_name)
        except (LookupError, ValueError):
            for pk in pks:
                out[(app, model_name, pk)] = ("记录", "")
            continue
        kind = _kind(model)
        try:
            found = model._default_manager.in_bulk([int(p) for p in pks if p.isdigit()])
        except (ValueError, TypeError):
            found = {}
        for pk in pks:
            obj = found.get(int(pk)) if pk.isdigit() else None
            out[(app, model_name, pk)] = (kind, _name(obj) if obj is not None else "")
    return out


def _kind(model) -> str:
    """The model's Chinese name; a model still named in English ("review cut") reads 记录."""
    name = str(model._meta.verbose_name)
    return name if any(ord(c) > 0x7F for c in name) else "记录"


# Fields that name an object when its model has no __str__ of its own, in this order.
NAME_FIELDS = ("number", "code", "title", "name")


def _name(obj) -> str:
    """The object's own name: its __str__, else its number, code, title or name, else ""
    (the kind alone), never Django's "Committee object (3)"."""
    if type(obj).__str__ is not Model.__str__:
        return str(obj)
    for field in NAME_FIELDS:
        value = getattr(obj, field, None)
        if isinstance(value, str) and value:
            return value
    return ""


def describe(entries: Iterable) -> dict[int, EntryWords]:
    """{entry.index: EntryWords} for LedgerEntry rows (or anything with the same fields)."""
    entries = list(entries)
    users = {e.actor_user for e in entries if e.actor_user}
    codes = {e.actor_organisation for e in entries if e.actor_organisation}
    people, orgs = _RESOLVER[0](users, codes) if _RESOLVER else ({}, {})
    objects = _objects({(e.object_app, e.object_model, str(e.object_id)) for e in entries})
    out = {}
    for e in entries:
        kind, name = objects[(e.object_app, e.object_model, str(e.object_id))]
        out[e.index] = EntryWords(
            label=label(e.type),
            kind=kind,
            name=name,
            # An unknown username is never shown raw: a departed account reads as 用户.
            person=people.get(e.actor_user, "用户") if e.actor_user else SYSTEM_NAME,
            organisation=orgs.get(e.actor_organisation, "") if e.actor_organisation else "",
        )
    return out
