"""Build the Actor for a user (per request, per token, per command)."""

from __future__ import annotations

from jianguan.accounts.models import User
from jianguan.accounts.selectors import memberships_of
from jianguan.core.actor import ANONYMOUS, Actor


def actor_for(user: User | None, organisation_id: int | None = None) -> Actor:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    memberships = list(memberships_of(user=user))
    chosen = None
    if organisation_id is not None:
        chosen = next((m for m in memberships if m.organisation_id == organisation_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    org = chosen.organisation if chosen else None
    return Actor(
        user=user,
        user_id=user.pk,
        username=user.username,
        display_name=user.display_name or user.username,
        organisation=org,
        organisation_id=org.pk if org else None,
        organisation_kind=org.kind if org else None,
        organisation_name=org.name if org else "",
        roles=frozenset(chosen.roles) if chosen else frozenset(),
        memberships=tuple(memberships),
    )
