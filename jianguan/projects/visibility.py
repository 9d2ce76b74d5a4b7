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


def sees_project_of(model):
    """The ledger rule of an object that is visible exactly when its project is (a camera, a
    monitor, an alert): ``model`` has a ``project_id``."""

    def rule(actor: Actor, object_id: str) -> bool:
        if not object_id.isdigit():
            return False
        project_id = (
            model.objects.filter(pk=int(object_id)).values_list("project_id", flat=True).first()
        )
        return project_id is not None and _project(actor, str(project_id))

    return rule


def _project(actor: Actor, object_id: str) -> bool:
    return object_id.isdigit() and (
        actor.can("projects.view_all") or is_participant(actor, object_id)
    )


def register_all() -> None:
    visibility.register("projects", "project", _project)
