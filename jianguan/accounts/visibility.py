"""Ledger visibility of accounts objects: members see their organisation, users themselves."""

from __future__ import annotations

from jianguan.core.actor import Actor
from jianguan.ledger import visibility


def _organisation(actor: Actor, object_id: str) -> bool:
    return str(actor.organisation_id) == object_id


def _user(actor: Actor, object_id: str) -> bool:
    return str(actor.user_id) == object_id


def _membership(actor: Actor, object_id: str) -> bool:
    from jianguan.accounts.models import Membership

    return (
        Membership.objects.filter(pk=object_id, user_id=actor.user_id).exists()
        if (object_id.isdigit())
        else False
    )


def register_all() -> None:
    visibility.register("accounts", "organisation", _organisation)
    visibility.register("accounts", "user", _user)
    visibility.register("accounts", "membership", _membership)
    register_onboarding()


def _application(actor: Actor, object_id: str) -> bool:
    """Once approved, the organisation it created reads its own application's entries."""
    from jianguan.accounts.models import OrganisationApplication

    return (
        object_id.isdigit()
        and actor.organisation_id is not None
        and OrganisationApplication.objects.filter(
            pk=object_id, organisation_id=actor.organisation_id
        ).exists()
    )


def register_onboarding() -> None:
    visibility.register("accounts", "organisationapplication", _application)
