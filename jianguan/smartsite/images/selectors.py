"""Reads of cameras, site images and danger zones: whoever sees the project sees its site."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Project
from jianguan.projects.selectors import project_get_visible_to
from jianguan.projects.visibility import is_participant
from jianguan.smartsite.images.models import Camera, DangerZone, SiteImage


def project_for(*, actor: Actor, pk: int) -> Project:
    if not actor.can("smartsite.view"):
        raise PermissionDenied("无权查看智慧工地", code="permission_denied")
    return project_get_visible_to(actor=actor, pk=pk)


def may_act(actor: Actor, project: Project, permission: str) -> bool:
    """The grant, and the actor's own project: a participant, or the district's regulator."""
    if not actor.can(permission):
        return False
    return actor.is_kind("regulator") or is_participant(actor, project.pk)


def require_act(actor: Actor, project: Project, permission: str) -> None:
    if not may_act(actor, project, permission):
        raise PermissionDenied("无权在该项目办理此事项", code="permission_denied")


def cameras_of(project: Project) -> QuerySet[Camera]:
    return project.cameras.order_by("-is_active", "name")


def zones_of(project: Project, *, active: bool = True) -> QuerySet[DangerZone]:
    qs = project.danger_zones.select_related("drawn_by")
    return qs.filter(is_active=True).order_by("name") if active else qs.order_by("-created_at")


def images_of(
    project: Project, *, day: dt.date | None = None, kind: str = "", camera: int | None = None
) -> QuerySet[SiteImage]:
    """A project's images of one Beijing day (the server's time zone is Asia/Shanghai)."""
    qs = project.site_images.select_related("camera", "uploaded_by")
    if day is not None:
        qs = qs.filter(taken_at__date=day)
    if kind:
        qs = qs.filter(kind=kind)
    if camera:
        qs = qs.filter(camera_id=camera)
    return qs.order_by("-taken_at", "-pk")


def image_days(project: Project, *, limit: int = 60) -> list[dict]:
    """The days that have images, newest first, with their counts: the gallery's date list."""
    rows = (
        project.site_images.annotate(day=TruncDate("taken_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("-day")[:limit]
    )
    return [{"day": r["day"], "n": r["n"]} for r in rows]


def latest_day(project: Project) -> dt.date:
    days = image_days(project, limit=1)
    return days[0]["day"] if days else today_local()


def _on_visible_project(actor: Actor, model, pk: int, what: str, code: str):
    """The object on a project the actor sees, else one 404 whether it is missing or hidden."""
    obj = model.objects.select_related("project").filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{what}不存在", code=code)
    try:
        project_for(actor=actor, pk=obj.project_id)
    except (NotFound, PermissionDenied):
        raise NotFound(f"{what}不存在或无权查看", code=code) from None
    return obj


def image_get(*, actor: Actor, pk: int) -> SiteImage:
    return _on_visible_project(actor, SiteImage, pk, "影像", "image_not_found")


def camera_get(*, actor: Actor, pk: int) -> Camera:
    return _on_visible_project(actor, Camera, pk, "摄像机", "camera_not_found")


def zone_get(*, actor: Actor, pk: int) -> DangerZone:
    return _on_visible_project(actor, DangerZone, pk, "危险区域", "zone_not_found")
