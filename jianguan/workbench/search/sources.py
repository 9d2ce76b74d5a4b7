"""The sources the workbench itself registers: organisations (accounts sits below the
workbench and cannot register with it)."""

from __future__ import annotations

from django.urls import reverse

from jianguan.accounts.models import Organisation
from jianguan.accounts.selectors import organisation_list_visible_to
from jianguan.workbench.search.registry import IndexRow, register_search_source


def _organisation(org: Organisation) -> IndexRow:
    parts = [org.get_kind_display(), org.credit_code, org.legal_representative, org.address]
    if org.town_id:
        parts.append(org.town.name)
    return IndexRow(
        title=org.name,
        text=" ".join(p for p in parts if p),
        url=reverse("accounts:organisation_detail", args=[org.pk]),
    )


def register_all() -> None:
    register_search_source(
        "organisations",
        "单位",
        model=Organisation,
        row=_organisation,
        visible=lambda actor: organisation_list_visible_to(actor=actor),
        queryset=lambda: Organisation.objects.select_related("town"),
        order=40,
    )
