"""Specialty codes (J09) as their Chinese names on the expert pages."""

from __future__ import annotations

from django import template

from jianguan.experts.specialties import label

register = template.Library()


@register.filter
def specialty(code) -> str:
    return label(str(code)) if code else "—"


@register.filter
def specialties(codes) -> str:
    return "、".join(label(str(c)) for c in codes or ()) or "—"
