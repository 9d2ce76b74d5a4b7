"""Advance payment (预付款) and retention (质量保证金): states, transitions and checks. Pure:
no Django. Money is Decimal yuan; ratios come from rule data through the caller."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


class TransitionError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- advance payment --------------------------------------------------------------------------

A_REQUESTED = "requested"
A_APPROVED = "approved"
A_PAID = "paid"
A_REJECTED = "rejected"
ADVANCE_STATUSES = {
    A_REQUESTED: "承包人已申请，待建设单位审批",
    A_APPROVED: "建设单位已批准，待财政支付",
    A_PAID: "已支付",
    A_REJECTED: "建设单位不予批准",
}

# --- retention --------------------------------------------------------------------------------

R_REQUESTED = "requested"
R_CONFIRMED = "confirmed"
R_PAID = "paid"
R_REJECTED = "rejected"
RELEASE_STATUSES = {
    R_REQUESTED: "承包人已申请返还，待建设单位核实",
    R_CONFIRMED: "建设单位已确认，待财政支付",
    R_PAID: "已返还",
    R_REJECTED: "建设单位不予确认",
}
H_OPEN = "open"
H_LIFTED = "lifted"
HOLD_STATUSES = {H_OPEN: "暂扣中", H_LIFTED: "已解除"}

# who acts next, by state (the to-do lists read this)
ADVANCE_COURT = {A_REQUESTED: "employer", A_APPROVED: "finance_bureau"}
RELEASE_COURT = {R_REQUESTED: "employer", R_CONFIRMED: "finance_bureau"}


def check_advance_transition(current: str, target: str) -> None:
    allowed = {
        A_REQUESTED: {A_APPROVED, A_REJECTED},
        A_APPROVED: {A_PAID},
        A_REJECTED: {A_REQUESTED},
    }
    if target not in allowed.get(current, set()):
        raise TransitionError(
            f"预付款当前状态为“{ADVANCE_STATUSES.get(current, current)}”，不能执行该操作",
            "wrong_state",
        )


def check_release_transition(current: str, target: str) -> None:
    allowed = {R_REQUESTED: {R_CONFIRMED, R_REJECTED}, R_CONFIRMED: {R_PAID}}
    if target not in allowed.get(current, set()):
        raise TransitionError(
            f"质量保证金返还当前状态为“{RELEASE_STATUSES.get(current, current)}”，不能执行该操作",
            "wrong_state",
        )


def check_advance_amount(
    amount: Decimal, price: Decimal, contract_ratio: Decimal, ratio_max: Decimal
) -> None:
    """建设工程价款结算暂行办法 第十二条: the advance is at most the contract's ratio of the
    contract price, and the contract's ratio at most the rule-data maximum (30 %)."""
    if contract_ratio <= 0:
        raise TransitionError("合同未约定预付款比例，不能申请预付款", "advance_not_agreed")
    ratio = min(contract_ratio, ratio_max)
    limit = (price * ratio).quantize(Decimal("0.01"))
    if amount > limit:
        raise TransitionError(
            f"预付款 {amount:,.2f} 元超过合同价的 {ratio:.0%}（{limit:,.2f} 元）",
            "advance_above_ratio",
        )


def below_principle(contract_ratio: Decimal, ratio_min: Decimal) -> bool:
    """An agreed advance below the 10 % that 价款结算暂行办法 第十二条 sets "in principle" is
    shown, not refused (0: the contract pays no advance)."""
    return Decimal(0) < contract_ratio < ratio_min


def check_guarantee(
    amount: Decimal, guarantee_amount: Decimal, expires_on: dt.date, today: dt.date
):
    """The advance is paid against a guarantee for at least its amount that has not expired."""
    if guarantee_amount < amount:
        raise TransitionError("预付款保函金额不得低于预付款金额", "guarantee_too_small")
    if expires_on <= today:
        raise TransitionError("预付款保函已过期", "guarantee_expired")


def defects_period_end(completed_on: dt.date, months: int) -> dt.date:
    """建质〔2017〕138号 第八条: the defects liability period runs from completion acceptance."""
    month = completed_on.month - 1 + months
    year = completed_on.year + month // 12
    month = month % 12 + 1
    day = completed_on.day
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:  # 31st of a shorter month
            day -= 1


def releasable(held: Decimal, released: Decimal, holds: Decimal) -> Decimal:
    """What the contractor may ask back now: held less released less the open holds."""
    return max(Decimal("0.00"), held - released - holds)


def check_release(
    *,
    amount: Decimal,
    held: Decimal,
    released: Decimal,
    holds: Decimal,
    open_findings: int,
    period_end: dt.date | None,
    today: dt.date,
) -> None:
    if period_end is None:
        raise TransitionError(
            "项目尚未通过竣工验收，缺陷责任期未开始，不能申请返还质量保证金",
            "defects_period_not_started",
        )
    if today < period_end:
        raise TransitionError(
            f"缺陷责任期至 {period_end:%Y-%m-%d} 届满，期满前不能申请返还质量保证金"
            "（建质〔2017〕138号第十条）",
            "defects_period_running",
        )
    if open_findings:
        raise TransitionError(
            f"项目尚有 {open_findings} 项未整改完成的检查问题，整改完成前不能返还质量保证金",
            "open_findings",
        )
    if holds > 0 and amount > releasable(held, released, holds):
        raise TransitionError(
            f"有 {holds:,.2f} 元因未处理的缺陷或索赔暂扣，返还金额不得超过 "
            f"{releasable(held, released, holds):,.2f} 元",
            "held_for_defect",
        )
    if amount > held - released:
        raise TransitionError(
            f"返还金额超过尚未返还的质量保证金 {held - released:,.2f} 元", "above_held"
        )
