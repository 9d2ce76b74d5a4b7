"""The only writes of advance payments and retention. Keyword-only, permission first, one
ledger entry per regulated step in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from jianguan.contracts import payments
from jianguan.contracts.models import Contract, PaymentClaim
from jianguan.contracts.selectors import party_roles
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, to_local, today_local
from jianguan.cost.payments import workflow as wf
from jianguan.cost.payments.models import (
    AdvancePayment,
    AdvanceRecovery,
    AdvanceTerms,
    RetentionHold,
    RetentionRelease,
)
from jianguan.cost.payments.selectors import open_findings, period_end_of, retention_figures
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end, rule_value

IN_FORCE = ("signed", "approved", "in_force", "completed")
MAX_MONEY = Decimal("99999999999999.99")


# --- parsing ---------------------------------------------------------------------------------


def parse_amount(raw: Any, what: str, *, allow_zero: bool = False) -> Decimal:
    """Decimal yuan with at most two places; NaN, Infinity, negatives (and zero) refused."""
    try:
        value = strict_decimal(
            str(raw).strip()[:40] if not isinstance(raw, Decimal) else raw,
            places=2,
            maximum=MAX_MONEY,
            minimum=Decimal(0),
        )
    except DecimalProblem as exc:
        msg = {
            "not_finite": f"{what}须为有限数字",
            "below_minimum": f"{what}不能为负数",
            "too_many_places": f"{what}最多两位小数",
            "too_large": f"{what}过大",
        }.get(exc.kind, f"{what}须为数字")
        raise ValidationFailed(msg, code="bad_amount", details={"field": what}) from None
    if value == 0 and not allow_zero:
        raise ValidationFailed(f"{what}须大于零", code="bad_amount", details={"field": what})
    return value.quantize(Decimal("0.01"))


def parse_ratio(raw: Any, what: str) -> Decimal:
    try:
        value = strict_decimal(
            str(raw).strip()[:20], places=4, minimum=Decimal(0), maximum=Decimal(1)
        )
    except DecimalProblem:
        raise ValidationFailed(
            f"{what}须为 0 至 1 之间的小数（如 0.2 表示 20%），最多四位小数",
            code="bad_ratio",
            details={"field": what},
        ) from None
    return value


def _text(raw: Any, what: str, limit: int, *, required: bool = True) -> str:
    value = raw.strip() if isinstance(raw, str) else ""
    if (required and not value) or len(value) > limit:
        raise ValidationFailed(f"请填写{what}（不超过{limit}字）", code="bad_text")
    return value


def _date(raw: Any, what: str) -> dt.date:
    if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date):
        raise ValidationFailed(f"请填写{what}", code="bad_date")
    return raw


# --- who ---------------------------------------------------------------------------------------


def _party(actor: Actor, contract: Contract, permission: str, *fields: str, message: str):
    require(actor, permission)
    if not party_roles(actor=actor, contract=contract).intersection(fields):
        raise PermissionDenied(message, code="not_contract_party")


def _payer(actor: Actor, contract: Contract) -> None:
    """Finance pays; the owner only where the contract names no finance bureau."""
    fields = ("finance_bureau",) if contract.finance_bureau_id else ("employer",)
    _party(actor, contract, "cost_payments.pay", *fields, message="只有本合同的财政部门可以支付")


def _in_force(contract: Contract) -> None:
    if contract.status not in IN_FORCE:
        raise Conflict("合同尚未签订生效", code="contract_not_in_force")


def _fail(exc: wf.TransitionError):
    return Conflict(exc.message, code=exc.code)


def _bad(exc: wf.TransitionError):
    return ValidationFailed(exc.message, code=exc.code)


# --- contract terms -----------------------------------------------------------------------------


@transaction.atomic
def advance_terms_set(
    *, actor: Actor, contract: Contract, start_ratio: Any, rate: Any, defects_period_months: Any
) -> AdvanceTerms:
    """The owner records the contract's recovery schedule and defects liability period."""
    _party(actor, contract, "cost_payments.decide", "employer", message="只有发包人可以约定")
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
    _party(
        actor, contract, "cost_payments.request", "contractor", message="只有本合同的承包人可以申请"
    )
    value = parse_amount(amount, "预付款金额")
    g_amount = parse_amount(guarantee_amount, "保函金额")
    number = _text(guarantee_number, "保函编号", 60)
    issuer = _text(guarantee_issuer, "开立银行", 100)
    expires = _date(guarantee_expires_on, "保函有效期")
    today = today_local()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _in_force(contract)
    if not AdvanceTerms.objects.filter(contract=contract).exists():
        raise Conflict("建设单位尚未约定预付款扣回方式，不能申请", code="terms_missing")
    try:
        ratio_max = Decimal(str(rule_value("advance.ratio_max", on=contract.signed_on or today)))
        wf.check_advance_amount(value, contract.price, contract.advance_ratio, ratio_max)
        wf.check_guarantee(value, g_amount, expires, today)
    except wf.TransitionError as exc:
        raise _bad(exc) from None
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
    return advance


def _lock(model, obj):
    return model.objects.select_for_update().select_related("contract").get(pk=obj.pk)


@transaction.atomic
def advance_decide(
    *, actor: Actor, advance: AdvancePayment, approve: bool, opinion: Any = ""
) -> AdvancePayment:
    _party(
        actor, advance.contract, "cost_payments.decide", "employer", message="只有发包人可以审批"
    )
    text = _text(opinion, "审批意见", 500, required=not approve)
    advance = _lock(AdvancePayment, advance)
    target = wf.A_APPROVED if approve else wf.A_REJECTED
    try:
        wf.check_advance_transition(advance.status, target)
    except wf.TransitionError as exc:
        raise _fail(exc) from None
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
    return advance


@transaction.atomic
def advance_pay(
    *, actor: Actor, advance: AdvancePayment, paid_on: Any, reference: Any
) -> AdvancePayment:
    _payer(actor, advance.contract)
    day = _date(paid_on, "支付日期")
    ref = _text(reference, "支付凭证号", 100)
    advance = _lock(AdvancePayment, advance)
    try:
        wf.check_advance_transition(advance.status, wf.A_PAID)
    except wf.TransitionError as exc:
        raise _fail(exc) from None
    if day > today_local() or (advance.decided_at and day < to_local(advance.decided_at).date()):
        raise ValidationFailed("支付日期须在批准之后、今天之前", code="bad_date")
    advance.status = wf.A_PAID
    advance.paid_on = day
    advance.paid_reference = ref
    advance.paid_by = actor.username
    advance.save()
    record(
        actor=actor,
        type="cost_payments.advance_paid",
        obj=advance,
        payload={
            "contract": advance.contract.number,
            "amount": advance.amount,
            "paid_on": day,
            "reference": ref,
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


# --- retention ------------------------------------------------------------------------------------


@transaction.atomic
def retention_hold_add(*, actor: Actor, contract: Contract, amount: Any, reason: Any):
    """The owner keeps part of the retention back for an open defect or claim."""
    _party(actor, contract, "cost_payments.decide", "employer", message="只有发包人可以暂扣")
    value = parse_amount(amount, "暂扣金额")
    text = _text(reason, "暂扣原因（缺陷或索赔事项）", 300)
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
    _party(actor, hold.contract, "cost_payments.decide", "employer", message="只有发包人可以解除")
    hold = _lock(RetentionHold, hold)
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
    _party(
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
        raise (_fail(exc) if exc.code not in ("above_held",) else _bad(exc)) from None
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
    return release


@transaction.atomic
def retention_release_decide(
    *, actor: Actor, release: RetentionRelease, approve: bool, opinion: Any = ""
) -> RetentionRelease:
    _party(
        actor, release.contract, "cost_payments.decide", "employer", message="只有发包人可以确认"
    )
    text = _text(opinion, "核实意见", 500, required=not approve)
    release = _lock(RetentionRelease, release)
    target = wf.R_CONFIRMED if approve else wf.R_REJECTED
    try:
        wf.check_release_transition(release.status, target)
    except wf.TransitionError as exc:
        raise _fail(exc) from None
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
    return release


@transaction.atomic
def retention_release_pay(
    *, actor: Actor, release: RetentionRelease, paid_on: Any, reference: Any
) -> RetentionRelease:
    _payer(actor, release.contract)
    day = _date(paid_on, "支付日期")
    ref = _text(reference, "支付凭证号", 100)
    release = _lock(RetentionRelease, release)
    try:
        wf.check_release_transition(release.status, wf.R_PAID)
    except wf.TransitionError as exc:
        raise _fail(exc) from None
    if day > today_local() or (release.decided_at and day < to_local(release.decided_at).date()):
        raise ValidationFailed("支付日期须在确认之后、今天之前", code="bad_date")
    release.status = wf.R_PAID
    release.paid_on = day
    release.paid_reference = ref
    release.paid_by = actor.username
    release.save()
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
            "paid_on": day,
            "reference": ref,
            "released_total": Decimal(released or 0).quantize(Decimal("0.01")),
        },
    )
    return release
