"""The only writes of the retention (质量保证金): the owner's holds for open defects or claims,
the contractor's release request after the defects liability period, the owner's
confirmation (建质〔2017〕138号 第十条: 14 days), finance's payment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from jianguan.contracts.models import Contract
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.payments import common as c
from jianguan.cost.payments import workflow as wf
from jianguan.cost.payments.common import parse_amount
from jianguan.cost.payments.models import RetentionHold, RetentionRelease
from jianguan.cost.payments.selectors import open_findings, period_end_of, retention_figures
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end

# --- retention ------------------------------------------------------------------------------------


@transaction.atomic
def retention_hold_add(*, actor: Actor, contract: Contract, amount: Any, reason: Any):
    """The owner keeps part of the retention back for an open defect or claim."""
    c.party(actor, contract, "cost_payments.decide", "employer", message="只有发包人可以暂扣")
    value = parse_amount(amount, "暂扣金额")
    text = c.text(reason, "暂扣原因（缺陷或索赔事项）", 300)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    figures = retention_figures(contract)
    if value > figures["unreleased"] - figures["holds"]:
        raise ValidationFailed(
            f"暂扣金额超过可暂扣的质量保证金 {figures['unreleased'] - figures['holds']:,.2f} 元",
            code="above_held",
        )
    hold = RetentionHold.objects.create(
        contract=contract, amount=value, reason=text, created_by=actor.username
    )
    record(
        actor=actor,
        type="cost_payments.retention_held",
        obj=hold,
        payload={"contract": contract.number, "amount": value, "reason": text},
    )
    return hold


@transaction.atomic
def retention_hold_lift(*, actor: Actor, hold: RetentionHold) -> RetentionHold:
    c.party(actor, hold.contract, "cost_payments.decide", "employer", message="只有发包人可以解除")
    hold = c.lock(RetentionHold, hold)
    if hold.status != wf.H_OPEN:
        raise Conflict("该暂扣已解除", code="wrong_state")
    hold.status = wf.H_LIFTED
    hold.lifted_by = actor.username
    hold.lifted_at = now()
    hold.save()
    record(
        actor=actor,
        type="cost_payments.retention_hold_lifted",
        obj=hold,
        payload={"contract": hold.contract.number, "amount": hold.amount},
    )
    return hold


@transaction.atomic
def retention_release_request(*, actor: Actor, contract: Contract, amount: Any):
    c.party(
        actor, contract, "cost_payments.request", "contractor", message="只有本合同的承包人可以申请"
    )
    value = parse_amount(amount, "返还金额")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if RetentionRelease.objects.filter(
        contract=contract, status__in=(wf.R_REQUESTED, wf.R_CONFIRMED)
    ).exists():
        raise Conflict("已有未办结的返还申请", code="release_pending")
    figures = retention_figures(contract)
    today = today_local()
    try:
        wf.check_release(
            amount=value,
            held=figures["held"],
            released=figures["released"],
            holds=figures["holds"],
            open_findings=open_findings(contract),
            period_end=period_end_of(contract),
            today=today,
        )
    except wf.TransitionError as exc:
        raise (c.fail(exc) if exc.code not in ("above_held",) else c.bad(exc)) from None
    release = RetentionRelease.objects.create(
        contract=contract,
        amount=value,
        status=wf.R_REQUESTED,
        requested_by=actor.username,
        requested_at=now(),
        confirm_due_on=period_end("retention.release_confirm_within", start=today),
    )
    record(
        actor=actor,
        type="cost_payments.release_requested",
        obj=release,
        payload={
            "contract": contract.number,
            "amount": value,
            "held": figures["held"],
            "released": figures["released"],
            "holds": figures["holds"],
            "confirm_due_on": release.confirm_due_on,
        },
    )
    c.tell(contract.employer_id, contract, "cost_payments.retention", "质量保证金返还申请待核实")
    return release


@transaction.atomic
def retention_release_decide(
    *, actor: Actor, release: RetentionRelease, approve: bool, opinion: Any = ""
) -> RetentionRelease:
    c.party(
        actor, release.contract, "cost_payments.decide", "employer", message="只有发包人可以确认"
    )
    text = c.text(opinion, "核实意见", 500, required=not approve)
    release = c.lock(RetentionRelease, release)
    target = wf.R_CONFIRMED if approve else wf.R_REJECTED
    try:
        wf.check_release_transition(release.status, target)
    except wf.TransitionError as exc:
        raise c.fail(exc) from None
    if approve:  # a hold entered after the request still binds
        figures = retention_figures(release.contract)
        if release.amount > wf.releasable(figures["held"], figures["released"], figures["holds"]):
            raise Conflict(
                "暂扣后可返还金额不足，请不予确认并由承包人重新申请", code="held_for_defect"
            )
        release.pay_due_on = period_end("retention.release_pay_within", start=today_local())
    release.status = target
    release.decided_by = actor.username
    release.decided_at = now()
    release.opinion = text
    release.save()
    record(
        actor=actor,
        type="cost_payments.release_confirmed" if approve else "cost_payments.release_rejected",
        obj=release,
        payload={
            "contract": release.contract.number,
            "amount": release.amount,
            "opinion": text,
            "pay_due_on": release.pay_due_on,
        },
    )
    k = release.contract
    if approve:
        c.tell(c.payer_org(k), k, "cost_payments.retention", "质量保证金返还待支付")
    else:
        c.tell(k.contractor_id, k, "cost_payments.retention", "质量保证金返还申请未获确认")
    return release


@transaction.atomic
def retention_release_pay(
    *, actor: Actor, release: RetentionRelease, paid_on: Any, reference: Any
) -> RetentionRelease:
    release = c.mark_paid(
        actor=actor,
        model=RetentionRelease,
        obj=release,
        check=wf.check_release_transition,
        status=wf.R_PAID,
        paid_on=paid_on,
        reference=reference,
        after="确认",
    )
    released = RetentionRelease.objects.filter(
        contract=release.contract, status=wf.R_PAID
    ).aggregate(s=Sum("amount"))["s"]
    record(
        actor=actor,
        type="cost_payments.release_paid",
        obj=release,
        payload={
            "contract": release.contract.number,
            "amount": release.amount,
            "paid_on": release.paid_on,
            "reference": release.paid_reference,
            "released_total": Decimal(released or 0).quantize(Decimal("0.01")),
        },
    )
    return release
