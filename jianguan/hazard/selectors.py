"""Reads of hazard recognition, scoped to the projects the actor sees: whoever sees a project
sees its images' detections and its hazard candidates (the ledger rule says the same)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.timeutil import now, today_local
from jianguan.hazard import workflow
from jianguan.hazard.models import (
    CameraCalibration,
    CandidateFrame,
    Detection,
    HazardCandidate,
    ImageAnalysis,
    SiteRule,
)
from jianguan.projects.models import Project
from jianguan.projects.selectors import project_get_visible_to, project_list_visible_to
from jianguan.projects.visibility import is_participant
from jianguan.smartsite.images.models import Camera, SiteImage

ID_MAX = 2**62


def _require(actor: Actor) -> None:
    if not actor.can("smartsite.view"):
        raise PermissionDenied("无权查看智慧工地", code="permission_denied")


def visible_projects(actor: Actor) -> QuerySet[Project]:
    _require(actor)
    return project_list_visible_to(actor=actor)


def project_for(*, actor: Actor, pk: int) -> Project:
    _require(actor)
    return project_get_visible_to(actor=actor, pk=pk)


def may_act(actor: Actor, project_id: int, permission: str) -> bool:
    """The grant, and the actor's own project: a participant, or the district's regulator."""
    if not actor.can(permission):
        return False
    return actor.is_kind("regulator") or is_participant(actor, project_id)


def require_act(actor: Actor, project_id: int, permission: str, message: str) -> None:
    if not may_act(actor, project_id, permission):
        raise PermissionDenied(message, code="permission_denied")


def candidates_visible_to(*, actor: Actor) -> QuerySet[HazardCandidate]:
    ids = visible_projects(actor).values("pk")
    return HazardCandidate.objects.filter(project_id__in=ids).select_related(
        "project", "camera", "zone", "best_image", "order", "decided_by"
    )


def candidate_get(*, actor: Actor, pk: int) -> HazardCandidate:
    if not 0 < pk < ID_MAX:
        raise NotFound("疑似隐患不存在", code="candidate_not_found")
    candidate = candidates_visible_to(actor=actor).filter(pk=pk).first()
    if candidate is None:
        raise NotFound("疑似隐患不存在或无权查看", code="candidate_not_found")
    return candidate


def image_get(*, actor: Actor, pk: int) -> SiteImage:
    if not 0 < pk < ID_MAX:
        raise NotFound("影像不存在", code="image_not_found")
    ids = visible_projects(actor).values("pk")
    image = (
        SiteImage.objects.filter(pk=pk, project_id__in=ids)
        .select_related("project", "camera")
        .first()
    )
    if image is None:
        raise NotFound("影像不存在或无权查看", code="image_not_found")
    return image


def camera_get(*, actor: Actor, pk: int) -> Camera:
    if not 0 < pk < ID_MAX:
        raise NotFound("摄像机不存在", code="camera_not_found")
    ids = visible_projects(actor).values("pk")
    camera = Camera.objects.filter(pk=pk, project_id__in=ids).select_related("project").first()
    if camera is None:
        raise NotFound("摄像机不存在或无权查看", code="camera_not_found")
    return camera


def review_queue(*, actor: Actor, status: str = workflow.OPEN) -> QuerySet[HazardCandidate]:
    """Open candidates first the corroborated ones (several frames), then the oldest."""
    qs = candidates_visible_to(actor=actor)
    if status:
        qs = qs.filter(status=status)
    if status == workflow.OPEN:
        return qs.order_by("-corroborated", "first_at", "pk")
    return qs.order_by("-decided_at", "-pk")


def projects_with_candidates(*, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the visible projects that have candidates: the queue's site filter."""
    rows = (
        candidates_visible_to(actor=actor)
        .order_by("project__name")
        .values_list("project_id", "project__name")
        .distinct()
    )
    return list(rows[:200])


def latest_analysis(image: SiteImage) -> ImageAnalysis | None:
    return image.analyses.order_by("-created_at", "-pk").first()


def latest_analyses(image_ids: list[int]) -> dict[int, ImageAnalysis]:
    """The newest analysis of each image, in two queries (the gallery's notes)."""
    newest = (
        ImageAnalysis.objects.filter(image_id__in=image_ids)
        .values("image_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    rows = ImageAnalysis.objects.filter(pk__in=list(newest)).annotate(
        hazards=Count("detections", filter=_hazard_filter())
    )
    return {a.image_id: a for a in rows}


def _hazard_filter():
    from django.db.models import Q

    return Q(detections__above=True, detections__cls__in=("no_helmet", "no_wear"))


def detections_of(analysis: ImageAnalysis | None, *, all_scores: bool = False) -> list[Detection]:
    if analysis is None:
        return []
    qs = analysis.detections.all()
    if not all_scores:
        qs = qs.filter(above=True)
    return list(qs.order_by("-score"))


def frames_of(candidate: HazardCandidate) -> list[CandidateFrame]:
    return list(
        candidate.frame_set.select_related("image", "detection", "detection__analysis").order_by(
            "image__taken_at"
        )
    )


def candidates_of_image(image: SiteImage) -> list[HazardCandidate]:
    ids = CandidateFrame.objects.filter(image=image).values("candidate_id")
    return list(HazardCandidate.objects.filter(pk__in=ids).select_related("zone").order_by("pk"))


def calibration_of(camera: Camera) -> CameraCalibration | None:
    return camera.calibrations.filter(is_active=True).first()


def uniform_required(project_id: int) -> bool:
    rule = SiteRule.objects.filter(project_id=project_id).values_list("uniform_required").first()
    return True if rule is None else bool(rule[0])


# --- statistics -----------------------------------------------------------------------------


def counts_by_day(
    *, actor: Actor, days: int = 14, project: Project | None = None
) -> dict[str, object]:
    """Candidates per site and Beijing day over the last `days` days (dismissed ones left
    out: they were not hazards), with the kinds: the regulator's chart and table."""
    start = today_local() - dt.timedelta(days=days - 1)
    qs = candidates_visible_to(actor=actor).exclude(status=workflow.DISMISSED)
    if project is not None:
        qs = qs.filter(project=project)
    rows = (
        qs.filter(first_at__date__gte=start)
        .annotate(day=TruncDate("first_at"))
        .values("project_id", "project__name", "project__code", "day", "kind")
        .annotate(n=Count("id"))
    )
    labels = [(start + dt.timedelta(days=i)) for i in range(days)]
    sites: dict[int, dict] = {}
    kinds: dict[str, int] = defaultdict(int)
    for r in rows:
        site = sites.setdefault(
            r["project_id"],
            {
                "project_id": r["project_id"],
                "name": r["project__name"],
                "code": r["project__code"],
                "counts": [0] * days,
                "total": 0,
            },
        )
        i = (r["day"] - start).days
        if 0 <= i < days:
            site["counts"][i] += r["n"]
            site["total"] += r["n"]
            kinds[r["kind"]] += r["n"]
    return {
        "days": [d.isoformat() for d in labels],
        "sites": sorted(sites.values(), key=lambda s: (-s["total"], s["code"])),
        "kinds": [
            {"kind": k, "label": workflow.KINDS[k], "count": kinds.get(k, 0)}
            for k in workflow.KINDS
        ],
    }


def counts_by_camera(*, actor: Actor, project: Project, days: int = 14) -> list[dict]:
    """Per camera of a site: candidates by kind and status over the last `days` days, and the
    share the inspectors confirmed (how much the detector is to be trusted on that camera)."""
    since = now() - dt.timedelta(days=days)
    rows = (
        candidates_visible_to(actor=actor)
        .filter(project=project, first_at__gte=since)
        .values("camera_id", "camera__name", "kind", "status")
        .annotate(n=Count("id"))
    )
    out: dict[int | None, dict] = {}
    for r in rows:
        cam = out.setdefault(
            r["camera_id"],
            {
                "camera_id": r["camera_id"],
                "name": r["camera__name"] or "无人机航拍/现场照片",
                "kinds": {k: 0 for k in workflow.KINDS},
                "open": 0,
                "confirmed": 0,
                "dismissed": 0,
                "total": 0,
            },
        )
        cam["kinds"][r["kind"]] += r["n"]
        cam[r["status"]] += r["n"]
        cam["total"] += r["n"]
    for cam in out.values():
        decided = cam["confirmed"] + cam["dismissed"]
        cam["precision"] = round(cam["confirmed"] / decided, 3) if decided else None
    return sorted(out.values(), key=lambda c: (c["camera_id"] is None, c["name"]))


def open_count_by_project(project_ids: list[int]) -> dict[int, int]:
    rows = (
        HazardCandidate.objects.filter(project_id__in=project_ids, status=workflow.OPEN)
        .values("project_id")
        .annotate(n=Count("id"))
    )
    return {r["project_id"]: r["n"] for r in rows}
