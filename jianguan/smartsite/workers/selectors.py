"""Reads of workers, contracts, rosters, attendance and alerts, scoped to the actor.

Who sees a project's roster (实名制花名册):
- the regulator (all workers of every site);
- the project's general contractor, owner and supervisor (all its workers);
- a labour or specialist subcontractor on the project (its own workers only).
Anyone else (another contractor) is told the project does not exist for them.

Full identity and bank card numbers: the regulator, the project's general contractor and the
worker's own employer, each with ``smartsite.identity_view``; everyone else sees the masked form.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.projects.models import Participant, Project
from jianguan.smartsite.workers import crypto, workflow
from jianguan.smartsite.workers.models import (
    AttendanceDay,
    EntryAlert,
    GateDevice,
    LabourContract,
    Placement,
    Worker,
)

ALL, OWN = "all", "own"
WHOLE_ROSTER_ROLES = ("general_contractor", "owner", "supervisor")


@dataclass(frozen=True)
class Scope:
    """What one actor may see of one project's workers."""

    project: Project
    reach: str  # ALL or OWN (own employer's workers only)
    is_gc: bool
    is_regulator: bool
    organisation_id: int | None

    def filter_workers(self, qs: QuerySet) -> QuerySet:
        return qs if self.reach == ALL else qs.filter(employer_id=self.organisation_id)


def _roles_on(actor: Actor, project: Project) -> set[str]:
    if actor.organisation_id is None:
        return set()
    return set(
        Participant.objects.filter(
            project=project, organisation_id=actor.organisation_id, is_active=True
        ).values_list("role", flat=True)
    )


def scope_for(*, actor: Actor, project: Project) -> Scope:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    if not actor.can("smartsite.view"):
        raise PermissionDenied("无权查看智慧工地", code="permission_denied")
    if actor.is_kind("regulator") or actor.is_system:
        return Scope(project, ALL, False, True, actor.organisation_id)
    roles = _roles_on(actor, project)
    if roles & set(WHOLE_ROSTER_ROLES):
        return Scope(project, ALL, "general_contractor" in roles, False, actor.organisation_id)
    if roles & {"labour_subcontractor", "specialist_subcontractor"}:
        return Scope(project, OWN, False, False, actor.organisation_id)
    raise NotFound("项目不存在或无权查看实名制信息", code="project_not_found")


def project_scope(*, actor: Actor, pk: int) -> Scope:
    project = Project.objects.filter(pk=pk).select_related("owner").first()
    if project is None:
        raise NotFound("项目不存在", code="project_not_found")
    return scope_for(actor=actor, project=project)


def may_see_identity(scope: Scope, actor: Actor, worker: Worker) -> bool:
    if not actor.can("smartsite.identity_view"):
        return False
    return scope.is_regulator or scope.is_gc or worker.employer_id == actor.organisation_id


def identity_of(worker: Worker) -> str:
    return crypto.decrypt(worker.id_number_cipher, context="id_number")


def bank_card_of(worker: Worker) -> str:
    if not worker.bank_card_cipher:
        return ""
    return crypto.decrypt(worker.bank_card_cipher, context="bank_card")


def worker_by_id_number(id_number: str) -> Worker | None:
    from jianguan.smartsite.workers import idcard

    return Worker.objects.filter(
        id_number_index=crypto.blind_index(idcard.normalise(id_number))
    ).first()


def roster(scope: Scope, *, on: dt.date) -> list[dict]:
    """The site's placements (active first), each with the worker and its contract."""
    qs = (
        Placement.objects.filter(project=scope.project)
        .select_related("worker", "worker__employer", "contract")
        .prefetch_related("worker__trainings", "worker__certificates")
        .order_by("status", "worker__employer__name", "worker__name", "pk")
    )
    if scope.reach == OWN:
        qs = qs.filter(worker__employer_id=scope.organisation_id)
    return list(qs)


def workers_for_employer(*, actor: Actor) -> QuerySet[Worker]:
    """The workers the actor's own firm employs (for contracts and placements)."""
    if actor.organisation_id is None or not actor.can("smartsite.workers_manage"):
        return Worker.objects.none()
    return Worker.objects.filter(employer_id=actor.organisation_id).order_by("name", "pk")


def contracts(scope: Scope) -> QuerySet[LabourContract]:
    qs = LabourContract.objects.filter(project=scope.project).select_related("worker", "employer")
    if scope.reach == OWN:
        qs = qs.filter(employer_id=scope.organisation_id)
    return qs.order_by("-start", "-pk")


def worker_visible(scope: Scope, pk: int) -> Worker:
    """A worker with a contract or a placement on the scope's project."""
    qs = scope.filter_workers(
        Worker.objects.filter(contracts__project=scope.project).select_related("employer")
    ).distinct()
    worker = qs.filter(pk=pk).first()
    if worker is None:
        raise NotFound("该工人不在本项目或无权查看", code="worker_not_found")
    return worker


def headcount(scope: Scope, *, day: dt.date) -> dict:
    """Workers on site on a day (an entry that day), by trade and by employer."""
    rows = AttendanceDay.objects.filter(
        project=scope.project, day=day, first_in__isnull=False
    ).select_related("employer")
    if scope.reach == OWN:
        rows = rows.filter(employer_id=scope.organisation_id)
    by_trade: Counter[str] = Counter()
    by_employer: Counter[str] = Counter()
    for row in rows:
        by_trade[workflow.TRADES.get(row.trade, row.trade)] += 1
        by_employer[row.employer.name] += 1
    return {
        "day": day,
        "total": sum(by_trade.values()),
        "by_trade": sorted(by_trade.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_employer": sorted(by_employer.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def attendance_days(scope: Scope, *, start: dt.date, end: dt.date) -> QuerySet[AttendanceDay]:
    """Per worker per day in [start, end]: what a monthly payroll reads."""
    qs = AttendanceDay.objects.filter(project=scope.project, day__gte=start, day__lte=end)
    if scope.reach == OWN:
        qs = qs.filter(employer_id=scope.organisation_id)
    return qs.select_related("worker").order_by("day", "worker__name", "pk")


def devices(scope: Scope) -> QuerySet[GateDevice]:
    if not (scope.is_gc or scope.is_regulator):
        return GateDevice.objects.none()
    return GateDevice.objects.filter(project=scope.project).order_by("name", "pk")


def alerts_visible_to(*, actor: Actor) -> QuerySet[EntryAlert]:
    """Refused entries: the regulator sees all, a general contractor those of its sites."""
    qs = EntryAlert.objects.select_related("project", "device")
    if actor.is_kind("regulator") and actor.can("smartsite.alerts_handle"):
        return qs
    if actor.organisation_id is None or not actor.can("smartsite.alerts_handle"):
        return qs.none()
    projects = Participant.objects.filter(
        organisation_id=actor.organisation_id, role="general_contractor", is_active=True
    ).values("project_id")
    return qs.filter(project_id__in=projects)


def alert_visible(*, actor: Actor, pk: int) -> EntryAlert:
    alert = alerts_visible_to(actor=actor).filter(pk=pk).first()
    if alert is None:
        raise NotFound("告警不存在或无权查看", code="alert_not_found")
    return alert


def projects_with_roster(*, actor: Actor) -> QuerySet[Project]:
    """The sites whose 实名制 page the actor may open (the smart site index)."""
    qs = Project.objects.order_by("-code")
    if actor.is_kind("regulator"):
        return qs.filter(pk__in=Placement.objects.values("project_id"))
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(
        pk__in=Participant.objects.filter(
            organisation_id=actor.organisation_id,
            is_active=True,
            role__in=(*WHOLE_ROSTER_ROLES, "labour_subcontractor", "specialist_subcontractor"),
        ).values("project_id")
    )
