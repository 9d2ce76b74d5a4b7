"""Who sees a project: regulators/finance/auditors all; participants their projects."""

from __future__ import annotations

from jianguan.core.actor import Actor
from jianguan.ledger import visibility


def is_participant(actor: Actor, project_id: str | int) -> bool:
    from jianguan.projects.models import Participant

    if actor.organisation_id is None:
        return False
    return Participant.objects.filter(
        project_id=project_id, organisation_id=actor.organisation_id, is_active=True
    ).exists()


def _project(actor: Actor, object_id: str) -> bool:
    return object_id.isdigit() and (
        actor.can("projects.view_all") or is_participant(actor, object_id)
    )


def register_all() -> None:
    visibility.register("projects", "project", _project)
