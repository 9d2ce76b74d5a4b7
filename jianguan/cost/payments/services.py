"""The only writes of the advance payment (预付款): the owner's recovery terms, the
contractor's request against its guarantee, the owner's decision, finance's payment, and the
recovery taken at each claim's approval. Keyword-only, permission first, one ledger entry per
regulated step in the same transaction. Retention: services_retention.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.contracts import payments
from jianguan.contracts.models import Contract, PaymentClaim
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.payments import common as c
from jianguan.cost.payments import workflow as wf
from jianguan.cost.payments.common import parse_amount, parse_ratio
from jianguan.cost.payments.models import AdvancePayment, AdvanceRecovery, AdvanceTerms
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end, rule_value

# --- contract terms -----------------------------------------------------------------------------


@transaction.atomic
def advance_terms_set(
    *, actor: Actor, contract: Contract, start_ratio: Any, rate: Any, defects_period_months: Any
) -> AdvanceTerms:
    """The owner records the contract's recovery schedule and defects liability period."""
    c.party(actor, contract, "cost_payments.decide", "employer", message="只有发包人可以约定")
    start = parse_ratio(start_ratio, "起扣点")
    rate_ = parse_ratio(rate, "扣回比例")
    if rate_ == 0:
        raise ValidationFailed("扣回比例须大于零", code="bad_ratio")
    try:
        months = int(str(defects_period_months).strip())
    except (TypeError, ValueError):
        months = 0
    most = int(rule_value("retention.defects_period_max", on=today_local()))
    if not 1 <= months <= most:
        raise ValidationFailed(
            f"缺陷责任期须为 1 至 {most} 个月（建质〔2017〕138号第二条）",
            code="defects_period_range",
        )
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if AdvanceRecovery.objects.filter(claim__contract=contract).exists():
        raise Conflict("已开始扣回预付款，扣回方式不能再修改", code="terms_locked")
    terms, _ = AdvanceTerms.objects.update_or_create(
        contract=contract,
        defaults={
            "start_ratio": start,
            "rate": rate_,
            "defects_period_months": months,
            "set_by": actor.username,
        },
    )
    record(
        actor=actor,
        type="cost_payments.terms_set",
        obj=terms,
        payload={
            "contract": contract.number,
            "start_ratio": start,
            "rate": rate_,
            "defects_period_months": months,
        },
    )
    return terms


# --- the advance --------------------------------------------------------------------------------


@transaction.atomic
def advance_request(
    *,
    actor: Actor,
    contract: Contract,
    amount: Any,
    guarantee_number: Any,
    guarantee_issuer: Any,
    guarantee_amount: Any,
    guarantee_expires_on: Any,
) -> AdvancePayment:
    c.party(
        actor, contract, "cost_payments.request", "contractor", message="只有本合同的承包人可以申请"
    )
    value = parse_amount(amount, "预付款金额")
    g_amount = parse_amount(guarantee_amount, "保函金额")
    number = c.text(guarantee_number, "保函编号", 60)
    issuer = c.text(guarantee_issuer, "开立银行", 100)
    expires = c.date(guarantee_expires_on, "保函有效期")
    today = today_local()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    c.in_force(contract)
    if not AdvanceTerms.objects.filter(contract=contract).exists():
        raise Conflict("建设单位尚未约定预付款扣回方式，不能申请", code="terms_missing")
    try:
        ratio_max = Decimal(str(rule_value("advance.ratio_max", on=contract.signed_on or today)))
        wf.check_advance_amount(value, contract.price, contract.advance_ratio, ratio_max)
        wf.check_guarantee(value, g_amount, expires, today)
    except wf.TransitionError as exc:
        raise c.bad(exc) from None
    existing = AdvancePayment.objects.filter(contract=contract).first()
    if existing and existing.status != wf.A_REJECTED:
        raise Conflict("本合同已申请预付款", code="advance_exists")
    fields = {
        "amount": value,
        "status": wf.A_REQUESTED,
        "guarantee_number": number,
        "guarantee_issuer": issuer,
        "guarantee_amount": g_amount,
        "guarantee_outstanding": g_amount,
        "guarantee_expires_on": expires,
        "requested_by": actor.username,
        "requested_at": now(),
        "due_on": period_end("advance.pay_within", start=today),
        "decided_by": "",
        "decided_at": None,
        "opinion": "",
    }
    if existing:
        for k, v in fields.items():
            setattr(existing, k, v)
        existing.save()
        advance = existing
    else:
        advance = AdvancePayment.objects.create(contract=contract, **fields)
    record(
        actor=actor,
        type="cost_payments.advance_requested",
        obj=advance,
        payload={
            "contract": contract.number,
            "amount": value,
            "advance_ratio": contract.advance_ratio,
            "guarantee_number": number,
            "guarantee_issuer": issuer,
            "guarantee_amount": g_amount,
            "guarantee_expires_on": expires,
        },
    )
    c.tell(contract.employer_id, contract, "cost_payments.advance", "预付款申请待审批")
    return advance


@transaction.atomic
def advance_decide(
    *, actor: Actor, advance: AdvancePayment, approve: bool, opinion: Any = ""
) -> AdvancePayment:
    c.party(
        actor, advance.contract, "cost_payments.decide", "employer", message="只有发包人可以审批"
    )
    text = c.text(opinion, "审批意见", 500, required=not approve)
    advance = c.lock(AdvancePayment, advance)
    target = wf.A_APPROVED if approve else wf.A_REJECTED
    try:
        wf.check_advance_transition(advance.status, target)
    except wf.TransitionError as exc:
        raise c.fail(exc) from None
    advance.status = target
    advance.decided_by = actor.username
    advance.decided_at = now()
    advance.opinion = text
    advance.save()
    record(
        actor=actor,
        type="cost_payments.advance_approved" if approve else "cost_payments.advance_rejected",
        obj=advance,
        payload={"contract": advance.contract.number, "amount": advance.amount, "opinion": text},
    )
    if approve:
        c.tell(
            c.payer_org(advance.contract), advance.contract, "cost_payments.advance", "预付款待支付"
        )
    else:
        c.tell(
            advance.contract.contractor_id,
            advance.contract,
            "cost_payments.advance",
            "预付款申请未获批准",
        )
    return advance


@transaction.atomic
def advance_pay(
    *, actor: Actor, advance: AdvancePayment, paid_on: Any, reference: Any
) -> AdvancePayment:
    advance = c.mark_paid(
        actor=actor,
        model=AdvancePayment,
        obj=advance,
        check=wf.check_advance_transition,
        status=wf.A_PAID,
        paid_on=paid_on,
        reference=reference,
        after="批准",
    )
    record(
        actor=actor,
        type="cost_payments.advance_paid",
        obj=advance,
        payload={
            "contract": advance.contract.number,
            "amount": advance.amount,
            "paid_on": advance.paid_on,
            "reference": advance.paid_reference,
        },
    )
    return advance


def recover_on_approval(actor: Actor, claim: PaymentClaim) -> AdvanceRecovery | None:
    """Called inside the claim approval's transaction (contracts/claims/deductions.py): the
    period's 扣回预付款 on the contract's schedule, stored and ledgered; the guarantee's
    outstanding amount falls with it."""
    advance = (
        AdvancePayment.objects.select_for_update()
        .filter(contract_id=claim.contract_id, status=wf.A_PAID)
        .first()
    )
    terms = AdvanceTerms.objects.filter(contract_id=claim.contract_id).first()
    if advance is None or terms is None or AdvanceRecovery.objects.filter(claim=claim).exists():
        return None
    outstanding = advance.amount - advance.recovered
    amount = payments.advance_recovery(
        outstanding=outstanding,
        price=claim.contract.price,
        start_ratio=terms.start_ratio,
        rate=terms.rate,
        previous_cumulative_value=(claim.approved_cumulative_value or 0)
        - (claim.approved_value or 0),
        cumulative_value=claim.approved_cumulative_value or Decimal(0),
        payable=claim.payable_amount or Decimal(0),
    )
    if amount <= 0:
        return None
    if amount > outstanding:  # the pure function caps it; a second guard on the money
        raise Conflict("扣回金额超过未扣回的预付款", code="recovery_above_outstanding")
    advance.recovered += amount
    advance.guarantee_outstanding = max(
        Decimal("0.00"), min(advance.guarantee_outstanding, advance.amount - advance.recovered)
    )
    advance.save(update_fields=["recovered", "guarantee_outstanding", "updated_at"])
    recovery = AdvanceRecovery.objects.create(
        claim=claim, advance=advance, amount=amount, cumulative=advance.recovered
    )
    record(
        actor=actor,
        type="cost_payments.advance_recovered",
        obj=recovery,
        payload={
            "contract": claim.contract.number,
            "claim": claim.number,
            "approved_value": claim.approved_value,
            "approved_cumulative_value": claim.approved_cumulative_value,
            "start_ratio": terms.start_ratio,
            "rate": terms.rate,
            "amount": amount,
            "recovered": advance.recovered,
            "outstanding": advance.amount - advance.recovered,
            "guarantee_outstanding": advance.guarantee_outstanding,
            "net_payable": (claim.payable_amount or Decimal(0)) - amount,
        },
    )
    return recovery


def recovery_amount(claim: PaymentClaim) -> Decimal:
    row = AdvanceRecovery.objects.filter(claim_id=claim.pk).values_list("amount", flat=True)
    return row.first() or Decimal("0.00")


# the retention services, re-exported for the views and the API
from jianguan.cost.payments.services_retention import (  # noqa: E402
    retention_hold_add,
    retention_hold_lift,
    retention_release_decide,
    retention_release_pay,
    retention_release_request,
)

__all__ = [
    "advance_decide",
    "advance_pay",
    "advance_request",
    "advance_terms_set",
    "parse_amount",
    "parse_ratio",
    "recover_on_approval",
    "recovery_amount",
    "retention_hold_add",
    "retention_hold_lift",
    "retention_release_decide",
    "retention_release_pay",
    "retention_release_request",
]
