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


# --- the dashboard (工作台): aggregates only, a constant number of queries ----------------------


def claims_by_status(*, actor: Actor, as_contractor: bool) -> dict[str, int]:
    """Visible payment claims counted by status (drafts left out: nobody else sees them); a
    contractor's own claims only when ``as_contractor``. One grouped query."""
    from django.db.models import Count

    from jianguan.contracts import workflow
    from jianguan.contracts.models import PaymentClaim

    if as_contractor:
        # The contractor is a party to these contracts, so they are within its visible ones;
        # filtering on the party alone spares the visibility join (ten ORs) on every render.
        qs = PaymentClaim.objects.filter(contract__contractor_id=actor.organisation_id)
    else:
        qs = PaymentClaim.objects.filter(contract__in=contract_list_visible_to(actor=actor))
    qs = qs.exclude(status=workflow.C_DRAFT)
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")))


def owner_money(*, actor: Actor, limit: int = 30) -> dict:
    """An owner's projects with their money: approved budget, the value of the main contracts
    it signed as employer (subcontracts are inside them), what has been paid on them and what
    is still to pay. Three grouped queries plus the project list."""
    from decimal import Decimal

    from django.db.models import Sum

    from jianguan.contracts.models import Payment
    from jianguan.projects.selectors import project_list_visible_to

    org = actor.organisation_id
    projects = project_list_visible_to(actor=actor).filter(owner_id=org)
    # The employer is a party, so these are among its visible contracts (see above).
    mine = Contract.objects.filter(employer_id=org, parent__isnull=True)
    contracted = dict(mine.order_by().values_list("project_id").annotate(s=Sum("current_value")))
    paid = dict(
        Payment.objects.filter(claim__contract__in=mine.values("pk"))
        .order_by()
        .values_list("claim__contract__project_id")
        .annotate(s=Sum("amount"))
    )
    budget = projects.order_by().aggregate(s=Sum("budget"))["s"] or Decimal("0")
    zero = Decimal("0")
    rows = []
    for p in projects.order_by("-budget", "code")[:limit]:
        c, pd = contracted.get(p.pk) or zero, paid.get(p.pk) or zero
        rows.append({"project": p, "budget": p.budget, "contract": c, "paid": pd, "due": c - pd})
    total_contract = sum((v or zero for v in contracted.values()), zero)
    total_paid = sum((v or zero for v in paid.values()), zero)
    return {
        "rows": rows,
        "count": projects.count(),
        "budget": budget,
        "contract": total_contract,
        "paid": total_paid,
        "due": total_contract - total_paid,
    }


def review_queue(*, actor: Actor, limit: int = 8, cuts: bool = True) -> dict:
    """A reviewing organisation's queue (claims at its stage of the chain) and the totals of
    the cuts (审减) it has submitted. Only its own reviews are summed: another reviewer's cuts
    stay under their embargo (the auditor never sees finance's draft)."""
    from django.db.models import Count, Sum

    from jianguan.contracts import workflow
    from jianguan.contracts.models import PaymentClaim, Review

    org = actor.organisation_id
    waiting = Q()
    for stage, party in workflow.STAGE_ORGANISATION.items():
        waiting |= Q(status=stage, **{f"contract__{party}_id": org})
    if org is None:
        return {"count": 0, "claims": [], "reviewed": 0, "cut": None, "claimed": None}
    # Waiting at the organisation's own stage makes it a party: within its visible claims.
    queue = PaymentClaim.objects.filter(waiting).select_related(
        "contract", "contract__project", "contract__contractor"
    )
    out = {
        "count": queue.count(),
        "claims": list(queue.order_by("submitted_at", "pk")[:limit]) if limit else [],
        "reviewed": 0,
        "cut": None,
        "claimed": None,
    }
    if cuts:
        done = Review.objects.filter(organisation_id=org, submitted_at__isnull=False)
        out.update(
            done.aggregate(
                reviewed=Count("id"), cut=Sum("reduction"), claimed=Sum("claim__claimed_value")
            )
        )
    return out
