"""竣工结算: the writes from the contractor's draft to the audited figure.

The contractor drafts the final account after completion acceptance (generated from the BoQ
at final quantities, the approved variations and 签证, and what stage settlements already
settled), adds claims, price adjustments and deductions, and submits it; the owner reviews it
within the period of 建设工程价款结算暂行办法 第十四条 (by amount band, rule data), silence
having the consequence the contract states; the audit firm (helper A's cost_audit, through
`final_account_audit_start` / `final_account_audit_finish`) fixes the audited figure; the
owner confirms it. Signing, the final payment and closing are in closing.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from jianguan.contracts import workflow as cwf
from jianguan.contracts.models import Contract
from jianguan.core.actor import Actor
from jianguan.core.bulk import insert_rows
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.settlement import workflow as wf

# The audit steps on the account, called here by cost_audit and the pages.
from jianguan.cost.settlement.audit_hooks import (  # noqa: F401
    final_account_audit_finish,
    final_account_audit_start,
)
from jianguan.cost.settlement.common import (  # noqa: F401  (others read them here)
    CONFLICT_CODES,
    LINE_FIELDS,
    _kind_totals,
    _locked,
    _next_number,
    _settled_set,
    _text,
    _total,
    build_lines,
    check,
    completion_date_of,
    is_party,
    material_band,
    require,
    review_period_days,
    rule_decimal,
    tell,
    terms_for,
)
from jianguan.cost.settlement.models import (
    FinalAccount,
    FinalAccountLine,
    SettlementTerms,
)
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule_value


@transaction.atomic
def settlement_terms_set(
    *,
    actor: Actor,
    contract: Contract,
    silence_consequence: str,
    submit_days: int | None = None,
    material_risk_band: Any = None,
) -> SettlementTerms:
    """The owner records what the contract says about the final account (GF-2017-0201 14)."""
    require(
        actor,
        "cost_settlement.review",
        contract,
        "employer",
        message="只有本合同的发包人可以约定结算条款",
    )
    if silence_consequence not in wf.SILENCE_CONSEQUENCES:
        raise ValidationFailed("请选择发包人逾期未答复的后果", code="unknown_consequence")
    if submit_days is not None and not (1 <= int(submit_days) <= 365):
        raise ValidationFailed("提交期限须为 1 到 365 天", code="submit_days")
    band = None
    if material_risk_band not in (None, ""):
        band = check(wf.amount_input, material_risk_band, "材料价格风险幅度")
        if band >= 1:
            raise ValidationFailed("材料价格风险幅度须小于 100%", code="band_too_large")
    if FinalAccount.objects.filter(contract=contract).exclude(status=wf.DRAFT).exists():
        raise Conflict("竣工结算已提交，不能再修改结算条款", code="account_locked")
    terms, _ = SettlementTerms.objects.update_or_create(
        contract=contract,
        defaults={
            "silence_consequence": silence_consequence,
            "submit_days": submit_days,
            "material_risk_band": band,
            "set_by": actor.username,
        },
    )
    record(
        actor=actor,
        type="cost_settlement.terms_set",
        obj=terms,
        payload={
            "contract": contract.number,
            "silence_consequence": silence_consequence,
            "submit_days": submit_days,
            "material_risk_band": band,
        },
    )
    return terms


# --- drafting ---------------------------------------------------------------------------


@transaction.atomic
def final_account_create(*, actor: Actor, contract: Contract) -> FinalAccount:
    """The contractor opens the final account once the completion acceptance is signed
    (京质量条例 48: the completion date is the last of the five signatures)."""
    require(
        actor,
        "cost_settlement.prepare",
        contract,
        "contractor",
        message="只有本合同的承包人可以编制竣工结算",
    )
    contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
    if contract.kind != "main":
        raise ValidationFailed("竣工结算按施工总承包合同编制", code="not_main_contract")
    if contract.status not in (*cwf.IN_FORCE, cwf.COMPLETED):
        raise Conflict("合同尚未签订生效", code="contract_not_in_force")
    completed = completion_date_of(contract.project)
    if completed is None:
        raise Conflict(
            "工程尚未竣工验收（五方责任主体尚未全部签署竣工验收记录），不能编制竣工结算",
            code="completion_not_accepted",
        )
    if FinalAccount.objects.filter(contract=contract).exists():
        raise Conflict("本合同已有竣工结算", code="account_exists")
    terms = terms_for(contract)
    days = (
        terms.submit_days
        if terms and terms.submit_days
        else int(rule_value("settlement.final_account_submit_days", on=completed))
    )
    account = FinalAccount.objects.create(
        contract=contract,
        project=contract.project,
        number=_next_number(contract),
        completion_date=completed,
        submit_due_on=wf.due_date(completed, days),
        created_by=actor.username,
    )
    insert_rows(FinalAccountLine, LINE_FIELDS, build_lines(account))
    account.submitted_amount = _total(account)
    account.save(update_fields=["submitted_amount", "updated_at"])
    record(
        actor=actor,
        type="cost_settlement.account_created",
        obj=account,
        payload={
            "contract": contract.number,
            "completion_date": completed,
            "submit_due_on": account.submit_due_on,
            "amount": account.submitted_amount,
        },
    )
    return account


def _draft(actor: Actor, account: FinalAccount) -> FinalAccount:
    require(
        actor,
        "cost_settlement.prepare",
        account.contract,
        "contractor",
        message="只有本合同的承包人可以修改竣工结算",
    )
    account = _locked(account)
    check(wf.check_editable, account.status)
    return account


@transaction.atomic
def final_account_quantities_set(
    *, actor: Actor, account: FinalAccount, quantities: dict[str, Any]
) -> FinalAccount:
    """The contractor's final quantities, by BoQ code. A code not in the contract's BoQ is
    refused (new work comes in only through an approved variation), as is a line settled in
    a stage settlement (agreed already). All or nothing."""
    account = _draft(actor, account)
    if not quantities:
        raise ValidationFailed("请填写结算工程量", code="field_missing")
    by_code = {
        line.code: line
        for line in FinalAccountLine.objects.filter(account=account, source_kind=wf.BOQ)
    }
    changed = []
    for code, value in quantities.items():
        line = by_code.get(str(code).strip())
        if line is None:
            raise ValidationFailed(
                f"合同工程量清单中没有项目编码 {code}：清单外的工作须通过已批准的变更计列",
                code="line_not_in_contract",
            )
        q = check(wf.amount_input, value, f"{line.code} 结算工程量")
        line.quantity = q.quantize(wf.MILLI)
        line.claimed_amount = wf.line_amount(line.quantity, line.unit_rate)
        changed.append(line)
    FinalAccountLine.objects.bulk_update(changed, ["quantity", "claimed_amount", "updated_at"])
    account.submitted_amount = _total(account)
    account.save(update_fields=["submitted_amount", "updated_at"])
    return account


@transaction.atomic
def final_account_line_add(
    *,
    actor: Actor,
    account: FinalAccount,
    kind: str,
    name: str,
    amount: Any = None,
    base_price: Any = None,
    market_price: Any = None,
    quantity: Any = None,
    unit: str = "",
    note: str = "",
) -> FinalAccountLine:
    """A claim (索赔), a material price adjustment (beyond the contract's risk band only) or a
    deduction (扣减, entered as a positive amount and counted negative)."""
    account = _draft(actor, account)
    if kind not in wf.MANUAL_KINDS:
        raise ValidationFailed("只能手工增加索赔、材料调差或扣减项", code="unknown_kind")
    name = _text(name, "项目名称", 200, required=True)
    unit = _text(unit, "计量单位", 20)
    note = _text(note, "说明", 500)
    fields: dict[str, Any] = {"quantity": Decimal(1), "unit": unit or "项"}
    if kind == wf.PRICE_ADJUSTMENT:
        base = check(wf.amount_input, base_price, "基准单价", allow_zero=False)
        market = check(wf.amount_input, market_price, "信息价")
        qty = check(wf.amount_input, quantity, "材料用量", allow_zero=False).quantize(wf.MILLI)
        band = material_band(account.contract, account.completion_date)
        value = check(wf.price_adjustment, base, market, qty, band)
        if value == 0:
            raise ValidationFailed(
                f"信息价与基准单价相差未超过风险幅度 {band * 100:.1f}%，不调整",
                code="within_risk_band",
            )
        fields.update(
            quantity=qty,
            unit=unit or "",
            base_price=base,
            market_price=market,
            unit_rate=wf.money(value / qty),
        )
        note = note or f"风险幅度 ±{band * 100:.1f}%，超出部分调整"
    else:
        value = wf.money(check(wf.amount_input, amount, "金额", allow_zero=False))
        if kind == wf.DEDUCTION:
            value = -value
        fields["unit_rate"] = value
    seq = FinalAccountLine.objects.filter(account=account).aggregate(m=Max("sequence"))["m"] or 0
    line = FinalAccountLine.objects.create(
        account=account,
        sequence=seq + 1,
        source_kind=kind,
        name=name,
        claimed_amount=value,
        note=note,
        **fields,
    )
    account.submitted_amount = _total(account)
    account.save(update_fields=["submitted_amount", "updated_at"])
    return line


@transaction.atomic
def final_account_line_remove(*, actor: Actor, line: FinalAccountLine) -> None:
    account = _draft(actor, line.account)
    if line.source_kind not in wf.MANUAL_KINDS:
        raise ValidationFailed("由合同生成的结算明细不能删除", code="generated_line")
    line.delete()
    account.submitted_amount = _total(account)
    account.save(update_fields=["submitted_amount", "updated_at"])


@transaction.atomic
def final_account_submit(*, actor: Actor, account: FinalAccount) -> FinalAccount:
    """Submit to the owner: the review clock starts (暂行办法 第十四条, by amount band)."""
    account = _draft(actor, account)
    account.status = check(wf.transition, account.status, "submit")
    today = today_local()
    account.submitted_amount = _total(account)
    if account.submitted_amount <= 0:
        raise ValidationFailed("竣工结算金额须大于 0", code="empty_account")
    days = review_period_days(account.submitted_amount, today)
    terms = terms_for(account.contract)
    account.submitted_at = now()
    account.submitted_by = actor.username
    account.review_due_on = wf.due_date(today, days)
    account.silence_consequence = terms.silence_consequence if terms else "deemed_accepted"
    account.owner_decision = ""
    account.review_lapsed_on = None
    account.save()
    record(
        actor=actor,
        type="cost_settlement.account_submitted",
        obj=account,
        payload={
            "amount": account.submitted_amount,
            "by_kind": _kind_totals(account),
            "review_days": days,
            "review_due_on": account.review_due_on,
            "late": today > account.submit_due_on,
            "silence_consequence": account.silence_consequence,
        },
    )
    c = account.contract
    tell([c.employer_id], "cost_settlement.review", "竣工结算待审核", account)
    return account


@transaction.atomic
def final_account_owner_review(
    *, actor: Actor, account: FinalAccount, decision: str, opinion: str = ""
) -> FinalAccount:
    """The owner accepts the final account for audit, or returns it with reasons."""
    require(
        actor,
        "cost_settlement.review",
        account.contract,
        "employer",
        message="只有本合同的发包人可以审核竣工结算",
    )
    if decision not in ("accept", "return"):
        raise ValidationFailed("审核结论须为通过或退回", code="unknown_decision")
    opinion = _text(opinion, "审核意见", 1000, required=decision == "return")
    account = _locked(account)
    action = "owner_accept" if decision == "accept" else "owner_return"
    account.status = check(wf.transition, account.status, action)
    account.owner_opinion = opinion
    account.owner_reviewed_at = now()
    account.owner_reviewed_by = actor.username
    if decision == "accept":
        account.owner_decision = "accepted"
    else:
        account.review_due_on = None
    account.save()
    record(
        actor=actor,
        type=f"cost_settlement.account_{'accepted' if decision == 'accept' else 'returned'}",
        obj=account,
        payload={"amount": account.submitted_amount, "opinion": opinion},
    )
    c = account.contract
    if decision == "accept":
        tell(
            [c.auditor_id, c.finance_bureau_id], "cost_settlement.audit", "竣工结算待审计", account
        )
    else:
        tell([c.contractor_id], "cost_settlement.returned", "竣工结算被退回修改", account)
    return account


@transaction.atomic
def final_account_review_lapse(
    *, actor: Actor, account: FinalAccount, today: dt.date | None = None
) -> FinalAccount:
    """The owner let the review period pass: the consequence the contract states applies
    (暂行办法 第十六条: deemed accepted where the contract says so), recorded once."""
    if not actor.is_system:
        raise PermissionDenied("审核期限届满由系统按合同约定处理", code="permission_denied")
    today = today or today_local()
    account = _locked(account)
    if account.status != wf.SUBMITTED or not account.review_due_on:
        return account
    if today <= account.review_due_on or account.review_lapsed_on:
        return account
    account.review_lapsed_on = today
    if account.silence_consequence == "deemed_accepted":
        account.status = check(wf.transition, account.status, "deemed")
        account.owner_decision = "deemed_accepted"
        account.owner_reviewed_at = now()
    else:
        account.owner_decision = "lapsed"
    account.save()
    record(
        actor=actor,
        type="cost_settlement.review_lapsed",
        obj=account,
        payload={
            "review_due_on": account.review_due_on,
            "consequence": account.silence_consequence,
            "decision": account.owner_decision,
        },
    )
    return account


def clock_sweep(today: dt.date | None = None) -> int:
    """Apply the contract's consequence to every final account whose review period ran out."""
    from jianguan.core.actor import SYSTEM

    today = today or today_local()
    n = 0
    due = FinalAccount.objects.filter(
        status=wf.SUBMITTED, review_due_on__lt=today, review_lapsed_on__isnull=True
    )
    for account in due:
        final_account_review_lapse(actor=SYSTEM, account=account, today=today)
        n += 1
    return n


@transaction.atomic
def final_account_confirm(*, actor: Actor, account: FinalAccount) -> FinalAccount:
    """The owner confirms the audited figure as the settled amount; the parties sign next."""
    require(
        actor,
        "cost_settlement.review",
        account.contract,
        "employer",
        message="只有本合同的发包人可以确认结算金额",
    )
    account = _locked(account)
    account.status = check(wf.transition, account.status, "confirm")
    account.settled_amount = account.audited_amount
    account.confirmed_at = now()
    account.confirmed_by = actor.username
    account.save()
    record(
        actor=actor,
        type="cost_settlement.amount_confirmed",
        obj=account,
        payload={"settled": account.settled_amount, "report_reference": account.report_reference},
    )
    c = account.contract
    tell(
        [c.employer_id, c.contractor_id, c.supervisor_id, c.auditor_id],
        "cost_settlement.sign",
        "结算书待签署",
        account,
    )
    return account
