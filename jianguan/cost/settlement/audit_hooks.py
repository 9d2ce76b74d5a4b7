"""The two steps cost_audit takes on a final account: the audit starts (submitted, then in
audit) and finishes with the settled figure of every line (audited). services re-exports them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from jianguan.core.actor import Actor
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import now
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.common import (
    _kind_totals,
    _locked,
    _settled_set,
    _text,
    check,
    require,
)
from jianguan.cost.settlement.models import (
    FinalAccount,
    FinalAccountLine,
)
from jianguan.ledger.services import record


def _require_auditor(actor: Actor, account: FinalAccount) -> None:
    require(
        actor,
        "cost_settlement.audit",
        account.contract,
        "auditor",
        "finance_bureau",
        message="只有本合同的审计机构或财政评审机构可以办理结算审计",
    )


@transaction.atomic
def final_account_audit_start(*, actor: Actor, account: FinalAccount) -> FinalAccount:
    _require_auditor(actor, account)
    account = _locked(account)
    account.status = check(wf.transition, account.status, "audit_start")
    account.audit_started_at = now()
    account.save(update_fields=["status", "audit_started_at", "updated_at"])
    record(
        actor=actor,
        type="cost_settlement.audit_started",
        obj=account,
        payload={"amount": account.submitted_amount},
    )
    return account


def _settled_value(line: FinalAccountLine, value: Any) -> Decimal:
    """Within [0, claimed] for a positive line; a deduction stays a deduction (≤ 0)."""
    v = wf.money(check(wf.signed_input, value, f"第 {line.sequence} 行审定金额"))
    if line.claimed_amount >= 0 and not (0 <= v <= line.claimed_amount):
        raise ValidationFailed(
            f"第 {line.sequence} 行审定金额须在 0 到送审金额 {line.claimed_amount:,.2f} 元之间",
            code="cut_out_of_range",
        )
    if line.claimed_amount < 0 and v > 0:
        raise ValidationFailed(
            f"第 {line.sequence} 行为扣减项，审定金额不能为正", code="cut_out_of_range"
        )
    return v


@transaction.atomic
def final_account_audit_finish(
    *,
    actor: Actor,
    account: FinalAccount,
    settled: dict[int, Decimal],
    report_reference: str,
) -> FinalAccount:
    """The audited figure line by line (line id → settled amount; a line not named keeps its
    submitted amount). Lines settled in stage settlements are not audited again (RULES B5)."""
    _require_auditor(actor, account)
    report_reference = _text(report_reference, "审计报告文号", 200, required=True)
    account = _locked(account)
    check(wf.transition, account.status, "audit_finish")
    lines = list(FinalAccountLine.objects.filter(account=account))
    by_id = {line.pk: line for line in lines}
    changed: dict[int, Decimal] = {}
    for key, value in (settled or {}).items():
        line = by_id.get(int(key)) if str(key).lstrip("-").isdigit() else None
        if line is None:
            raise ValidationFailed(f"本结算中没有明细 {key}", code="line_not_in_account")
        if line.stage_settled:
            raise ValidationFailed(
                f"第 {line.sequence} 行已在过程结算中确认，竣工结算审计不再重复审核",
                code="stage_settled_not_reaudited",
            )
        line.settled_amount = _settled_value(line, value)
        if line.settled_amount != line.claimed_amount:
            changed[line.pk] = line.settled_amount
    for line in lines:
        if line.settled_amount is None:
            line.settled_amount = line.claimed_amount
    # Every line at its claim in one UPDATE (stage-settled ones keep their agreed figure), then
    # the cut ones from VALUES lists: bulk_update's CASE over 20,000 rows took 15 s
    # (bench/settlement.py).
    FinalAccountLine.objects.filter(account=account).exclude(
        stage_settled=True, settled_amount__isnull=False
    ).update(settled_amount=F("claimed_amount"))
    _settled_set(changed)
    account.status = wf.AUDITED
    account.audited_amount = wf.money(sum((x.settled_amount for x in lines), Decimal(0)))
    account.report_reference = report_reference
    account.audit_finished_at = now()
    account.save()
    record(
        actor=actor,
        type="cost_settlement.audit_finished",
        obj=account,
        payload={
            "submitted": account.submitted_amount,
            "audited": account.audited_amount,
            "reduction": wf.money(account.submitted_amount - account.audited_amount),
            "report_reference": report_reference,
            "by_kind": _kind_totals(account, "settled_amount"),
        },
    )
    return account
