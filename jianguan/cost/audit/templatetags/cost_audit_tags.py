"""Display helpers of the audit pages: a label from a mapping, a ratio as a percentage and a
person's display name (never a login)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def label(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def percent(value):
    return "—" if value is None else f"{Decimal(value) * 100:.2f}%"


@register.filter
def person_name(username):
    from jianguan.core.pdf import person

    return person(username)
