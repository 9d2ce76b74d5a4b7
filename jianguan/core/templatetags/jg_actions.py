"""``{% object_actions "kind" obj %}``: the buttons other apps offer on an object's page
(jianguan/core/object_actions.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from jianguan.core.object_actions import actions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_actions(context, kind: str, obj) -> str:
    request = context.get("request")
    actions = actions_for(kind, getattr(request, "actor", None), obj)
    if not actions:
        return ""
    buttons = format_html_join(
        "",
        '<a class="btn btn-sm btn-outline-primary" href="{}" data-object-action="{}">'
        '<i class="ti {}"></i> {}</a>',
        ((a.url(obj), a.code, a.icon, a.label) for a in actions),
    )
    return format_html('<span class="d-inline-flex flex-wrap gap-2">{}</span>', buttons)
