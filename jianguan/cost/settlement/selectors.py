"""Reads scoped to the actor. A final account is seen by the parties of its contract (the
owner, the contractor, the supervisor, the finance bureau and the audit firm) and the
district's regulator; the contractor's first draft, never submitted, only by the contractor."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import FinalAccount, StageSettlement

PARTY_FIELDS = ("employer", "contractor", "supervisor", "finance_bureau", "auditor")


def _party_q(actor: Actor, prefix: str = "") -> Q:
    org = actor.organisation_id
    q = Q()
    for f in PARTY_FIELDS:
        q |= Q(**{f"{prefix}{f}_id": org})
    return q


def unsubmitted_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": wf.DRAFT, f"{prefix}submitted_at__isnull": True})


def accounts_visible_to(actor: Actor) -> QuerySet[FinalAccount]:
    qs = FinalAccount.objects.select_related(
        "contract", "project", "contract__employer", "contract__contractor"
    )
    if actor.is_system:
        return qs
    if not actor.can("cost_settlement.view") or (
        actor.organisation_id is None and not actor.is_kind("regulator")
    ):
        return qs.none()
    own_draft = Q(contract__contractor_id=actor.organisation_id)
    if actor.is_kind("regulator"):
        return qs.filter(~unsubmitted_q())
    return qs.filter(_party_q(actor, "contract__")).filter(~unsubmitted_q() | own_draft)


def account_get(*, actor: Actor, pk: int) -> FinalAccount:
    account = accounts_visible_to(actor).filter(pk=pk).first()
    if account is None:
        raise NotFound("竣工结算不存在或无权查看", code="not_found")
    return account


def stages_visible_to(actor: Actor) -> QuerySet[StageSettlement]:
    qs = StageSettlement.objects.select_related("contract", "contract__project")
    if actor.is_system:
        return qs
    if not actor.can("cost_settlement.view"):
        return qs.none()
    if actor.is_kind("regulator"):
        return qs
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(_party_q(actor, "contract__"))


def stage_get(*, actor: Actor, pk: int) -> StageSettlement:
    stage = stages_visible_to(actor).filter(pk=pk).first()
    if stage is None:
        raise NotFound("过程结算不存在或无权查看", code="not_found")
    return stage


def contracts_for_settlement(actor: Actor):
    """Main contracts the actor is a party to (where a final account may be drafted or seen)."""
    from jianguan.contracts.models import Contract

    if actor.organisation_id is None and not actor.is_system:
        return Contract.objects.none()
    qs = Contract.objects.filter(kind="main").select_related("project")
    return qs if actor.is_system else qs.filter(_party_q(actor))
