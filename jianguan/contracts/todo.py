"""What contracts ask of people (待办): payment claims at the stage the actor's organisation
reviews (supervisor, owner, finance review, audit review: 双审双控), returned claims to the
contractor, approved claims to pay; variations at the step the actor decides (监理审核,
建设单位审批, and 监管部门审批 above the district's threshold). Read through the claims
worklist and the contracts the actor may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.contracts import workflow
from jianguan.contracts.claims.selectors import worklist
from jianguan.contracts.models import Variation
from jianguan.contracts.selectors import contract_list_visible_to
from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo

# variation status -> the step that decides it next, and who takes that step
NEXT_STEP = {
    workflow.V_SUBMITTED: "supervisor",
    workflow.V_SUPERVISOR_OK: "owner",
    workflow.V_OWNER_OK: "regulator",
}


def _claim_action(actor: Actor, claim) -> tuple[str, str] | None:
    """(kind, verb) of what the actor's organisation does with the claim now, if anything."""
    org, contract = actor.organisation_id, claim.contract
    party = workflow.STAGE_ORGANISATION.get(claim.status)
    if party and getattr(contract, f"{party}_id") == org and actor.can("contracts.review"):
        return "contracts.claim_review", workflow.REVIEW_STAGES[claim.status]
    if claim.status == workflow.C_RETURNED and contract.contractor_id == org:
        if actor.can("contracts.claim"):
            return "contracts.claim_resubmit", "修改后重新提交"
    if claim.status == workflow.C_APPROVED and actor.can("contracts.pay"):
        if org in (contract.employer_id, contract.finance_bureau_id):
            return "contracts.claim_pay", "登记支付"
    return None


def claims_to_act_on(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.organisation_id:
        return
    url = pk_url("contracts:claim")
    for claim in worklist(actor=actor):
        action = _claim_action(actor, claim)
        if action is None:
            continue
        kind, verb = action
        contract = claim.contract
        yield TodoItem(
            kind=kind,
            title=f"{verb}：进度款申请 {claim.number}（第 {claim.sequence} 期），"
            f"{contract.title}，{contract.contractor.name}",
            url=url(claim.pk),
            module="contracts",
        )


def variations_to_decide(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.can("contracts.variation_decide"):
        return
    org = actor.organisation_id
    regulator = actor.is_kind("regulator")
    if org is None and not regulator:
        return
    pending = Variation.objects.filter(
        contract__in=contract_list_visible_to(actor=actor).values("pk"),
        status__in=tuple(NEXT_STEP),
    ).select_related("contract")
    url = pk_url("contracts:variation")
    for v in pending.order_by("submitted_at", "pk"):
        step = NEXT_STEP[v.status]
        if step == "regulator":
            mine = regulator and v.needs_regulator
        elif step == "supervisor":
            mine = org == v.contract.supervisor_id
        else:
            mine = org == v.contract.employer_id
        if not mine:
            continue
        yield TodoItem(
            kind="contracts.variation_decide",
            title=f"{workflow.VARIATION_STEPS[step]}：变更 {v.number} {v.title}（{v.contract.title}）",
            url=url(v.pk),
            module="contracts",
        )


def register_all() -> None:
    register_todo("contracts.claim_review", "进度款待审核", claims_to_act_on)
    register_todo("contracts.claim_resubmit", "进度款待重新提交")  # from claims_to_act_on
    register_todo("contracts.claim_pay", "进度款待支付")  # from claims_to_act_on
    register_todo("contracts.variation_decide", "变更待审批", variations_to_decide)
