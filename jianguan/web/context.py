"""Template context: the actor, its organisations and the sidebar it may see."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jianguan.web import nav


def navigation(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_authenticated:
        return {"nav_items": [], "actor": actor}
    entries = []
    path = request.path
    for item in nav.items():
        if not actor.can(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        matches = path == url if url == "/" else path.startswith(url)
        entries.append({"item": item, "url": url, "active": matches})
    # Only the most specific entry is active (/projects/map/ is not also /projects/).
    longest = max((len(e["url"]) for e in entries if e["active"]), default=0)
    for e in entries:
        e["active"] = e["active"] and len(e["url"]) == longest
    memberships = list(actor.memberships)
    from jianguan.accounts.models import Role

    labels = dict(Role.choices)
    role_labels = [labels.get(r, r) for r in sorted(actor.roles)]
    return {
        "nav_items": entries,
        "actor": actor,
        "actor_memberships": memberships,
        "actor_role_labels": role_labels,
    }
