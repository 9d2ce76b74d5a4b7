"""Display filters for money and quantities on the contract pages (never for exports/JSON)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

DASH = "—"
CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def _decimal(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        d = value
    else:
        try:
            d = Decimal(str(value).replace(",", "").strip())
        except (InvalidOperation, ValueError, TypeError):
            return None
    return d if d.is_finite() else None


@register.filter
def yuan(value):
    """12345.6 → '12,345.60'; None → '—'. Rounds half up to the cent."""
    d = _decimal(value)
    if d is None:
        return DASH if value is None or value == "" else value
    d = d.quantize(CENT, rounding=ROUND_HALF_UP)
    if d == 0:
        d = abs(d)  # no "-0.00"
    return f"{d:,.2f}"


@register.filter
def qty(value):
    """Quantity with at most 3 decimals and no trailing zeros: 4601.3650 → '4,601.365'."""
    d = _decimal(value)
    if d is None:
        return DASH if value is None or value == "" else value
    d = d.quantize(MILLI, rounding=ROUND_HALF_UP)
    if d == 0:
        return "0"
    text = f"{d:,.3f}".rstrip("0").rstrip(".")
    return text
