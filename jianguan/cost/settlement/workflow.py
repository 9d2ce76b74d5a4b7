"""竣工结算: states, transitions and the arithmetic of the final account. Pure: no Django.

The numbers (review periods by amount band, the material risk band, the submission and refund
periods) are not here: they come from rule data and are passed in by the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
MILLI = Decimal("0.001")

DRAFT, SUBMITTED, OWNER_REVIEWED = "draft", "submitted", "owner_reviewed"
IN_AUDIT, AUDITED, CONFIRMED, SIGNED, CLOSED = (
    "in_audit",
    "audited",
    "confirmed",
    "signed",
    "closed",
)
STATUSES = {
    DRAFT: "编制中",
    SUBMITTED: "待发包人审核",
    OWNER_REVIEWED: "发包人已审核",
    IN_AUDIT: "结算审计中",
    AUDITED: "审计完成待确认",
    CONFIRMED: "结算金额已确认",
    SIGNED: "各方已签署",
    CLOSED: "已结清",
}
# a line may be edited, added or removed only while the contractor still drafts
EDITABLE = {DRAFT}

BOQ, VARIATION, VISA, CLAIM = "boq", "variation", "visa", "claim"
PRICE_ADJUSTMENT, DEDUCTION, STAGE_SETTLED = "price_adjustment", "deduction", "stage_settled"
SOURCE_KINDS = {
    BOQ: "分部分项工程（清单）",
    VARIATION: "工程变更",
    VISA: "现场签证",
    CLAIM: "索赔",
    PRICE_ADJUSTMENT: "材料调差",
    DEDUCTION: "扣减项",
    STAGE_SETTLED: "过程结算已确认",
}
# what the contractor may add by hand; the rest come from the contract
MANUAL_KINDS = (CLAIM, PRICE_ADJUSTMENT, DEDUCTION)

SILENCE_CONSEQUENCES = {
    "deemed_accepted": "逾期未答复视为认可承包人提交的竣工结算文件",
    "none": "逾期未答复不视为认可（承包人可催告并申请争议解决）",
}
OWNER_DECISIONS = {
    "accepted": "审核通过",
    "deemed_accepted": "逾期未答复，按合同约定视为认可",
    "lapsed": "逾期未答复（合同未约定视为认可）",
}

PARTIES = {
    "employer": "发包人",
    "contractor": "承包人",
    "supervisor": "监理单位",
    "auditor": "审计机构",
}

STAGE_DRAFT, STAGE_SUBMITTED, STAGE_AGREED = "draft", "submitted", "agreed"
STAGE_STATUSES = {STAGE_DRAFT: "已退回", STAGE_SUBMITTED: "待发包人确认", STAGE_AGREED: "已确认"}

PAYMENT, REFUND = "payment", "refund"
PAYMENT_DIRECTIONS = {PAYMENT: "支付结算尾款", REFUND: "承包人退还超付款"}


class TransitionError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# --- amounts -----------------------------------------------------------------------------


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def amount_input(value: object, label: str, *, allow_zero: bool = True) -> Decimal:
    """A Decimal ≥ 0 from user input; NaN, infinities, negatives and junk are refused."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise TransitionError(f"{label}须为数字", "not_a_number") from None
    if not d.is_finite():
        raise TransitionError(f"{label}须为有限数字", "not_a_number")
    if d < 0 or (d == 0 and not allow_zero):
        raise TransitionError(f"{label}须{'不小于' if allow_zero else '大于'} 0", "negative")
    if d > Decimal("99999999999999"):
        raise TransitionError(f"{label}过大", "too_large")
    return d


def signed_input(value: object, label: str) -> Decimal:
    """A finite Decimal of either sign (an audited deduction is negative)."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise TransitionError(f"{label}须为数字", "not_a_number") from None
    if not d.is_finite():
        raise TransitionError(f"{label}须为有限数字", "not_a_number")
    if abs(d) > Decimal("99999999999999"):
        raise TransitionError(f"{label}过大", "too_large")
    return d


def line_amount(quantity: Decimal, unit_rate: Decimal) -> Decimal:
    return money(quantity * unit_rate)


def price_adjustment(
    base_price: Decimal, market_price: Decimal, quantity: Decimal, band: Decimal
) -> Decimal:
    """Material price adjustment (GB 50500-2013 9.8.2, 造价信息差额调整法): only the part of the
    price change beyond the risk band agreed in the contract is adjusted; within the band the
    contractor bears the risk. Negative when the price fell beyond the band."""
    if base_price <= 0:
        raise TransitionError("基准单价须大于 0", "base_price")
    upper = base_price * (1 + band)
    lower = base_price * (1 - band)
    if market_price > upper:
        return money((market_price - upper) * quantity)
    if market_price < lower:
        return money((market_price - lower) * quantity)
    return Decimal("0.00")


def review_days(amount: Decimal, bands: list[tuple[Decimal, int]], top: int) -> int:
    """The owner's review period by the final account's amount (建设工程价款结算暂行办法 第十四条):
    `bands` are (upper limit in yuan, days) in ascending order; above the last, `top` days."""
    for limit, days in bands:
        if amount < limit:
            return days
    return top


def due_date(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


@dataclass(frozen=True)
class FinalBalance:
    settled: Decimal
    paid_to_date: Decimal  # cash paid on progress certificates
    advance_recovered: Decimal  # offset against the advance on those certificates
    retention_held: Decimal
    advance_outstanding: Decimal

    @property
    def paid(self) -> Decimal:
        """What the certificates paid: the cash, and the part settled by recovering the
        advance (that money went out earlier as the advance)."""
        return money(self.paid_to_date + self.advance_recovered)

    @property
    def balance(self) -> Decimal:
        """Final payment = settled − paid − retention held − advance not recovered; negative
        means the contractor was overpaid and must return the difference. Equivalently:
        settled − retention held − every yuan the contractor received (advance included)."""
        return money(self.settled - self.paid - self.retention_held - self.advance_outstanding)


def remaining(balance: Decimal, payments: Iterable[tuple[str, Decimal]]) -> Decimal:
    """What is still to be paid (balance > 0) or returned (balance < 0), as a magnitude."""
    paid = sum((a for d, a in payments if d == PAYMENT), Decimal(0))
    refunded = sum((a for d, a in payments if d == REFUND), Decimal(0))
    if balance >= 0:
        return money(balance - paid)
    return money(-balance - refunded)


# --- transitions -------------------------------------------------------------------------

_NEXT = {
    "submit": ({DRAFT}, SUBMITTED),
    "owner_accept": ({SUBMITTED}, OWNER_REVIEWED),
    "owner_return": ({SUBMITTED}, DRAFT),
    "deemed": ({SUBMITTED}, OWNER_REVIEWED),
    "audit_start": ({OWNER_REVIEWED}, IN_AUDIT),
    "audit_finish": ({IN_AUDIT}, AUDITED),
    "confirm": ({AUDITED}, CONFIRMED),
    "sign_complete": ({CONFIRMED}, SIGNED),
    "close": ({SIGNED}, CLOSED),
}


def transition(status: str, action: str) -> str:
    allowed, target = _NEXT[action]
    if status not in allowed:
        want = "、".join(STATUSES[s] for s in sorted(allowed))
        raise TransitionError(
            f"竣工结算当前状态为“{STATUSES.get(status, status)}”，须为“{want}”才能办理",
            "wrong_status",
        )
    return target


def check_editable(status: str) -> None:
    if status not in EDITABLE:
        raise TransitionError("竣工结算已提交，不能修改", "account_locked")


def required_parties(has_supervisor: bool, has_auditor: bool) -> list[str]:
    """Who signs the settlement: both contract parties, and the supervisor and audit firm
    where the contract names them."""
    out = ["employer", "contractor"]
    if has_supervisor:
        out.append("supervisor")
    if has_auditor:
        out.append("auditor")
    return out
