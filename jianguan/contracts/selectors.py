"""Reads scoped to the actor. A contract is visible to the regulator and to its parties:
employer, contractor, supervisor, finance bureau and auditor (and, for a subcontract, the
main contract's parties). Anyone else gets 404, never a hint that it exists."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jianguan.contracts.models import AcceptanceItem, Contract, Variation
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound

PARTY_FIELDS = ("employer", "contractor", "supervisor", "finance_bureau", "auditor")


def sees_all(actor: Actor) -> bool:
    return actor.is_system or actor.is_kind("regulator")


def contract_list_visible_to(*, actor: Actor) -> QuerySet[Contract]:
    qs = Contract.objects.select_related("project", "employer", "contractor", "parent")
    if sees_all(actor):
        return qs
    if not actor.is_authenticated or actor.organisation_id is None:
        return qs.none()
    org = actor.organisation_id
    mine = Q()
    for f in PARTY_FIELDS:
        mine |= Q(**{f"{f}_id": org}) | Q(**{f"parent__{f}_id": org})
    return qs.filter(mine)


def contract_get_visible(*, actor: Actor, pk: int) -> Contract:
    contract = contract_list_visible_to(actor=actor).filter(pk=pk).first()
    if contract is None:
        raise NotFound("合同不存在或无权查看", code="contract_not_found")
    return contract


def party_roles(*, actor: Actor, contract: Contract) -> set[str]:
    """Which of the contract's parties the actor's organisation is (may be several)."""
    if actor.organisation_id is None:
        return set()
    return {f for f in PARTY_FIELDS if getattr(contract, f"{f}_id") == actor.organisation_id}


def variation_get_visible(*, actor: Actor, pk: int) -> Variation:
    """A variation or site instruction of a contract the actor may see (else 404)."""
    v = (
        Variation.objects.select_related("contract__project")
        .filter(pk=pk, contract__in=contract_list_visible_to(actor=actor))
        .first()
    )
    if v is None:
        raise NotFound("变更不存在或无权查看", code="variation_not_found")
    return v


def acceptance_item_get_visible(*, actor: Actor, pk: int) -> AcceptanceItem:
    """An acceptance item of a contract the actor may see (else 404)."""
    item = (
        AcceptanceItem.objects.select_related("contract")
        .filter(pk=pk, contract__in=contract_list_visible_to(actor=actor))
        .first()
    )
    if item is None:
        raise NotFound("验收项不存在或无权查看", code="acceptance_item_not_found")
    return item
