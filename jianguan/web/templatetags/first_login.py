from __future__ import annotations

from django import template

from jianguan.core.actor import ANONYMOUS
from jianguan.web.guide import guide_for

register = template.Library()


@register.simple_tag(takes_context=True)
def first_login_guide(context):
    """The actor's first-login guide, or None once closed (read from the request's actor)."""
    request = context.get("request")
    return guide_for(getattr(request, "actor", None) or ANONYMOUS)
