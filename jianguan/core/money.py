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


class DecimalProblem(ValueError):
    """Why `strict_decimal` refused a value; `kind` is one of `DECIMAL_PROBLEMS`."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


DECIMAL_PROBLEMS = ("not_number", "not_finite", "below_minimum", "too_large", "too_many_places")


def strict_decimal(
    raw: object,
    *,
    places: int,
    int_digits: int | None = None,
    maximum: Decimal | None = None,
    minimum: Decimal | None = None,
) -> Decimal:
    """The Decimal `raw` stands for, exactly as parsed (not quantized), or DecimalProblem(kind).

    A Decimal is taken as is; None and bools are "not_number"; anything else is parsed from
    `str(raw).strip()` (so floats go through their repr; refuse them first if you must).
    The checks run in this order, the first failure wins:
    "not_number", "not_finite" (NaN/Infinity), "below_minimum" (value < minimum),
    "too_large" (|value| >= 10**int_digits, or |value| > maximum),
    "too_many_places" (value differs from itself quantized to `places` decimals).
    """
    if isinstance(raw, bool) or raw is None:
        raise DecimalProblem("not_number")
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise DecimalProblem("not_number") from None
    if not value.is_finite():
        raise DecimalProblem("not_finite")
    if minimum is not None and value < minimum:
        raise DecimalProblem("below_minimum")
    if (int_digits is not None and abs(value) >= Decimal(10) ** int_digits) or (
        maximum is not None and abs(value) > maximum
    ):
        raise DecimalProblem("too_large")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise DecimalProblem("too_many_places")
    return value
