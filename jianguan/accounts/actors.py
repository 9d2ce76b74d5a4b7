"""Build the Actor for a user (per request, per token, per command).

A membership whose roles are all personal (the evaluation expert: see
core.permissions.PERSONAL_ROLES) does not make its user act for the organisation: the actor
has no organisation (id, object and kind are None, the name stays for display), so every
predicate that asks "is the actor's organisation a party?" fails closed, ledger entries name
no organisation, and only grants written for the personal role apply. A user who also holds
an organisational role in that organisation (staff and expert) acts for it as before.
"""

from __future__ import annotations

from jianguan.accounts.models import Membership, User
from jianguan.accounts.selectors import memberships_of
from jianguan.core.actor import ANONYMOUS, Actor
from jianguan.core.permissions import MEMBER_ROLES


def acts_for_organisation(membership: Membership) -> bool:
    """Does this membership hold a role exercised for the organisation?"""
    return any(role in MEMBER_ROLES for role in membership.roles)


def actor_for(user: User | None, organisation_id: int | None = None) -> Actor:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    memberships = list(memberships_of(user=user))
    chosen = None
    if organisation_id is not None:
        chosen = next((m for m in memberships if m.organisation_id == organisation_id), None)
    if chosen is None and memberships:
        # By default the first membership that acts for its organisation, else a personal one.
        chosen = next((m for m in memberships if acts_for_organisation(m)), memberships[0])
    org = chosen.organisation if chosen else None
    acting = org if chosen is not None and acts_for_organisation(chosen) else None
    return Actor(
        user=user,
        user_id=user.pk,
        username=user.username,
        display_name=user.display_name or user.username,
        organisation=acting,
        organisation_id=acting.pk if acting else None,
        organisation_kind=acting.kind if acting else None,
        organisation_name=org.name if org else "",
        roles=frozenset(chosen.roles) if chosen else frozenset(),
        memberships=tuple(memberships),
    )
