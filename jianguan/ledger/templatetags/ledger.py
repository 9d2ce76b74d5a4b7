from __future__ import annotations

from django import template

from jianguan.ledger import display, selectors
from jianguan.ledger.models import TreeHead

register = template.Library()


@register.filter
def event_label(event_type: str) -> str:
    from jianguan.ledger.labels import label

    return label(event_type)


@register.inclusion_tag("ledger/history_panel.html", takes_context=True)
def ledger_history(context, obj):
    """The object's 履历, less the entries embargoed from the viewer (an unknown viewer is
    treated as anonymous: every embargo holds)."""
    from jianguan.core.actor import ANONYMOUS

    request = context.get("request")
    actor = getattr(request, "actor", None) or ANONYMOUS
    head = TreeHead.objects.order_by("-id").first()
    items = selectors.history_verified(obj, head, actor=actor)
    # Who did it, by name and organisation (the entries store usernames and credit codes).
    words = display.describe([item.entry for item in items])
    for item in items:
        item.entry.words = words[item.entry.index]
    return {"items": items, "head": head}
