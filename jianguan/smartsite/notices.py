"""Whom the smart site tells at once (through the workbench's ``notify``): the people of the
firms concerned and the district's regulator. Read when a notice is sent, after commit."""

from __future__ import annotations

from collections.abc import Iterable


def people_of(organisation_ids: Iterable[int | None]) -> list[int]:
    """The active members of these organisations (user ids)."""
    from jianguan.accounts.models import Membership

    ids = {pk for pk in organisation_ids if pk is not None}
    if not ids:
        return []
    return list(
        Membership.objects.filter(organisation_id__in=ids, is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def regulator_people() -> list[int]:
    from jianguan.accounts.models import Membership

    return list(
        Membership.objects.filter(organisation__kind="regulator", is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def general_contractors_of(project_id: int) -> list[int]:
    """The organisation ids of the project's general contractor(s)."""
    from jianguan.projects.models import Participant

    return list(
        Participant.objects.filter(
            project_id=project_id, role="general_contractor", is_active=True
        ).values_list("organisation_id", flat=True)
    )
