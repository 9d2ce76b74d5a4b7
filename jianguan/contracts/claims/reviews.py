"""The review chain of a payment claim (双审双控): supervisor → owner → finance review →
independent audit review. Each reviewer may cut quantities line by line; cuts are a draft
until the review is submitted, and the ledger records them all together then."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.compliance.services.credit import credit_record_make
from jianguan.contracts import payments, workflow
from jianguan.contracts.claims import deductions
from jianguan.contracts.claims.selectors import (
    PARTY_STAGE,
    approved_quantities,
    chief_supervisor_name,
    previous_payable,
    stage_quantities,
    starting_stage,
)
from jianguan.contracts.claims.services import parse_quantity
from jianguan.contracts.models import BoqItem, ClaimLine, PaymentClaim, Review, ReviewCut
from jianguan.contracts.selectors import party_roles
from jianguan.contracts.services.common import evidence_check, evidence_store, rule_decimal, wf
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record

REASON_MAX = 500
OPINION_MAX = 1000


def _lock(claim: PaymentClaim) -> PaymentClaim:
    return PaymentClaim.objects.select_for_update().select_related("contract").get(pk=claim.pk)


def _stage_of(actor: Actor, claim: PaymentClaim) -> str:
    if not actor.can("contracts.review"):
        raise PermissionDenied("无权审核进度款申请", code="not_in_chain")
    stages = [
        PARTY_STAGE[r]
        for r in party_roles(actor=actor, contract=claim.contract)
        if r in PARTY_STAGE
    ]
    if not stages:
        raise PermissionDenied("贵单位不在本合同进度款的审核链中", code="not_in_chain")
    if claim.status in stages:
        return claim.status
    return min(stages, key=workflow.CHAIN.index)


def _own_open_review(actor: Actor, review: Review) -> tuple[Review, PaymentClaim]:
    """The review, locked with its claim, when the actor's organisation may still act on it."""
    if not actor.can("contracts.review") or review.organisation_id != actor.organisation_id:
        raise PermissionDenied("只能由本审核单位操作本环节审核", code="not_your_review")
    claim = _lock(review.claim)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.submitted_at is not None:
        raise Conflict("本环节审核意见已提交，不能再修改", code="review_submitted")
    if claim.status != review.stage or claim.round != review.round:
        raise Conflict("进度款申请已不在本审核环节", code="wrong_stage")
    review.claim = claim
    return review, claim


def review_start(*, actor: Actor, claim: PaymentClaim) -> Review:
    """Open this organisation's review of the claim at its current stage (idempotent)."""
    stage = _stage_of(actor, claim)
    with transaction.atomic():
        claim = _lock(claim)
        wf(workflow.check_review_stage, claim.status, stage)
        existing = Review.objects.filter(claim=claim, round=claim.round, stage=stage).first()
        if existing is not None:
            return existing
        review = Review.objects.create(
            claim=claim,
            stage=stage,
            round=claim.round,
            organisation_id=actor.organisation_id,
            reviewer=actor.username,
            started_at=now(),
        )
        record(
            actor=actor,
            type="contracts.review_started",
            obj=review,
            payload={"claim": claim.number, "stage": stage, "round": claim.round},
        )
    return review


def review_cut(
    *,
    actor: Actor,
    review: Review,
    line: ClaimLine,
    accepted_quantity: Any,
    reason: str,
    files: Any = (),
) -> ReviewCut:
    """A draft cut: the cumulative quantity this reviewer accepts on one line, and why.
    Recorded in the ledger, with all the other cuts, when the review is submitted."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed("请填写审减理由", code="reason_missing")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"审减理由不超过 {REASON_MAX} 字", code="reason_too_long")
    checked = evidence_check(files)
    with transaction.atomic():
        review, claim = _own_open_review(actor, review)
        line = ClaimLine.objects.filter(claim=claim, pk=getattr(line, "pk", line)).first()
        if line is None:
            raise NotFound("本申请中没有该清单行", code="line_not_found")
        code = line.boq_item.code
        accepted = parse_quantity(accepted_quantity, code)
        start = stage_quantities(claim, line_id=line.pk)[line.pk][starting_stage(review.stage)]
        if not line.previous_quantity <= accepted <= start:
            raise ValidationFailed(
                f"清单项 {code} 的审定累计工程量须在上期审定 {line.previous_quantity.normalize():f}"
                f" 与本环节送审 {start.normalize():f} 之间",
                code="cut_out_of_range",
                details={"line": code, "min": str(line.previous_quantity), "max": str(start)},
            )
        cut, _ = ReviewCut.objects.update_or_create(
            review=review, line=line, defaults={"accepted_quantity": accepted, "reason": reason}
        )
        evidence_store(actor=actor, contract=claim.contract, checked=checked, review=review)
    return cut


def _unsent_value(claim: PaymentClaim) -> Decimal:
    """Exact value of the approved quantities of the BoQ lines this claim does not carry."""
    previous = approved_quantities(claim.contract, before_sequence=claim.sequence)
    sent = set(ClaimLine.objects.filter(claim=claim).values_list("boq_item_id", flat=True))
    rates = dict(
        BoqItem.objects.filter(pk__in=[k for k in previous if k not in sent]).values_list(
            "pk", "unit_rate"
        )
    )
    return sum((previous[k] * rate for k, rate in rates.items()), Decimal(0))


def _reviewed_value(quantities: dict, key: str, rates: dict, unsent: Decimal) -> Decimal:
    """Cumulative value with `key`'s quantity on every line, rounded once to the fen."""
    return payments.money(
        unsent + sum((row[key] * rates[line_id] for line_id, row in quantities.items()), Decimal(0))
    )


def review_submit(
    *, actor: Actor, review: Review, decision: str = "approve", opinion: str = ""
) -> Review:
    """Submit the review: approve (the claim moves on; after the audit it is approved) or
    return it to the contractor for correction."""
    opinion = opinion.strip() if isinstance(opinion, str) else ""
    if decision not in ("approve", "return"):
        raise ValidationFailed("审核结论只能是同意或退回", code="bad_decision")
    if decision == "return" and not opinion:
        raise ValidationFailed("退回时请填写审核意见", code="opinion_missing")
    if len(opinion) > OPINION_MAX:
        raise ValidationFailed(f"审核意见不超过 {OPINION_MAX} 字", code="opinion_too_long")
    with transaction.atomic():
        review, claim = _own_open_review(actor, review)
        stage = review.stage
        if stage == workflow.C_SUPERVISOR and decision == "approve":
            chief = chief_supervisor_name(claim.contract)
            if not chief:
                raise ValidationFailed(
                    "本项目尚未备案总监理工程师，监理审核须由总监理工程师签字",
                    code="chief_supervisor_missing",
                )
            claim.chief_supervisor, claim.chief_supervisor_signed_at = chief, now()
        quantities = stage_quantities(claim)
        rates = dict(ClaimLine.objects.filter(claim=claim).values_list("pk", "unit_rate"))
        unsent = _unsent_value(claim)
        start_value = _reviewed_value(quantities, starting_stage(stage), rates, unsent)
        review.reviewed_value = _reviewed_value(quantities, stage, rates, unsent)
        review.reduction = start_value - review.reviewed_value
        review.decision, review.opinion = decision, opinion
        review.submitted_at = now()
        review.reviewer = actor.username
        review.save()
        cuts = [
            {
                "code": c.line.boq_item.code,
                "claimed": c.line.cumulative_quantity,
                "from": quantities[c.line_id][starting_stage(stage)],
                "accepted": c.accepted_quantity,
                "reason": c.reason,
            }
            for c in review.cuts.select_related("line__boq_item").order_by(
                "line__boq_item__sequence"
            )
        ]
        record(
            actor=actor,
            type="contracts.review_submitted",
            obj=review,
            payload={
                "claim": claim.number,
                "round": review.round,
                "stage": stage,
                "decision": decision,
                "opinion": opinion,
                "cuts": cuts,
                "reviewed_value": review.reviewed_value,
                "reduction": review.reduction,
                "chief_supervisor": claim.chief_supervisor if stage == "supervisor" else None,
            },
            files=[{"name": e.name, "sm3": e.sm3} for e in review.evidence.all()],
        )
        if decision == "return":
            claim.status = workflow.C_RETURNED
            claim.save()
        elif stage == workflow.C_AUDIT:
            _approve(actor, claim, quantities, rates, unsent)
        else:
            claim.status = workflow.next_stage(stage)
            claim.save()
    return review


def _approve(
    actor: Actor, claim: PaymentClaim, quantities: dict, rates: dict, unsent: Decimal
) -> None:
    """After the audit review: the lower of the two independent figures stands per line."""
    contract = claim.contract
    lines = list(ClaimLine.objects.filter(claim=claim))
    for line in lines:
        row = quantities[line.pk]
        line.approved_cumulative_quantity = min(row[workflow.C_FINANCE], row[workflow.C_AUDIT])
        row["final"] = line.approved_cumulative_quantity
    ClaimLine.objects.bulk_update(lines, ["approved_cumulative_quantity"], batch_size=1000)
    approved_cumulative = _reviewed_value(quantities, "final", rates, unsent)
    previous_value, previous_payable_sum = previous_payable(contract, claim.sequence)
    on = today_local()
    ratio_min = rule_decimal("payment.progress_ratio_min", on)
    terms = payments.Terms(
        price=contract.price,
        progress_ratio=max(contract.progress_ratio, ratio_min),
        retention_form=contract.retention_form,
        retention_ratio=contract.retention_ratio,
        security_form=contract.security_form,
        security_amount=contract.security_amount,
        labour_payment_cycle_months=contract.labour_payment_cycle_months,
        advance_ratio=contract.advance_ratio,
    )
    due = payments.amount_due(
        approved_cumulative_value=approved_cumulative,
        previous_cumulative_value=previous_value,
        previous_cumulative_payable=previous_payable_sum,
        terms=terms,
        current_value=contract.current_value,
    )
    claim.approved_cumulative_value = approved_cumulative
    claim.approved_value = due.period_value
    claim.payable_amount = due.payable
    claim.retention_amount = due.retention
    claim.status = workflow.C_APPROVED
    claim.approved_at = now()
    claim.save()
    deductions.on_approve(actor, claim)  # e.g. 扣回预付款 (cost payments), stored by its app
    cut_value = claim.claimed_value - due.period_value
    reduction_ratio = (
        (cut_value / claim.claimed_value).quantize(Decimal("0.0001"))
        if claim.claimed_value > 0
        else Decimal(0)
    )
    threshold = rule_decimal("credit.audit_reduction_min_ratio", on)
    credited = claim.claimed_value > 0 and reduction_ratio >= threshold
    record(
        actor=actor,
        type="contracts.claim_approved",
        obj=claim,
        payload={
            "number": claim.number,
            "round": claim.round,
            "claimed_value": claim.claimed_value,
            "approved_value": claim.approved_value,
            "approved_cumulative_value": claim.approved_cumulative_value,
            "payable_amount": claim.payable_amount,
            "retention_amount": claim.retention_amount,
            "progress_ratio": terms.progress_ratio,
            "retention_ratio": terms.retention_ratio if terms.retention_form == "cash" else 0,
            "audit_reduction": cut_value,
            "audit_reduction_ratio": reduction_ratio,
            "audit_reduction_threshold": threshold,
            "credit_recorded": credited,
            "lines": [
                {"code": code, "approved": q}
                for code, q in ClaimLine.objects.filter(claim=claim)
                .order_by("boq_item__sequence")
                .values_list("boq_item__code", "approved_cumulative_quantity")
            ],
        },
    )
    if credited:
        credit_record_make(
            actor=actor,
            kind="audit_reduction",
            organisation=contract.contractor,
            occurred_on=on,
            description=(
                f"{contract.project.name} {claim.number} 进度款审计审减 {cut_value:,.2f} 元，"
                f"审减率 {reduction_ratio:.2%}"
            ),
            project=contract.project,
            source_type="payment_claim",
            source_id=claim.pk,
        )
