"""Reads of the compliance loop, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jianguan.accounts.models import Organisation
from jianguan.compliance import sanctions, workflow
from jianguan.compliance.models import (
    Inspection,
    RectificationOrder,
    ReInspection,
    RiskAssessment,
    Sanction,
    SanctionAppeal,
)
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


# --- cards, blacklist, procurement bans ----------------------------------------------------------


def sanctions_in_force(organisation, on: dt.date) -> QuerySet[Sanction]:
    org_id = getattr(organisation, "pk", organisation)
    return Sanction.objects.filter(
        organisation_id=org_id,
        status=sanctions.ACTIVE,
        effective_from__lte=on,
        effective_to__gte=on,
    ).order_by("issued_on", "pk")


def sanction_reasons(organisation, on: dt.date) -> list[str]:
    """The sanction provider for registry eligibility: Chinese lines, one per sanction in force."""
    return [
        f"{sanctions.KINDS[s.kind]} {s.number}（{s.reason}；"
        f"{s.effective_from.isoformat()} 至 {s.effective_to.isoformat()}）"
        for s in sanctions_in_force(organisation, on)
    ]


def sanctions_public(*, q: str = "", kind: str = "", on: dt.date | None = None):
    """Published records (no login): within their publication period, never revoked/repaired."""
    on = on or today_local()
    qs = Sanction.objects.filter(
        status__in=(sanctions.ACTIVE,), published_from__lte=on, published_to__gte=on
    ).select_related("organisation")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(organisation__credit_code__iexact=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-issued_on", "-pk")


def sanctions_visible_to(*, actor: Actor) -> QuerySet[Sanction]:
    """Regulators see every decision; an organisation sees its own."""
    _require_view(actor)
    qs = Sanction.objects.select_related("organisation").prefetch_related("appeals")
    if actor.is_system or actor.is_kind("regulator"):
        return qs
    return qs.filter(organisation_id=actor.organisation_id)


def sanction_get_visible_to(*, actor: Actor, pk: int) -> Sanction:
    if not 0 < pk < 2**62:
        raise NotFound("处理决定不存在", code="sanction_not_found")
    try:
        return sanctions_visible_to(actor=actor).get(pk=pk)
    except Sanction.DoesNotExist:
        raise NotFound("处理决定不存在或无权查看", code="sanction_not_found") from None


def appeals_pending(*, actor: Actor) -> QuerySet[SanctionAppeal]:
    _require_view(actor)
    if not (actor.is_system or actor.is_kind("regulator")):
        return SanctionAppeal.objects.none()
    return SanctionAppeal.objects.filter(status=sanctions.APPEAL_SUBMITTED).select_related(
        "sanction", "organisation"
    )


# --- the dashboard (工作台) -----------------------------------------------------------------


def order_filters(qs: QuerySet[RectificationOrder], *, actor: Actor, params) -> QuerySet:
    """The order list's filters (?status=, ?open=1, ?overdue=1, ?mine=1), shared by the list page and
    the dashboard's counts so that a count and the list it links to always agree."""
    status = params.get("status") or ""
    if status in workflow.ORDER_LABELS:
        qs = qs.filter(status=status)
    if params.get("open") == "1":
        qs = qs.filter(status__in=OPEN_ORDER_STATES)
    if params.get("overdue") == "1":
        qs = qs.filter(status__in=OPEN_ORDER_STATES, due_on__lt=today_local())
    if params.get("mine") == "1":
        qs = qs.filter(responsible_organisation_id=actor.organisation_id)
    return qs


OPEN_ORDER_STATES = ("open", "answered", "failed")


def sanction_filters(qs: QuerySet[Sanction], params, on: dt.date) -> QuerySet[Sanction]:
    """The sanction list's filters (?kind=, ?in_force=1)."""
    kind = params.get("kind") or ""
    if kind in sanctions.KINDS:
        qs = qs.filter(kind=kind)
    if params.get("in_force") == "1":
        qs = qs.filter(status=sanctions.ACTIVE, effective_from__lte=on, effective_to__gte=on)
    return qs


def dashboard_compliance(*, actor: Actor, on: dt.date) -> dict:
    """Orders by status with the overdue ones, and sanctions in force by kind: the district's
    for the regulator, the organisation's own (as the responsible party) for anyone else.
    Two aggregate queries whatever the numbers."""
    from django.db.models import Count

    district = actor.is_system or actor.is_kind("regulator")
    orders = orders_visible_to(actor=actor)
    if not district:
        orders = orders.filter(responsible_organisation_id=actor.organisation_id)
    counts = orders.order_by().aggregate(
        **{f"s_{s.value}": Count("id", filter=Q(status=s.value)) for s in workflow.OrderStatus},
        overdue=Count("id", filter=Q(status__in=OPEN_ORDER_STATES, due_on__lt=on)),
    )
    in_force = dict(
        sanction_filters(sanctions_visible_to(actor=actor), {"in_force": "1"}, on)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return {
        "district": district,
        "statuses": [
            {"value": s.value, "label": workflow.ORDER_LABELS[s], "count": counts[f"s_{s.value}"]}
            for s in workflow.OrderStatus
        ],
        "open": sum(counts[f"s_{s}"] for s in OPEN_ORDER_STATES),
        "overdue": counts["overdue"],
        "sanctions": [
            {"value": k, "label": label, "count": in_force.get(k, 0)}
            for k, label in sanctions.KINDS.items()
        ],
        "sanctions_total": sum(in_force.values()),
    }


def projects_to_inspect(*, actor: Actor, query: str, limit: int = 20) -> list[Project]:
    """The index page's project picker (发起检查): projects the actor sees and may inspect whose
    code or name contains `query` (issue 16: a project without orders is reached here too)."""
    from jianguan.compliance.actions import may_inspect

    # no control characters: PostgreSQL refuses NUL in a LIKE pattern
    query = "".join(ch for ch in (query or "") if ord(ch) >= 32).strip()[:100]
    if not query:
        return []
    qs = project_list_visible_to(actor=actor).filter(
        Q(code__icontains=query) | Q(name__icontains=query)
    )
    return [p for p in qs.order_by("-code")[:limit] if may_inspect(actor, p)]
