"""Reads of schedules, scoped to the actor: a project's parties (its active participants) and
the district's regulator see its schedule; nobody else learns that it exists (404). Keeping it
is for the owner, the general contractor and the supervisor of the project."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jianguan.collab.schedule.models import Activity, Schedule
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.permissions import require
from jianguan.projects.models import Participant, Project

KEEPERS = ("owner", "general_contractor", "supervisor")


def _visible_q(actor: Actor, field: str = "project_id") -> Q:
    if actor.is_kind("regulator"):
        return Q()
    if actor.organisation_id is None:
        return Q(pk__in=[])
    ids = Participant.objects.filter(organisation_id=actor.organisation_id, is_active=True)
    return Q(**{f"{field}__in": ids.values("project_id")})


def is_keeper(actor: Actor, project_id: int) -> bool:
    return actor.organisation_id is not None and (
        Participant.objects.filter(
            project_id=project_id,
            organisation_id=actor.organisation_id,
            role__in=KEEPERS,
            is_active=True,
        ).exists()
    )


def project_for(*, actor: Actor, pk: int) -> Project:
    require(actor, "collab_schedule.view")
    project = Project.objects.filter(pk=pk).filter(_visible_q(actor, "pk")).first()
    if project is None:
        raise NotFound("项目不存在", code="project_not_found")
    return project


def project_to_keep(*, actor: Actor, pk: int) -> Project:
    """The project, for someone who may keep its schedule (403 for a party that may not)."""
    require(actor, "collab_schedule.manage")
    project = project_for(actor=actor, pk=pk)
    if not is_keeper(actor, project.pk):
        raise PermissionDenied(
            "只有建设单位、施工总承包单位和监理单位可以维护进度计划", code="not_schedule_keeper"
        )
    return project


def schedule_of(project: Project) -> Schedule | None:
    return Schedule.objects.filter(project=project).first()


def schedule_for(*, actor: Actor, project_id: int) -> Schedule:
    project = project_for(actor=actor, pk=project_id)
    schedule = schedule_of(project)
    if schedule is None:
        raise NotFound("该项目尚未导入进度计划", code="schedule_not_found")
    return schedule


def schedules_visible_to(*, actor: Actor) -> QuerySet[Schedule]:
    require(actor, "collab_schedule.view")
    return (
        Schedule.objects.filter(_visible_q(actor))
        .select_related("project", "imported_by")
        .order_by("project__name", "pk")
    )


def activity_to_keep(*, actor: Actor, pk: int) -> Activity:
    require(actor, "collab_schedule.manage")
    activity = (
        Activity.objects.filter(pk=pk)
        .filter(_visible_q(actor, "schedule__project_id"))
        .select_related("schedule", "schedule__project")
        .first()
    )
    if activity is None:
        raise NotFound("作业不存在", code="activity_not_found")
    if not is_keeper(actor, activity.schedule.project_id):
        raise PermissionDenied(
            "只有建设单位、施工总承包单位和监理单位可以填报进度", code="not_schedule_keeper"
        )
    return activity
