"""Template context: the actor, its organisations and the sidebar it may see."""

from __future__ import annotations

import time

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
# kept in the person's session (saved on every request anyway, so keeping them costs no query,
# and every web process reads the same session) per organisation and day for
# BADGE_TTL_SECONDS, and forgotten as soon as the person writes anything
# (BadgeRefreshMiddleware), so one's own work shows at once; work that others hand over shows
# within the time limit (and at once on the dashboard, which always gathers the list).
BADGE_TTL_SECONDS = 120
_SESSION_KEY = "jg_badges"


def badges_forget(request: HttpRequest) -> None:
    session = getattr(request, "session", None)
    if session is not None and _SESSION_KEY in session:
        del session[_SESSION_KEY]


def _summary(todo: list[TodoItem]) -> tuple[dict[str, int], set[str]]:
    badges = counts_by_module(todo)
    badges["dashboard"] = len(todo)
    late = {i.module for i in todo if i.overdue}  # one pass: a thousand items, a dozen modules
    if late:
        late.add("dashboard")
    return badges, late


def _badges(request: HttpRequest) -> tuple[dict[str, int], set[str]]:
    todo = getattr(request, "_todo", None)
    session = getattr(request, "session", None)
    tag = [request.actor.organisation_id, str(today_local())]
    if todo is None and session is not None:
        kept = session.get(_SESSION_KEY)
        if kept and kept["tag"] == tag and 0 <= time.time() - kept["at"] < BADGE_TTL_SECONDS:
            return kept["badges"], set(kept["late"])
    if todo is None:
        todo = todo_of(request)
    badges, late = _summary(todo)
    if session is not None:
        session[_SESSION_KEY] = {
            "tag": tag,
            "at": time.time(),
            "badges": badges,
            "late": sorted(late),
        }
    return badges, late


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
