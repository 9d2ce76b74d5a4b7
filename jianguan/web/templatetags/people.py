"""`{% person username %}`: a person's name where a record stores the username (signatures,
reviews, inspections keep the login name as their evidence; pages show the name)."""

from __future__ import annotations

from django import template

from jianguan.web.names import person_names

register = template.Library()

_MEMO = "jianguan.people"


@register.simple_tag(takes_context=True)
def person(context, username):
    if not username:
        return "—"
    # One lookup per person per page render, however many rows name them.
    memo = context.render_context.setdefault(_MEMO, {})
    if username not in memo:
        memo.update(person_names({str(username)}))
    return memo.get(str(username), "用户")
