"""Display filters for numbers shown to people (issue 16): one module, so every page agrees.

- `yuan`: 12345678.9 -> "12,345,678.90" (元, two places, thousands separators);
- `wan_yuan`: 12345678.9 -> "1,234.57" (万元, two places): a page that shows budgets picks
  one unit for its money and says it in the column header or after the figure;
- `percent`: a ratio 0.03 -> "3.00 %"; `percent:1` -> "3.0 %"; already-percent values
  (85.00 for 85 %) use `pct`, which only formats;
- `num:places`: any other number (credit points) with thousands separators;
- `qty`: quantities with at most 3 places, no trailing zeros.
None and "" show as an em dash; anything that is not a number is shown as it is, so a filter
never hides a value. Exports and JSON never go through these: they keep the raw Decimal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def _fixed(d: Decimal, places: int) -> str:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # never "-0.00"
    return f"{q:,.{places}f}"


def _or_raw(value):
    return DASH if value is None or value == "" else value


@register.filter
def yuan(value):
    d = _decimal(value)
    return _or_raw(value) if d is None else _fixed(d, 2)


@register.filter
def wan_yuan(value):
    d = _decimal(value)
    return _or_raw(value) if d is None else _fixed(d / Decimal(10000), 2)


@register.filter
def percent(value, places=2):
    """A ratio (0.03) as a percentage ("3.00 %")."""
    d = _decimal(value)
    if d is None:
        return _or_raw(value)
    return f"{_fixed(d * 100, int(places))} %"


@register.filter
def pct(value, places=2):
    """A value already in percent (85.0) as "85.00 %"."""
    d = _decimal(value)
    if d is None:
        return _or_raw(value)
    return f"{_fixed(d, int(places))} %"


@register.filter
def share(value, total):
    """value / total as a percentage with two places ("0.12 %"), so a small share is not "0%"."""
    d, t = _decimal(value), _decimal(total)
    if d is None or t is None or t == 0:
        return DASH
    return f"{_fixed(d / t * 100, 2)} %"


@register.filter
def num(value, places=0):
    """A plain number with thousands separators (credit points: 1000 -> "1,000.00" with :2)."""
    d = _decimal(value)
    return _or_raw(value) if d is None else _fixed(d, int(places))


@register.filter
def qty(value):
    d = _decimal(value)
    if d is None:
        return _or_raw(value)
    text = _fixed(d, 3).rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
