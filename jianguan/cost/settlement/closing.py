"""Signing the settlement, the final payment (or the return of an overpayment) and closing.

Final payment = settled amount − paid to date − retention held − advance not recovered
(财建〔2022〕183号; the position comes from cost_payments.position). A negative balance is an
overpayment the contractor returns within the period in rule data; it is tracked until it is
returned. The project may move 结算 → 保修 only once every main contract's settlement is signed
by all parties (the guard registered in setup.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.payments.position import contract_position
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import (
    FinalAccount,
    FinalAccountSignature,
    SettlementPayment,
)
from jianguan.cost.settlement.services import _locked, _text, check, require
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule_value

PARTY_FIELD = {
    "employer": "employer",
    "contractor": "contractor",
    "supervisor": "supervisor",
    "auditor": "auditor",
}


def required_parties(account: FinalAccount) -> list[str]:
    c = account.contract
    return wf.required_parties(bool(c.supervisor_id), bool(c.auditor_id))


def party_of(actor: Actor, account: FinalAccount) -> str | None:
    """Which signing party the actor's organisation is on this contract, if any."""
    c = account.contract
    for party in required_parties(account):
        if getattr(c, f"{PARTY_FIELD[party]}_id") == actor.organisation_id:
            return party
    return None


def balance_of(account: FinalAccount) -> wf.FinalBalance:
    pos = contract_position(account.contract)
    return wf.FinalBalance(
        settled=account.settled_amount or Decimal(0),
        paid_to_date=pos.paid_to_date,
        advance_recovered=pos.advance_recovered,
        retention_held=pos.retention_held,
        advance_outstanding=pos.advance_outstanding,
    )


def remaining(account: FinalAccount) -> Decimal:
    if account.final_balance is None:
        return Decimal("0.00")
    rows = account.payments.values_list("direction", "amount")
    return wf.remaining(account.final_balance, list(rows))


@transaction.atomic
def final_account_sign(*, actor: Actor, account: FinalAccount) -> FinalAccount:
    """One party signs the settlement; the last signature fixes the final balance from the
    contract's money position at that moment."""
    if not actor.can("cost_settlement.sign"):
        raise PermissionDenied("无权签署结算书", code="permission_denied")
    party = party_of(actor, account)
    if party is None:
        raise PermissionDenied("只有本合同的结算签署方可以签署", code="permission_denied")
    account = _locked(account)
    if account.status != wf.CONFIRMED:
        raise Conflict(
            f"竣工结算当前状态为“{wf.STATUSES[account.status]}”，结算金额确认后才能签署",
            code="wrong_status",
        )
    if FinalAccountSignature.objects.filter(account=account, party=party).exists():
        raise Conflict(f"{wf.PARTIES[party]}已签署", code="already_signed")
    FinalAccountSignature.objects.create(
        account=account,
        party=party,
        organisation_id=actor.organisation_id,
        signed_by=actor.username,
        signed_at=now(),
    )
    record(
        actor=actor,
        type="cost_settlement.signed",
        obj=account,
        payload={"party": party, "settled": account.settled_amount},
    )
    signed = set(
        FinalAccountSignature.objects.filter(account=account).values_list("party", flat=True)
    )
    if signed >= set(required_parties(account)):
        _complete(actor, account)
    return account


def _complete(actor: Actor, account: FinalAccount) -> None:
    today = today_local()
    b = balance_of(account)
    account.status = check(wf.transition, account.status, "sign_complete")
    account.signed_at = now()
    account.paid_to_date = b.paid_to_date
    account.advance_recovered = b.advance_recovered
    account.retention_held = b.retention_held
    account.advance_outstanding = b.advance_outstanding
    account.final_balance = b.balance
    if b.balance < 0:
        days = int(rule_value("settlement.overpayment_return_days", on=today))
        account.refund_due_on = wf.due_date(today, days)
    account.save()
    record(
        actor=actor,
        type="cost_settlement.settlement_signed",
        obj=account,
        payload={
            "settled": b.settled,
            "paid_to_date": b.paid_to_date,
            "advance_recovered": b.advance_recovered,
            "retention_held": b.retention_held,
            "advance_outstanding": b.advance_outstanding,
            "final_balance": b.balance,
            "refund_due_on": account.refund_due_on,
        },
    )
    if b.balance == 0:
        _close(actor, account)


def _close(actor: Actor, account: FinalAccount) -> None:
    account.status = check(wf.transition, account.status, "close")
    account.closed_at = now()
    account.save(update_fields=["status", "closed_at", "updated_at"])
    record(
        actor=actor,
        type="cost_settlement.closed",
        obj=account,
        payload={"final_balance": account.final_balance},
    )


@transaction.atomic
def settlement_payment_record(
    *,
    actor: Actor,
    account: FinalAccount,
    amount: Any,
    paid_on: dt.date | None = None,
    reference: str = "",
) -> SettlementPayment:
    """The owner (or the finance bureau) pays the final balance, or records the
    contractor's return of an overpayment; never more than what the settlement leaves."""
    require(
        actor,
        "cost_settlement.pay",
        account.contract,
        "employer",
        "finance_bureau",
        message="只有本合同的发包人或财政部门可以登记结算款",
    )
    value = wf.money(check(wf.amount_input, amount, "金额", allow_zero=False))
    reference = _text(reference, "凭证号", 100)
    paid_on = paid_on or today_local()
    if paid_on > today_local():
        raise ValidationFailed("支付日期不能晚于今天", code="future_date")
    account = _locked(account)
    if account.status != wf.SIGNED:
        raise Conflict("结算书各方签署后才能办理结算款", code="wrong_status")
    left = remaining(account)
    if value > left:
        raise ValidationFailed(f"金额超过结算尚余的 {left:,} 元", code="amount_above_remaining")
    direction = wf.PAYMENT if account.final_balance > 0 else wf.REFUND
    payment = SettlementPayment.objects.create(
        account=account,
        direction=direction,
        amount=value,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor.username,
    )
    record(
        actor=actor,
        type=f"cost_settlement.{direction}_recorded",
        obj=account,
        payload={
            "amount": value,
            "paid_on": paid_on,
            "reference": reference,
            "remaining": left - value,
            "late": bool(
                direction == wf.REFUND and account.refund_due_on and paid_on > account.refund_due_on
            ),
        },
    )
    if left - value == 0:
        _close(actor, account)
    return payment


def refund_overdue_days(account: FinalAccount, today: dt.date) -> int:
    """Days past the refund period with the overpayment not yet returned (0 if none)."""
    if account.status != wf.SIGNED or not account.refund_due_on:
        return 0
    return max((today - account.refund_due_on).days, 0)
