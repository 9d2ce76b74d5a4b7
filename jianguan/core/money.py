"""Money is Decimal yuan with two places; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_money(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError("金额不能使用浮点数")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"无效金额: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"无效金额: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
