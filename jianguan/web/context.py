"""Template context: the actor, its organisations and the sidebar it may see."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jianguan.core.timeutil import today_local
from jianguan.core.todo import TodoItem, counts_by_module, todo_for
from jianguan.web import nav


def todo_of(request: HttpRequest) -> list[TodoItem]:
    """The actor's to-do list, gathered once per request (the sidebar badges and the
    dashboard read the same list)."""
    cached = getattr(request, "_todo", None)
    if cached is None:
        cached = todo_for(request.actor, today_local())
        request._todo = cached  # type: ignore[attr-defined]
    return cached


# Badges on every page without running every to-do provider on every page: the counts are
# kept per person, organisation and day for BADGE_TTL_SECONDS, and forgotten as soon as the
# person writes anything (BadgeRefreshMiddleware), so one's own work shows at once; work that
# others hand over shows within the time limit (and at once on the dashboard, which always
# gathers the list).
BADGE_TTL_SECONDS = 120


def _badge_key(actor) -> str:
    return f"jg:badges:{actor.user_id}:{actor.organisation_id}:{today_local()}"


def badges_forget(actor) -> None:
    cache.delete(_badge_key(actor))


def _summary(todo: list[TodoItem]) -> tuple[dict[str, int], set[str]]:
    badges = counts_by_module(todo)
    badges["dashboard"] = len(todo)
    late = {i.module for i in todo if i.overdue}  # one pass: a thousand items, a dozen modules
    if late:
        late.add("dashboard")
    return badges, late


def _badges(request: HttpRequest) -> tuple[dict[str, int], set[str]]:
    todo = getattr(request, "_todo", None)
    key = _badge_key(request.actor)
    if todo is None:
        hit = cache.get(key)
        if hit is not None:
            return hit
        todo = todo_of(request)
    summary = _summary(todo)
    cache.set(key, summary, BADGE_TTL_SECONDS)
    return summary


def navigation(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_authenticated:
        return {"nav_items": [], "actor": actor}
    entries = []
    path = request.path
    badges, late = _badges(request)
    for item in nav.items():
        if not actor.can(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        matches = path == url if url == "/" else path.startswith(url)
        entries.append(
            {
                "item": item,
                "url": url,
                "active": matches,
                "badge": badges.get(item.key, 0),
                "late": item.key in late,
            }
        )
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
