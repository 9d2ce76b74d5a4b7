"""Small display helpers for the register pages: badges, money in 万元."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from jianguan.projects.models import WarningLevel
from jianguan.projects.workflow import STAGE_LABELS, Stage

register = template.Library()

# Warning level -> (Tabler colour, hex for charts and map markers).
LEVEL_COLOURS = {
    0: ("green", "#2fb344"),
    1: ("blue", "#066fd1"),
    2: ("yellow", "#f59f00"),
    3: ("orange", "#f76707"),
    4: ("red", "#d63939"),
}
LEVEL_WORDS = {0: "正常", 1: "蓝色", 2: "黄色", 3: "橙色", 4: "红色"}
STAGE_COLOURS = {
    "approval": "secondary",
    "design": "purple",
    "tendering": "indigo",
    "construction": "azure",
    "completion_acceptance": "teal",
    "settlement": "lime",
    "warranty": "cyan",
    "archived": "dark",
}


def level_label(level: int) -> str:
    try:
        return WarningLevel(int(level)).label
    except (ValueError, TypeError):
        return "—"


@register.simple_tag
def warning_badge(level, solid=False):
    level = int(level or 0)
    colour = LEVEL_COLOURS.get(level, LEVEL_COLOURS[0])[0]
    css = f"bg-{colour} text-{colour}-fg" if solid else f"bg-{colour}-lt"
    icon = "ti-circle-check" if level == 0 else "ti-alert-triangle"
    return format_html(
        '<span class="badge {} jg-warning" data-level="{}"><i class="ti {} me-1"></i>{}</span>',
        css,
        level,
        icon,
        level_label(level),
    )


@register.simple_tag
def stage_badge(stage):
    try:
        label = STAGE_LABELS[Stage(stage)]
    except ValueError:
        label = str(stage)
    colour = STAGE_COLOURS.get(str(stage), "secondary")
    return format_html('<span class="badge bg-{}-lt jg-stage">{}</span>', colour, label)


@register.filter
def warning_rule(code: str) -> str:
    """A warning rule's Chinese name and its article: 进度滞后（大兴区预警政策）."""
    from jianguan.projects.warnings import rules

    rule = next((r for r in rules() if r.code == code), None)
    if rule is None:
        return "预警规则"
    return f"{rule.label}（{rule.reference}）" if rule.reference else rule.label


@register.filter
def level_word(level) -> str:
    return LEVEL_WORDS.get(int(level or 0), "")


@register.filter
def wan(amount) -> str:
    """Yuan as 万元 with two places and thousands separators: 12345678.9 -> 1,234.57."""
    try:
        value = Decimal(str(amount)) / Decimal(10000)
    except (InvalidOperation, ValueError, TypeError):
        return "—"
    return f"{value.quantize(Decimal('0.01')):,}"


@register.filter
def yuan(amount) -> str:
    """Yuan with thousands separators and two places: 45600000 -> 45,600,000.00."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        return "—"
    return f"{value.quantize(Decimal('0.01')):,}"
