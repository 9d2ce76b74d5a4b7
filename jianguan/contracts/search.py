"""Contracts in the global search (workbench.search): found by their parties and the regulator."""

from __future__ import annotations

from django.urls import reverse

from jianguan.contracts.models import Contract
from jianguan.contracts.selectors import contract_list_visible_to
from jianguan.workbench.search.registry import IndexRow, register_search_source


def _row(contract: Contract) -> IndexRow:
    parts = [
        contract.project.name,
        contract.employer.name,
        contract.contractor.name,
        contract.tender_code,
        contract.scope,
    ]
    return IndexRow(
        title=f"{contract.number} {contract.title}",
        text=" ".join(p for p in parts if p),
        url=reverse("contracts:detail", args=[contract.pk]),
    )


def register_all() -> None:
    register_search_source(
        "contracts",
        "合同",
        model=Contract,
        row=_row,
        visible=lambda actor: contract_list_visible_to(actor=actor),
        queryset=lambda: Contract.objects.select_related("project", "employer", "contractor"),
        order=30,
    )
