"""Reads of tasks and meetings, always scoped to the actor: a project's parties (its active
participants) and the district's regulator see its tasks and meetings; nobody else learns
that they exist (404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jianguan.collab.tasks import workflow
from jianguan.collab.tasks.models import Meeting, Task
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require
from jianguan.projects.models import Participant, Project

MANAGER_PARTIES = ("owner", "general_contractor", "supervisor")
MANAGER_ROLES = ("org_admin", "admin", "signer")


def party_project_ids(actor: Actor) -> QuerySet:
    return Participant.objects.filter(organisation_id=actor.organisation_id, is_active=True).values(
        "project_id"
    )


def _visible_projects_q(actor: Actor, field: str = "project_id") -> Q:
    if actor.is_kind("regulator"):
        return Q()
    if actor.organisation_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": party_project_ids(actor)})


def is_party(actor: Actor, project_id: int) -> bool:
    return actor.organisation_id is not None and (
        Participant.objects.filter(
            project_id=project_id, organisation_id=actor.organisation_id, is_active=True
        ).exists()
    )


def is_manager(actor: Actor, project_id: int) -> bool:
    return actor.has_role(*MANAGER_ROLES) and (
        Participant.objects.filter(
            project_id=project_id,
            organisation_id=actor.organisation_id,
            role__in=MANAGER_PARTIES,
            is_active=True,
        ).exists()
    )


def project_for(*, actor: Actor, pk: int) -> Project:
    require(actor, "collab_tasks.view")
    project = Project.objects.filter(pk=pk).filter(_visible_projects_q(actor, "pk")).first()
    if project is None:
        raise NotFound("项目不存在", code="project_not_found")
    return project


def tasks_visible_to(*, actor: Actor) -> QuerySet[Task]:
    require(actor, "collab_tasks.view")
    return (
        Task.objects.filter(_visible_projects_q(actor))
        .select_related("project", "assignee_org", "assignee_user", "created_by")
        .order_by("due_on", "pk")
    )


def task_get(*, actor: Actor, pk: int) -> Task:
    task = tasks_visible_to(actor=actor).filter(pk=pk).first()
    if task is None:
        raise NotFound("任务不存在", code="task_not_found")
    return task


def filter_tasks(
    qs: QuerySet[Task],
    *,
    status: str = "",
    priority: str = "",
    assignee: str = "",
    due: str = "",
    today: dt.date,
    actor: Actor | None = None,
) -> QuerySet[Task]:
    """The list's filters: status, priority, assignee ("me", "org:<id>", "user:<id>"), due
    ("overdue", "week", "none")."""
    if status == "open":
        qs = qs.filter(status__in=workflow.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if assignee == "me" and actor is not None:
        qs = qs.filter(mine_q(actor))
    elif assignee.startswith("org:") and assignee[4:].isdigit():
        qs = qs.filter(assignee_org_id=int(assignee[4:]))
    elif assignee.startswith("user:") and assignee[5:].isdigit():
        qs = qs.filter(assignee_user_id=int(assignee[5:]))
    if due == "overdue":
        qs = qs.filter(status__in=workflow.OPEN_STATUSES, due_on__lt=today)
    elif due == "week":
        qs = qs.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7))
    elif due == "none":
        qs = qs.filter(due_on__isnull=True)
    return qs


def mine_q(actor: Actor) -> Q:
    """Assigned to the actor, or to its organisation with nobody named."""
    return Q(assignee_user_id=actor.user_id) | Q(
        assignee_user__isnull=True, assignee_org_id=actor.organisation_id
    )


def my_open_tasks(*, actor: Actor) -> QuerySet[Task]:
    return tasks_visible_to(actor=actor).filter(mine_q(actor), status__in=workflow.OPEN_STATUSES)


def standing(actor: Actor, task: Task, *, manager: bool | None = None) -> set[str]:
    """The actor's standing to a task (workflow.ASSIGNEE/CREATOR/MANAGER); ``manager`` when
    the caller already knows it for the project (the board asks once)."""
    out = set()
    if actor.user_id is None:
        return out
    if task.assignee_user_id == actor.user_id or (
        task.assignee_user_id is None and task.assignee_org_id == actor.organisation_id
    ):
        out.add(workflow.ASSIGNEE)
    if task.created_by_id == actor.user_id:
        out.add(workflow.CREATOR)
    if manager if manager is not None else is_manager(actor, task.project_id):
        out.add(workflow.MANAGER)
    return out


def party_people(project_id: int) -> list[dict]:
    """Every active person of the project's parties, by organisation (the pickers)."""
    from jianguan.accounts.models import Membership

    orgs = (
        Participant.objects.filter(project_id=project_id, is_active=True)
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )
    seen: dict[int, dict] = {}
    for p in orgs:
        seen.setdefault(
            p.organisation_id,
            {
                "id": p.organisation_id,
                "name": p.organisation.name,
                "role": p.get_role_display(),
                "people": [],
            },
        )
    members = (
        Membership.objects.filter(
            organisation_id__in=list(seen), is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    for m in members:
        seen[m.organisation_id]["people"].append({"id": m.user_id, "name": str(m.user)})
    return list(seen.values())


def meetings_visible_to(*, actor: Actor) -> QuerySet[Meeting]:
    require(actor, "collab_tasks.view")
    return Meeting.objects.filter(_visible_projects_q(actor)).select_related(
        "project", "created_by", "organiser_org", "issued_by"
    )


def meeting_get(*, actor: Actor, pk: int) -> Meeting:
    meeting = meetings_visible_to(actor=actor).filter(pk=pk).first()
    if meeting is None:
        raise NotFound("会议不存在", code="meeting_not_found")
    return meeting
