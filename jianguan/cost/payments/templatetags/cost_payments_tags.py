from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def pct(value):
    """0.2 → '20%'; 0.035 → '3.5%'; None → '—'."""
    try:
        d = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError, TypeError):
        return "—"
    return f"{d.quantize(Decimal('0.01')).normalize():f}%"
