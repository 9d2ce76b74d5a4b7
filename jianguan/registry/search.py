"""Registered persons (注册人员) in the global search (workbench.search): for whoever may read
the registry (``registry.view``, as ``person_get`` asks); the link is the employer's
credentials page, which lists them."""

from __future__ import annotations

from django.urls import reverse

from jianguan.core.actor import Actor
from jianguan.core.permissions import require
from jianguan.registry.models import RegisteredPerson
from jianguan.workbench.search.registry import IndexRow, register_search_source


def _row(person: RegisteredPerson) -> IndexRow:
    parts = [person.employer.name, person.specialty, person.certificate_number]
    return IndexRow(
        title=f"{person.name}（{person.get_kind_display()}）",
        text=" ".join(p for p in parts if p),
        url=reverse("registry:organisation", args=[person.employer_id]),
    )


def _visible(actor: Actor):
    require(actor, "registry.view")
    return RegisteredPerson.objects.all()


def register_all() -> None:
    register_search_source(
        "persons",
        "注册人员",
        model=RegisteredPerson,
        row=_row,
        visible=_visible,
        queryset=lambda: RegisteredPerson.objects.select_related("employer"),
        order=50,
    )
