"""Payment arithmetic and the automatic checks on a payment claim. Pure: no Django.

All money is Decimal yuan rounded half-up to the fen; quantities keep 3 places. Ratios and
tolerances come from rule data through the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
MILLI = Decimal("0.001")


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def qty(value: Decimal) -> Decimal:
    return Decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP)


# --- contract terms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    price: Decimal
    progress_ratio: Decimal
    retention_form: str  # cash / bank_guarantee / none
    retention_ratio: Decimal
    security_form: str  # bond / bank_guarantee / insurance / none
    security_amount: Decimal
    labour_payment_cycle_months: int
    advance_ratio: Decimal = Decimal(0)


@dataclass(frozen=True)
class Limits:
    """From rule data on the signing date."""

    progress_ratio_min: Decimal  # payment.progress_ratio_min (财建〔2022〕183号)
    retention_ratio_max: Decimal  # retention.ratio_max (建质〔2017〕138号 第七条)
    security_ratio_max: Decimal  # performance_bond.ratio_max (招标投标法实施条例 58)
    labour_cycle_max_months: int  # wage.payment_cycle_max (保障农民工工资支付条例 24)
    retention_not_with_bond: bool  # retention.not_with_performance_bond
    advance_ratio_max: Decimal = Decimal("0.3")  # advance.ratio_max (价款结算暂行办法 12)


def check_terms(terms: Terms, limits: Limits) -> list[tuple[str, str]]:
    """[(code, Chinese message)] for every payment term the law does not allow."""
    problems: list[tuple[str, str]] = []
    if terms.price <= 0:
        problems.append(("price_not_positive", "合同价须大于零"))
    if not Decimal(0) <= terms.progress_ratio <= Decimal(1):
        problems.append(("progress_ratio_range", "进度款支付比例须在 0 至 100% 之间"))
    elif terms.progress_ratio < limits.progress_ratio_min:
        problems.append(
            (
                "progress_ratio_too_low",
                f"进度款支付比例不得低于已完成工程价款的 {limits.progress_ratio_min:.0%}"
                "（财建〔2022〕183号）",
            )
        )
    if terms.retention_form == "cash":
        if terms.retention_ratio < 0 or terms.retention_ratio > limits.retention_ratio_max:
            problems.append(
                (
                    "retention_too_high",
                    f"质量保证金比例不得高于 {limits.retention_ratio_max:.0%}（建质〔2017〕138号第七条）",
                )
            )
        if terms.progress_ratio + terms.retention_ratio > 1:
            problems.append(
                ("ratios_exceed_total", "进度款支付比例与质量保证金比例之和不得超过 100%")
            )
        if limits.retention_not_with_bond and terms.security_form == "bond":
            problems.append(
                (
                    "retention_with_bond",
                    "已缴纳履约保证金的，不得同时预留工程质量保证金（建质〔2017〕138号）",
                )
            )
    if terms.security_form != "none":
        if terms.security_amount <= 0:
            problems.append(("security_amount_missing", "请填写履约担保金额"))
        elif terms.security_amount > money(terms.price * limits.security_ratio_max):
            problems.append(
                (
                    "security_too_high",
                    f"履约保证金不得超过中标合同金额的 {limits.security_ratio_max:.0%}"
                    "（《招标投标法实施条例》第五十八条）",
                )
            )
    if not 1 <= terms.labour_payment_cycle_months <= limits.labour_cycle_max_months:
        problems.append(
            (
                "labour_cycle_too_long",
                f"人工费用拨付周期不得超过 {limits.labour_cycle_max_months} 个月"
                "（《保障农民工工资支付条例》第二十四条）",
            )
        )
    if not Decimal(0) <= terms.advance_ratio <= limits.advance_ratio_max:
        problems.append(
            ("advance_ratio_range", f"预付款比例须在 0 至 {limits.advance_ratio_max:.0%} 之间")
        )
    return problems


# --- the amount due for one approved claim ----------------------------------------------------


@dataclass(frozen=True)
class Due:
    period_value: Decimal  # approved completed value of this period
    payable: Decimal  # paid for this period: period value × progress ratio
    retention: Decimal  # withheld as quality retention (cash retention only)
    cumulative_value: Decimal
    cumulative_payable: Decimal


def amount_due(
    *,
    approved_cumulative_value: Decimal,
    previous_cumulative_value: Decimal,
    previous_cumulative_payable: Decimal,
    terms: Terms,
    current_value: Decimal,
) -> Due:
    """Progress payment for one period (财建〔2022〕183号: at least 80 % of the audited
    completed value; retention at most 3 %, 建质〔2017〕138号 第七条).

    The payment is the period's approved value × the contract's progress ratio. Retention is
    withheld from the unpaid remainder (ratio + retention ≤ 100 %, checked with the terms),
    so the contractor is never paid under the lawful minimum. Cumulative payment never passes
    the current contract value less the retention on it.
    """
    period_value = money(approved_cumulative_value - previous_cumulative_value)
    retention_ratio = terms.retention_ratio if terms.retention_form == "cash" else Decimal(0)
    payable = money(period_value * terms.progress_ratio)
    cap = money(current_value * (1 - retention_ratio)) - previous_cumulative_payable
    payable = max(Decimal("0.00"), min(payable, money(cap)))
    retention = money(period_value * retention_ratio) if period_value > 0 else Decimal("0.00")
    return Due(
        period_value=period_value,
        payable=payable,
        retention=retention,
        cumulative_value=money(approved_cumulative_value),
        cumulative_payable=money(previous_cumulative_payable + payable),
    )


# --- advance recovery (扣回预付款) ---------------------------------------------------------


def advance_recovery(
    *,
    outstanding: Decimal,
    price: Decimal,
    start_ratio: Decimal,
    rate: Decimal,
    previous_cumulative_value: Decimal,
    cumulative_value: Decimal,
    payable: Decimal,
) -> Decimal:
    """The advance recovered from one approved period, on the schedule the contract states:
    recovery starts once the approved cumulative value reaches ``start_ratio`` × price, and takes
    ``rate`` of the period's value above that point, never more than what is outstanding nor
    more than the period's payable (the net payment is never negative). A period that crosses
    the start point counts only its value above it.
    """
    for name, v in (
        ("outstanding", outstanding),
        ("price", price),
        ("start_ratio", start_ratio),
        ("rate", rate),
        ("previous_cumulative_value", previous_cumulative_value),
        ("cumulative_value", cumulative_value),
        ("payable", payable),
    ):
        if not Decimal(v).is_finite() or v < 0:
            raise ValueError(f"{name} must be a finite, non-negative amount")
    if start_ratio > 1 or rate > 1:
        raise ValueError("start_ratio and rate are ratios in [0, 1]")
    if outstanding == 0 or cumulative_value <= previous_cumulative_value:
        return Decimal("0.00")
    threshold = money(price * start_ratio)
    base = cumulative_value - max(previous_cumulative_value, threshold)
    if base <= 0:
        return Decimal("0.00")
    return money(min(base * rate, outstanding, payable))


# --- automatic checks before anyone reviews ---------------------------------------------------


@dataclass(frozen=True)
class LineClaim:
    code: str
    name: str
    unit: str
    unit_rate: Decimal
    current_quantity: Decimal  # contract quantity plus approved variations
    previous_quantity: Decimal  # cumulative approved at the end of the previous claim
    cumulative_quantity: Decimal  # claimed cumulative


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    passed: bool
    messages: tuple[str, ...] = field(default=())
    reference: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "passed": self.passed,
            "messages": list(self.messages),
            "reference": self.reference,
        }


def claim_value(lines: Iterable[LineClaim]) -> tuple[Decimal, Decimal]:
    """(cumulative value, period value) claimed."""
    cumulative = period = Decimal(0)
    for line in lines:
        cumulative += line.cumulative_quantity * line.unit_rate
        period += (line.cumulative_quantity - line.previous_quantity) * line.unit_rate
    return money(cumulative), money(period)


def check_period(
    start: dt.date, end: dt.date, others: Sequence[tuple[str, dt.date, dt.date]]
) -> Check:
    label = "计量期不与以往申请重叠"
    if end < start:
        return Check("period_overlap", label, False, ("计量期结束日期早于开始日期",))
    clashes = [
        f"与 {number}（{s:%Y-%m-%d} 至 {e:%Y-%m-%d}）重叠"
        for number, s, e in others
        if s <= end and start <= e
    ]
    return Check("period_overlap", label, not clashes, tuple(clashes))


def check_quantities(lines: Sequence[LineClaim], tolerance: Decimal, limit: int = 20) -> Check:
    """Cumulative claimed quantity ≤ current quantity × (1 + tolerance), line by line: the
    screen against 虚报工程量."""
    label = "累计申报工程量不超过合同工程量（含已批准变更）"
    bad = []
    for line in lines:
        allowed = qty(line.current_quantity * (1 + tolerance))
        if line.cumulative_quantity > allowed:
            bad.append(
                f"{line.code} {line.name}：累计申报 {line.cumulative_quantity.normalize():f}"
                f"{line.unit}，超过允许的 {allowed.normalize():f}{line.unit}"
            )
    shown = tuple(bad[:limit]) + ((f"……另有 {len(bad) - limit} 项",) if len(bad) > limit else ())
    return Check("quantity_exceeds_boq", label, not bad, shown)


def check_not_below_previous(lines: Sequence[LineClaim], limit: int = 20) -> Check:
    label = "累计工程量不少于上期审定累计量"
    bad = [
        f"{line.code} {line.name}：累计申报 {line.cumulative_quantity.normalize():f} 少于上期审定 "
        f"{line.previous_quantity.normalize():f}"
        for line in lines
        if line.cumulative_quantity < line.previous_quantity
    ]
    return Check("quantity_below_previous", label, not bad, tuple(bad[:limit]))


def check_value(cumulative_value: Decimal, current_value: Decimal) -> Check:
    label = "累计申报产值不超过现合同价"
    ok = cumulative_value <= current_value
    msg = (
        ()
        if ok
        else (f"累计申报 {cumulative_value:,.2f} 元，超过现合同价 {current_value:,.2f} 元",)
    )
    return Check("value_exceeds_contract", label, ok, msg)


def check_key_nodes(gating: Sequence[tuple[str, str]]) -> Check:
    """`gating`: (name, status) of key nodes that control this payment (planned by the period
    end and flagged as gating payment in the project register)."""
    pending = [f"关键节点“{name}”尚未通过联合检查" for name, status in gating if status != "passed"]
    return Check("key_nodes_pending", "控制本期付款的关键节点已通过", not pending, tuple(pending))


def check_chief_supervisor(name: str | None) -> Check:
    ok = bool(name)
    return Check(
        "chief_supervisor_missing",
        "总监理工程师已备案并签字",
        ok,
        () if ok else ("本项目尚未备案总监理工程师，未经总监理工程师签字不得拨付工程款",),
        "《建设工程质量管理条例》第三十七条",
    )
