"""Reads of daily logs, scoped to the actor: a log is visible to whoever sees its project once
signed; a draft only to the organisation writing it (it is not yet a record)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from jianguan.collab.dailylogs import workflow
from jianguan.collab.dailylogs.models import DailyLog, DailyLogPhoto
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.permissions import require
from jianguan.projects.models import Participant, Project
from jianguan.projects.selectors import project_get_visible_to, project_list_visible_to


def project_for(*, actor: Actor, pk: int) -> Project:
    require(actor, "dailylogs.view")
    return project_get_visible_to(actor=actor, pk=pk)


def _scope(actor: Actor, qs: QuerySet[DailyLog]) -> QuerySet[DailyLog]:
    mine = Q(organisation_id=actor.organisation_id) if actor.organisation_id else Q(pk__in=[])
    return qs.filter(Q(status=workflow.SIGNED) | mine)


def logs_of(*, actor: Actor, project: Project) -> QuerySet[DailyLog]:
    qs = DailyLog.objects.filter(project=project).select_related("author", "organisation")
    return _scope(actor, qs).annotate(photo_count=Count("photos"))


def log_get(*, actor: Actor, pk: int) -> DailyLog:
    require(actor, "dailylogs.view")
    if not 0 < pk < 2**62:
        raise NotFound("日志不存在", code="log_not_found")
    visible = project_list_visible_to(actor=actor).values("pk")
    qs = DailyLog.objects.filter(project_id__in=visible).select_related(
        "project", "author", "organisation", "addendum_of"
    )
    log = _scope(actor, qs).filter(pk=pk).first()
    if log is None:
        raise NotFound("日志不存在或无权查看", code="log_not_found")
    return log


def photo_get(*, actor: Actor, log: DailyLog, pk: int) -> DailyLogPhoto:
    photo = DailyLogPhoto.objects.filter(log=log, pk=pk).first() if 0 < pk < 2**62 else None
    if photo is None:
        raise NotFound("照片不存在", code="photo_not_found")
    return photo


def writer_kind(actor: Actor, project: Project) -> str | None:
    """The kind of log the actor writes on this project (None: none)."""
    if not actor.can("dailylogs.write") or actor.organisation_id is None:
        return None
    roles = set(
        Participant.objects.filter(
            project=project, organisation_id=actor.organisation_id, is_active=True
        ).values_list("role", flat=True)
    )
    for kind, role in workflow.WRITER_ROLE.items():
        if role in roles:
            return kind
    return None


def require_writer(actor: Actor, project: Project, kind: str) -> None:
    require(actor, "dailylogs.write")
    if writer_kind(actor, project) != kind:
        who = "施工总承包单位" if kind == workflow.CONSTRUCTION else "监理单位"
        raise PermissionDenied(
            f"{workflow.KINDS[kind]}只能由本项目的{who}填写", code="not_log_writer"
        )


def attendance_manpower(project: Project, day: dt.date) -> list[dict]:
    """Manpower by trade from the smart site's attendance that day (read only); [] if none."""
    from jianguan.smartsite.workers.models import AttendanceDay

    rows = (
        AttendanceDay.objects.filter(project=project, day=day)
        .values("trade")
        .annotate(n=Count("worker", distinct=True))
        .order_by("trade")
    )
    return [{"trade": r["trade"], "count": r["n"], "from_attendance": True} for r in rows]


def trades() -> dict[str, str]:
    from jianguan.smartsite.workers.workflow import TRADES

    return TRADES


def addenda_of(*, actor: Actor, log: DailyLog) -> QuerySet[DailyLog]:
    return _scope(actor, log.addenda.select_related("author")).order_by("pk")


def other_parties(log: DailyLog, actor: Actor):
    from jianguan.accounts.models import Organisation

    return (
        Organisation.objects.filter(
            participations__project_id=log.project_id, participations__is_active=True
        )
        .exclude(pk=actor.organisation_id or 0)
        .distinct()
        .order_by("name")
    )
