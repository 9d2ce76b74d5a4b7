"""Reads of the register, always scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.timeutil import SHANGHAI
from jianguan.projects.models import Participant, Project

SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "budget": "budget",
    "-budget": "-budget",
    "warning": "warning_level",
    "-warning": "-warning_level",
    "stage": "stage",
    "-stage": "-stage",
    "created": "created_at",
    "-created": "-created_at",
}


@dataclass(frozen=True)
class ProjectFilter:
    q: str = ""
    town: int | None = None
    stage: str = ""
    type: str = ""
    funding: str = ""
    owner: int | None = None
    warning_level: int | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    sort: str = "-code"


def project_list_visible_to(
    *, actor: Actor, filters: ProjectFilter | None = None
) -> QuerySet[Project]:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    qs = Project.objects.select_related("town", "owner")
    if not actor.can("projects.view_all"):
        if not actor.can("projects.view_own") or actor.organisation_id is None:
            return qs.none()
        ids = Participant.objects.filter(
            organisation_id=actor.organisation_id, is_active=True
        ).values("project_id")
        qs = qs.filter(pk__in=ids)
    return apply_filters(qs, filters or ProjectFilter())


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)


def apply_filters(qs: QuerySet[Project], f: ProjectFilter) -> QuerySet[Project]:
    if f.q:
        qs = qs.filter(Q(code__icontains=f.q) | Q(name__icontains=f.q))
    if f.town:
        qs = qs.filter(town_id=f.town)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.type:
        qs = qs.filter(type=f.type)
    if f.funding:
        qs = qs.filter(funding=f.funding)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.warning_level is not None:
        qs = qs.filter(warning_level=f.warning_level)
    # A range on the stored UTC instant (not __date, which defeats the index on SQLite).
    if f.created_from:
        qs = qs.filter(created_at__gte=_local_midnight(f.created_from))
    if f.created_to:
        qs = qs.filter(created_at__lt=_local_midnight(f.created_to + dt.timedelta(days=1)))
    return qs.order_by(SORTS.get(f.sort, "-code"), "pk")


def project_get_visible_to(*, actor: Actor, pk: int) -> Project:
    if not 0 < pk < 2**62:
        raise NotFound("项目不存在", code="project_not_found")
    try:
        return project_list_visible_to(actor=actor).get(pk=pk)
    except Project.DoesNotExist:
        raise NotFound("项目不存在或无权查看", code="project_not_found") from None


def project_list_public(*, filters: ProjectFilter | None = None) -> QuerySet[Project]:
    """What the public sees without login: published basic information only."""
    return apply_filters(
        Project.objects.filter(is_public=True).select_related("town", "owner"),
        filters or ProjectFilter(),
    )


def dashboard_summary(*, actor: Actor, worst: int = 8) -> dict:
    """工作台: the visible projects counted by stage × warning level (one grouped query) and
    the reddest few (one more), for the dashboard's projects panel."""
    from django.db.models import Count

    from jianguan.projects.models import WarningLevel
    from jianguan.projects.workflow import ORDER, STAGE_LABELS

    qs = project_list_visible_to(actor=actor)
    cells = {
        (row["stage"], row["warning_level"]): row["n"]
        for row in qs.order_by().values("stage", "warning_level").annotate(n=Count("id"))
    }
    levels = [{"value": v, "label": label} for v, label in WarningLevel.choices]
    rows = []
    for stage in ORDER:
        counts = [
            {"level": lv["value"], "count": cells.get((stage.value, lv["value"]), 0)}
            for lv in levels
        ]
        total = sum(c["count"] for c in counts)
        rows.append(
            {"value": stage.value, "label": STAGE_LABELS[stage], "counts": counts, "total": total}
        )
    level_totals = [sum(r["counts"][i]["count"] for r in rows) for i in range(len(levels))]
    return {
        "district": actor.can("projects.view_all"),
        "total": sum(cells.values()),
        "levels": [dict(lv, count=n) for lv, n in zip(levels, level_totals, strict=True)],
        "stages": rows,
        "worst": list(qs.filter(warning_level__gte=3).order_by("-warning_level", "code")[:worst]),
    }
