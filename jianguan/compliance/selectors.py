"""Reads of the compliance loop, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from jianguan.accounts.models import Organisation
from jianguan.compliance import workflow
from jianguan.compliance.models import Inspection, RectificationOrder, ReInspection, RiskAssessment
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Project
from jianguan.projects.selectors import project_get_visible_to, project_list_visible_to


def consecutive_failures(organisation: Organisation | int) -> int:
    """Failed re-inspections of the organisation's orders in a row, newest first, until a pass."""
    org_id = getattr(organisation, "pk", organisation)
    results = (
        ReInspection.objects.filter(responsible_organisation_id=org_id)
        .order_by("-created_at", "-pk")
        .values_list("result", flat=True)
    )
    return workflow.consecutive_failures(results.iterator(chunk_size=100))


def _require_view(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    if not actor.can("compliance.view"):
        raise PermissionDenied("无权查看检查整改", code="permission_denied")


def project_for(*, actor: Actor, pk: int) -> Project:
    _require_view(actor)
    return project_get_visible_to(actor=actor, pk=pk)


def inspections_for(*, actor: Actor, project: Project) -> QuerySet[Inspection]:
    project_get_visible_to(actor=actor, pk=project.pk)
    return (
        Inspection.objects.filter(project=project)
        .select_related("inspector_organisation")
        .prefetch_related("findings__order", "findings__responsible_organisation")
    )


def orders_visible_to(
    *, actor: Actor, project: Project | None = None
) -> QuerySet[RectificationOrder]:
    _require_view(actor)
    projects = project_list_visible_to(actor=actor).values("pk")
    qs = RectificationOrder.objects.filter(project_id__in=projects).select_related(
        "project", "finding", "responsible_organisation"
    )
    if project is not None:
        qs = qs.filter(project=project)
    return qs


def order_get_visible_to(*, actor: Actor, pk: int) -> RectificationOrder:
    if not 0 < pk < 2**62:
        raise NotFound("整改通知单不存在", code="order_not_found")
    try:
        return orders_visible_to(actor=actor).select_related("finding__inspection").get(pk=pk)
    except RectificationOrder.DoesNotExist:
        raise NotFound("整改通知单不存在或无权查看", code="order_not_found") from None


def overdue_orders(*, actor: Actor) -> QuerySet[RectificationOrder]:
    return orders_visible_to(actor=actor).filter(
        status__in=("open", "answered", "failed"), due_on__lt=today_local()
    )


def risk_for(*, actor: Actor, project: Project) -> RiskAssessment | None:
    project_get_visible_to(actor=actor, pk=project.pk)
    return RiskAssessment.objects.filter(project=project).prefetch_related("items").first()
