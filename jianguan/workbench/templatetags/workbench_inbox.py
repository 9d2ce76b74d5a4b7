"""{% inbox_unread_count %}: the bell's number, one indexed count per page and none for
anonymous visitors."""

from __future__ import annotations

from django import template

from jianguan.workbench.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user_id=user.pk)
