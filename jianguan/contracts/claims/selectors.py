"""Reads of payment claims and their reviews, scoped to the actor, with the independence of
the double review (双审双控): a review's draft cuts are seen only by its own organisation;
the contractor sees a review once it is submitted; the auditor never sees the finance
review of a round until its own audit review of that round is submitted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from jianguan.contracts import payments, workflow
from jianguan.contracts.claims import extra_checks
from jianguan.contracts.models import (
    BoqItem,
    ClaimLine,
    Contract,
    PaymentClaim,
    Review,
    ReviewCut,
)
from jianguan.contracts.selectors import contract_list_visible_to, party_roles, sees_all
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.timeutil import today_local
from jianguan.projects.models import KeyNode, ProjectLead
from jianguan.rules.lookup import rule_value

CHAIN = workflow.CHAIN
# contract party field -> review stage
PARTY_STAGE = {party: stage for stage, party in workflow.STAGE_ORGANISATION.items()}
DONE = (workflow.C_APPROVED, workflow.C_PAID)


# --- quantities ------------------------------------------------------------------------------


def approved_quantities(contract: Contract, before_sequence: int | None = None) -> dict:
    """{boq_item_id: approved cumulative quantity} from the latest approved or paid claim
    that carried each line (lines never claimed are absent: 0)."""
    qs = ClaimLine.objects.filter(
        claim__contract=contract,
        claim__status__in=DONE,
        approved_cumulative_quantity__isnull=False,
    )
    if before_sequence is not None:
        qs = qs.filter(claim__sequence__lt=before_sequence)
    out: dict[int, Decimal] = {}
    for item_id, quantity in qs.order_by("claim__sequence").values_list(
        "boq_item_id", "approved_cumulative_quantity"
    ):
        out[item_id] = quantity
    return out


def chief_supervisor_name(contract: Contract) -> str:
    """The active supervisor lead (总监理工程师) of the contract's project, or ""."""
    lead = (
        ProjectLead.objects.filter(
            project_id=contract.project_id, party="supervisor", ended_on__isnull=True
        )
        .select_related("person")
        .order_by("-started_on", "-pk")
        .first()
    )
    return lead.person.name if lead else ""


def stage_quantities(
    claim: PaymentClaim, round_: int | None = None, line_id: int | None = None
) -> dict:
    """{line_id: {"claimed": q, stage: accepted at that stage}} for a round: each stage starts
    from the previous stage's figure (the audit from the owner's, not the finance figure)."""
    round_ = round_ or claim.round
    cuts: dict[tuple[str, int], Decimal] = {}
    cut_qs = ReviewCut.objects.filter(review__claim=claim, review__round=round_)
    line_qs = ClaimLine.objects.filter(claim=claim)
    if line_id is not None:
        cut_qs, line_qs = cut_qs.filter(line_id=line_id), line_qs.filter(pk=line_id)
    for stage, lid, qty in cut_qs.values_list("review__stage", "line_id", "accepted_quantity"):
        cuts[(stage, lid)] = qty
    out = {}
    for line_id, claimed in line_qs.values_list("pk", "cumulative_quantity"):
        row = {"claimed": claimed}
        row[workflow.C_SUPERVISOR] = cuts.get((workflow.C_SUPERVISOR, line_id), claimed)
        row[workflow.C_OWNER] = cuts.get((workflow.C_OWNER, line_id), row[workflow.C_SUPERVISOR])
        row[workflow.C_FINANCE] = cuts.get((workflow.C_FINANCE, line_id), row[workflow.C_OWNER])
        row[workflow.C_AUDIT] = cuts.get((workflow.C_AUDIT, line_id), row[workflow.C_OWNER])
        out[line_id] = row
    return out


def starting_stage(stage: str) -> str:
    """The stage whose figure a stage starts from ("claimed" for the supervisor)."""
    return {
        workflow.C_SUPERVISOR: "claimed",
        workflow.C_OWNER: workflow.C_SUPERVISOR,
        workflow.C_FINANCE: workflow.C_OWNER,
        workflow.C_AUDIT: workflow.C_OWNER,
    }[stage]


# --- the automatic checks ----------------------------------------------------------------------


def claim_checks(claim: PaymentClaim) -> list[payments.Check]:
    contract = claim.contract
    others = [
        (c.number, c.period_start, c.period_end)
        for c in PaymentClaim.objects.filter(contract=contract)
        .exclude(pk=claim.pk)
        .exclude(status=workflow.C_DRAFT)
    ]
    sent = []
    for line in ClaimLine.objects.filter(claim=claim).select_related("boq_item"):
        item = line.boq_item
        sent.append(
            payments.LineClaim(
                code=item.code,
                name=item.name,
                unit=item.unit,
                unit_rate=line.unit_rate,
                current_quantity=item.current_quantity,
                previous_quantity=line.previous_quantity,
                cumulative_quantity=line.cumulative_quantity,
            )
        )
    on = today_local()
    tolerance = Decimal(str(rule_value("payment_claim.quantity_tolerance", on=on)))
    gating = list(
        KeyNode.objects.filter(
            project_id=contract.project_id,
            gates_payment=True,
            planned_date__isnull=False,
            planned_date__lte=claim.period_end,
        )
        .order_by("sequence")
        .values_list("name", "status")
    )
    checks = [
        payments.check_period(claim.period_start, claim.period_end, others),
        payments.check_quantities(sent, tolerance),
        payments.check_not_below_previous(sent),
        payments.check_value(claim.claimed_cumulative_value, contract.current_value),
        payments.check_key_nodes(gating),
    ]
    if rule_value("payment.chief_supervisor_signature_required", on=on):
        checks.append(payments.check_chief_supervisor(chief_supervisor_name(contract)))
    checks.extend(extra_checks.run(claim))  # contributed by other apps (no import of them here)
    return checks


def claim_checks_preview(claim: PaymentClaim) -> list[dict]:
    """The automatic checks as they would run now, without writing (for drafts)."""
    return [c.as_dict() for c in claim_checks(claim)]


# --- visibility ------------------------------------------------------------------------------


def _claims_visible_to(actor: Actor) -> QuerySet[PaymentClaim]:
    return PaymentClaim.objects.select_related("contract", "contract__project").filter(
        contract__in=contract_list_visible_to(actor=actor)
    )


def claim_get_visible(*, actor: Actor, pk: int) -> PaymentClaim:
    claim = _claims_visible_to(actor).filter(pk=pk).first()
    if claim is None:
        raise NotFound("进度款申请不存在或无权查看", code="claim_not_found")
    return claim


def claim_list(*, actor: Actor, contract: Contract) -> QuerySet[PaymentClaim]:
    return _claims_visible_to(actor).filter(contract=contract).order_by("sequence")


def worklist(*, actor: Actor) -> list[PaymentClaim]:
    """Claims waiting at a stage the actor's organisation reviews, and claims where it has
    a review open; the contractor's returned claims."""
    org = actor.organisation_id
    if org is None:
        return []
    waiting = Q()
    for stage, party in workflow.STAGE_ORGANISATION.items():
        waiting |= Q(status=stage, **{f"contract__{party}_id": org})
    waiting |= Q(status=workflow.C_RETURNED, contract__contractor_id=org)
    waiting |= Q(status=workflow.C_APPROVED, contract__employer_id=org)
    waiting |= Q(status=workflow.C_APPROVED, contract__finance_bureau_id=org)
    open_reviews = Review.objects.filter(organisation_id=org, submitted_at__isnull=True)
    # A subquery, not a join on the reviews: a join repeats a claim per review and needs
    # DISTINCT over every selected column, which PostgreSQL took ~10 ms to plan on every
    # dashboard (bench/workbench.py).
    qs = (
        _claims_visible_to(actor)
        .select_related("contract__contractor")  # the worklist shows the contractor
        .filter(waiting | Q(pk__in=open_reviews.values("claim_id")))
    )
    return list(qs.order_by("contract__number", "sequence")[:500])


def audit_submitted(claim: PaymentClaim, round_: int) -> bool:
    return Review.objects.filter(
        claim=claim, round=round_, stage=workflow.C_AUDIT, submitted_at__isnull=False
    ).exists()


def review_visible(actor: Actor, review: Review, roles: set[str] | None = None) -> bool:
    """May the actor see this review's cuts, figures and opinion?"""
    if actor.is_system:
        return True
    if review.organisation_id == actor.organisation_id:
        return True
    if review.submitted_at is None:
        return False
    if sees_all(actor):
        return True
    contract = review.claim.contract
    roles = party_roles(actor=actor, contract=contract) if roles is None else roles
    if not roles:
        return False
    if review.stage == workflow.C_FINANCE and roles == {"auditor"}:
        return audit_submitted(review.claim, review.round)
    return True


def _may(actor: Actor, claim: PaymentClaim, roles: set[str], own: Review | None) -> dict:
    contractor = "contractor" in roles or actor.is_system
    editable = claim.status in (workflow.C_DRAFT, workflow.C_RETURNED)
    stage_party = workflow.STAGE_ORGANISATION.get(claim.status)
    at_stage = stage_party is not None and stage_party in roles and actor.can("contracts.review")
    reviewing = own is not None and own.submitted_at is None and own.stage == claim.status
    payer = bool(roles & {"employer", "finance_bureau"}) and actor.can("contracts.pay")
    return {
        "edit": contractor and editable and actor.can("contracts.claim"),
        "submit": contractor and editable and actor.can("contracts.claim"),
        "start_review": at_stage and own is None,
        "cut": at_stage and reviewing,
        "submit_review": at_stage and reviewing,
        "pay": payer and claim.status == workflow.C_APPROVED,
    }


def claim_view(*, actor: Actor, claim: PaymentClaim) -> dict[str, Any]:
    """Everything the actor may see of the claim, line by line and review by review."""
    contract = claim.contract
    roles = party_roles(actor=actor, contract=contract)
    auditor_only = roles == {"auditor"} and not sees_all(actor)
    reviews = list(Review.objects.filter(claim=claim).order_by("round", "started_at", "pk"))
    for review in reviews:
        review.claim = claim
    visible = [r for r in reviews if review_visible(actor, r, roles)]
    own = next(
        (
            r
            for r in reviews
            if r.round == claim.round
            and actor.organisation_id is not None
            and r.organisation_id == actor.organisation_id
        ),
        None,
    )
    visible_ids = {r.pk for r in visible}
    current = {r.stage: r for r in reviews if r.round == claim.round and r.pk in visible_ids}
    cuts_by_review: dict[int, list] = {r.pk: [] for r in visible}
    for cut in (
        ReviewCut.objects.filter(review_id__in=visible_ids)
        .select_related("line__boq_item")
        .order_by("line__boq_item__sequence")
    ):
        cuts_by_review[cut.review_id].append(cut)
    quantities = stage_quantities(claim) if claim.round else {}
    hidden_stages = {s for s in CHAIN if s not in current}
    lines = []
    for line in ClaimLine.objects.filter(claim=claim).select_related("boq_item"):
        row = quantities.get(line.pk, {})
        stages = {}
        for stage in CHAIN:
            review = current.get(stage)
            stages[stage] = row.get(stage) if review is not None else None
        lines.append(
            {
                "line": line,
                "boq_item": line.boq_item,
                "claimed": line.cumulative_quantity,
                "stages": stages,
                "final": line.approved_cumulative_quantity,
            }
        )
    hide_approved = auditor_only and not audit_submitted(claim, claim.round)
    notes = []
    if (
        hidden_stages & {workflow.C_FINANCE}
        and auditor_only
        and any(r.stage == workflow.C_FINANCE and r.round == claim.round for r in reviews)
    ):
        notes.append("财政评审结果在审计复审提交前对审计单位不可见（双审双控，独立复审）。")
    if "contractor" in roles and any(r.submitted_at is None for r in reviews):
        notes.append("审核单位提交审核意见前，其审减草稿对施工单位不可见。")
    if any(r.submitted_at is None and r.pk not in visible_ids for r in reviews):
        notes.append("其他单位尚未提交的审核草稿不可见。")
    return {
        "claim": claim,
        "contract": contract,
        "lines": lines,
        "reviews": [{"review": r, "cuts": cuts_by_review.get(r.pk, [])} for r in visible],
        "own_review": own,
        "may": _may(actor, claim, roles, own),
        "hide_approved": hide_approved,
        "hidden_note": "".join(notes),
        "payments": list(claim.payments.all()) if not hide_approved else [],
        "checks": claim.checks,
    }


def boq_total_lines(contract: Contract) -> int:
    return BoqItem.objects.filter(contract=contract).count()


def previous_payable(contract: Contract, before_sequence: int) -> tuple[Decimal, Decimal]:
    """(approved cumulative value, cumulative payable) of the claims before this one."""
    done = PaymentClaim.objects.filter(
        contract=contract, status__in=DONE, sequence__lt=before_sequence
    ).order_by("sequence")
    last = done.last()
    payable = sum((c.payable_amount or Decimal(0) for c in done), Decimal(0))
    return (
        (last.approved_cumulative_value or Decimal(0)) if last else Decimal(0),
        payable,
    )
