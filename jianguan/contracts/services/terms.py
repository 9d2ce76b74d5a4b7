"""Contract terms: parsing of numbers, dates and parties (a bad value is a Chinese 400),
the legal limits from rule data, and everything that stops a contract from being signed.
No writes: the services in contracts.py / subcontracts.py set and save."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from jianguan.accounts.models import Organisation
from jianguan.contracts import payments, workflow
from jianguan.contracts.models import MONEY, RATIO, Contract
from jianguan.core.errors import ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.timeutil import today_local
from jianguan.rules.lookup import rule

PARTY_KINDS = {
    "supervisor": "supervisor",
    "finance_bureau": "finance_bureau",
    "auditor": "auditor",
}
RATIO_FIELDS = {
    "advance_ratio": "预付款比例",
    "progress_ratio": "进度款支付比例",
    "retention_ratio": "质量保证金比例",
}
CHOICE_FIELDS = {
    "retention_form": ("质量保证金形式", workflow.RETENTION_FORMS),
    "security_form": ("履约担保形式", workflow.SECURITY_FORMS),
}
MONTH_FIELDS = {
    "measurement_period_months": "计量周期（月）",
    "labour_payment_cycle_months": "人工费用拨付周期（月）",
}
TEXT_FIELDS = {"title": ("合同名称", 200), "scope": ("承包范围", 5000)}
TERM_FIELDS = (
    set(RATIO_FIELDS)
    | set(CHOICE_FIELDS)
    | set(MONTH_FIELDS)
    | set(TEXT_FIELDS)
    | set(PARTY_KINDS)
    | {"security_amount", "security_reference", "start_on", "end_on", "duration_days"}
)
MAX_DURATION_DAYS = 3650


# --- parsing ---------------------------------------------------------------------------------


def parse_decimal(
    value: Any, label: str, *, places: int, max_digits: int, minimum: Decimal = Decimal(0)
) -> Decimal:
    """A finite Decimal with at most `places` decimals that fits the DB field; else a 400.
    Thousands separators "," are ignored; a float is read through its str()."""
    try:
        text = str(value).strip().replace(",", "") if value is not None else None
    except (InvalidOperation, ValueError):
        text = None
    try:
        d = strict_decimal(text, places=places, int_digits=max_digits - places, minimum=minimum)
    except DecimalProblem as problem:
        if problem.kind in ("not_number", "not_finite"):
            raise ValidationFailed(
                f"{label}须为数字", code="bad_number", details={"field": label}
            ) from None
        if problem.kind == "below_minimum":
            raise ValidationFailed(f"{label}不能小于 {minimum}", code="bad_number") from None
        raise ValidationFailed(
            f"{label}最多 {max_digits - places} 位整数、{places} 位小数",
            code="bad_number",
            details={"field": label},
        ) from None
    return d.quantize(Decimal(1).scaleb(-places))


def parse_money(value: Any, label: str) -> Decimal:
    return parse_decimal(value, label, places=2, max_digits=MONEY["max_digits"])


def _int(value: Any, label: str, lo: int, hi: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}须为整数", code="bad_number") from None
    if not lo <= n <= hi:
        raise ValidationFailed(f"{label}须在 {lo} 至 {hi} 之间", code="bad_number")
    return n


def _date(value: Any, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"{label}不是有效日期", code="bad_date") from None


def _org(value: Any, field: str) -> Organisation | None:
    """An organisation (or its id) of the kind the party field needs; None clears it."""
    if value in (None, ""):
        return None
    org = value
    if not isinstance(value, Organisation):
        try:
            org = Organisation.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError, OverflowError):
            org = None
    label = Contract._meta.get_field(field).verbose_name
    if org is None or org.kind != PARTY_KINDS[field]:
        raise ValidationFailed(f"{label}须为已登记的相应类型单位", code="bad_party")
    return org


def apply_terms(contract: Contract, terms: dict[str, Any]) -> dict[str, Any]:
    """Validate and set the given term fields; returns {field: new value} for the ledger."""
    unknown = set(terms) - TERM_FIELDS
    if unknown:
        raise ValidationFailed("未知的合同条款：" + "、".join(sorted(unknown)), code="unknown_term")
    changed: dict[str, Any] = {}
    for field, value in terms.items():
        if field in RATIO_FIELDS:
            value = parse_decimal(
                value, RATIO_FIELDS[field], places=RATIO["decimal_places"], max_digits=5
            )
            if value > 1:
                raise ValidationFailed(f"{RATIO_FIELDS[field]}不得超过 100%", code="bad_ratio")
        elif field in CHOICE_FIELDS:
            label, options = CHOICE_FIELDS[field]
            if value not in options:
                raise ValidationFailed(f"{label}无效", code="bad_choice")
        elif field in MONTH_FIELDS:
            value = _int(value, MONTH_FIELDS[field], 1, 12)
        elif field in TEXT_FIELDS:
            label, size = TEXT_FIELDS[field]
            value = str(value or "").strip()
            if len(value) > size or (field == "title" and not value):
                raise ValidationFailed(f"{label}须为 1 至 {size} 个字", code="bad_text")
        elif field in PARTY_KINDS:
            value = _org(value, field)
        elif field == "security_amount":
            value = parse_money(value, "履约担保金额")
        elif field == "security_reference":
            value = str(value or "").strip()
            if len(value) > 100:
                raise ValidationFailed("保函或保单号最多 100 个字", code="bad_text")
        elif field in ("start_on", "end_on"):
            value = _date(value, Contract._meta.get_field(field).verbose_name)
        elif field == "duration_days":
            value = _int(value, "工期（日历天）", 1, MAX_DURATION_DAYS)
        setattr(contract, field, value)
        changed[field] = value.pk if isinstance(value, Organisation) else value
    if contract.start_on and contract.end_on and contract.end_on < contract.start_on:
        raise ValidationFailed("计划竣工日期不能早于计划开工日期", code="bad_dates")
    return changed


# --- the terms check -------------------------------------------------------------------------


def limits(on: dt.date | None = None) -> tuple[payments.Limits, dict[str, Any]]:
    """The legal limits on `on` and the rules they come from ({code: RuleValue})."""
    on = on or today_local()
    codes = {
        "progress": "payment.progress_ratio_min",
        "retention": "retention.ratio_max",
        "security": "performance_bond.ratio_max",
        "labour": "wage.payment_cycle_max",
        "not_with_bond": "retention.not_with_performance_bond",
        "advance": "advance.ratio_max",
    }
    rules = {k: rule(c, on=on) for k, c in codes.items()}
    return (
        payments.Limits(
            progress_ratio_min=Decimal(str(rules["progress"].value)),
            retention_ratio_max=Decimal(str(rules["retention"].value)),
            security_ratio_max=Decimal(str(rules["security"].value)),
            labour_cycle_max_months=int(rules["labour"].value),
            retention_not_with_bond=bool(rules["not_with_bond"].value),
            advance_ratio_max=Decimal(str(rules["advance"].value)),
        ),
        rules,
    )


def terms_of(contract: Contract) -> payments.Terms:
    return payments.Terms(
        price=contract.price,
        progress_ratio=Decimal(contract.progress_ratio),
        retention_form=contract.retention_form,
        retention_ratio=Decimal(contract.retention_ratio),
        security_form=contract.security_form,
        security_amount=Decimal(contract.security_amount),
        labour_payment_cycle_months=contract.labour_payment_cycle_months,
        advance_ratio=Decimal(contract.advance_ratio),
    )


def signing_problems(contract: Contract, on: dt.date | None = None) -> list[dict[str, str]]:
    """Everything that stops the contract from being signed: unlawful terms, no BoQ, a BoQ
    total that is not the price, missing parties, a subcontract not approved yet."""
    lim, _ = limits(on)
    problems = [{"code": c, "message": m} for c, m in payments.check_terms(terms_of(contract), lim)]
    items = list(contract.boq_items.values_list("amount", flat=True))
    if not items:
        problems.append({"code": "boq_missing", "message": "尚未导入工程量清单"})
    elif abs(sum(items, Decimal(0)) - contract.price) > 1:
        problems.append(
            {
                "code": "boq_total_mismatch",
                "message": f"清单合计与合同价不符（清单合计 {sum(items, Decimal(0)):,.2f} 元，"
                f"合同价 {contract.price:,.2f} 元）",
            }
        )
    if contract.kind == "main":
        for field in PARTY_KINDS:
            if getattr(contract, f"{field}_id") is None:
                label = Contract._meta.get_field(field).verbose_name
                problems.append({"code": f"{field}_missing", "message": f"尚未确定{label}"})
    elif contract.approved_at is None:
        problems.append(
            {"code": "subcontract_not_approved", "message": "分包合同须经建设单位批准后方可签署"}
        )
    return problems


def created_payload(contract: Contract, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": contract.number,
        "project": contract.project.code,
        "kind": contract.kind,
        "title": contract.title,
        "employer": contract.employer.credit_code,
        "contractor": contract.contractor.credit_code,
        "price": contract.price,
        "duration_days": contract.duration_days,
        "tender_code": contract.tender_code,
        **extra,
    }
