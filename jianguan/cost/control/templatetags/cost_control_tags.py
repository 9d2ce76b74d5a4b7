"""Ratios as percentages on the investment control pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pct(value):
    """0.1234 → '12.3%'; None → '—'."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) * 100:.1f}%"
