"""Hazard pages: the inspectors' review queue (each candidate's frame with its boxes and the
danger zone drawn over it, confirmed or dismissed in one click), a candidate with all its
frames, an image's analysis with a re-run, a site's statistics per camera and its setup
(ground calibration, vest rule), and the district's counts per site and day.

Boxes and zones are an SVG laid over the image in the image's own pixel frame (viewBox), so
the browser scales them with the picture and no script is needed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.hazard import annotate, geometry, selectors, services, workflow
from jianguan.hazard.forms import ActForm, CalibrationForm, RuleForm
from jianguan.hazard.models import CameraCalibration, CandidateFrame, HazardCandidate
from jianguan.smartsite.images.models import DangerZone


def _colour(cls: str) -> str:
    r, g, b = annotate.COLOURS.get(cls, (255, 255, 0))
    return f"#{r:02x}{g:02x}{b:02x}"


class Overlays:
    """Builds what the SVG over an image draws, reading each camera's calibration and each
    site's zones once per page (a queue of sixty cards is a few queries, not hundreds)."""

    def __init__(self) -> None:
        self._h: dict[int, geometry.Homography | None] = {}
        self._zones: dict[int, list[DangerZone]] = {}

    def _homography(self, camera_id: int) -> geometry.Homography | None:
        if camera_id not in self._h:
            c = CameraCalibration.objects.filter(camera_id=camera_id, is_active=True).first()
            self._h[camera_id] = geometry.Homography.from_dict(c.homography) if c else None
        return self._h[camera_id]

    def _zones_in_pixels(self, image, width: int, height: int, only: int | None) -> list[dict]:
        """The active danger zones as the image's calibrated camera sees them (else none)."""
        h = self._homography(image.camera_id) if image.camera_id else None
        if h is None:
            return []
        if image.project_id not in self._zones:
            self._zones[image.project_id] = list(
                DangerZone.objects.filter(project_id=image.project_id, is_active=True)
            )
        out = []
        for z in self._zones[image.project_id]:
            if only is not None and z.pk != only:
                continue
            ring = z.polygon["coordinates"][0]
            pts = [h.to_pixel(x, y, width=width, height=height) for x, y in ring]
            if any(p is None for p in pts):
                continue  # part of the zone lies behind the camera: not drawn
            out.append({"name": z.name, "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)})
        return out

    def make(self, image, analysis, detections, *, zone: int | None = None) -> dict:
        """Boxes with class and score, and the zones, in the analysed image's pixel frame."""
        width = (analysis.width if analysis else None) or image.width
        height = (analysis.height if analysis else None) or image.height
        font = max(10.0, max(width, height) / 32)  # image units: scales with the picture
        boxes = [
            {
                "x": d.x1,
                "y": d.y1,
                "ty": max(d.y1, font * 1.1),  # the label stays inside the picture
                "w": max(d.x2 - d.x1, 1.0),
                "h": max(d.y2 - d.y1, 1.0),
                "cls": d.cls,
                "label": workflow.CLASSES[d.cls],
                "pct": f"{d.score:.0%}",
                "colour": _colour(d.cls),
                "hazard": d.cls in ("no_helmet", "no_wear"),
            }
            for d in detections
        ]
        return {
            "width": width,
            "height": height,
            "font": round(font, 1),
            "halo": round(font / 6, 1),
            "boxes": boxes,
            "zones": self._zones_in_pixels(image, width, height, zone),
            "src": reverse("smartsite:image_file", args=[image.pk, "full"]),
        }


def overlay(image, analysis, detections, *, zone: int | None = None) -> dict:
    return Overlays().make(image, analysis, detections, zone=zone)


def _cards(request: HttpRequest, candidates: list[HazardCandidate]) -> list[dict]:
    """Each candidate with its best frame drawn, and whether this reader may decide on it."""
    frames = {
        (f.candidate_id, f.image_id): f
        for f in CandidateFrame.objects.filter(candidate__in=candidates).select_related(
            "detection", "detection__analysis"
        )
    }
    overlays, may = Overlays(), {}
    out = []
    for c in candidates:
        frame = frames.get((c.pk, c.best_image_id))
        det = [frame.detection] if frame else []
        if c.project_id not in may:
            may[c.project_id] = services.may_review(request.actor, c.project_id)
        out.append(
            {
                "c": c,
                "ov": overlays.make(
                    c.best_image, frame.detection.analysis if frame else None, det, zone=c.zone_id
                ),
                "can_review": c.status == workflow.OPEN and may[c.project_id],
            }
        )
    return out


def _card(request: HttpRequest, c: HazardCandidate, *, error=None, status: int = 200):
    ctx = {**_cards(request, [c])[0], "form": ActForm(), "error": error}
    return render(request, "hazard/_candidate_card.html", ctx, status=status)


@require_GET
@permission_required("smartsite.view")
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", workflow.OPEN)
    status = status if status in workflow.CANDIDATE_STATUS else workflow.OPEN
    kind = request.GET.get("kind", "")
    kind = kind if kind in workflow.KINDS else ""
    project = request.GET.get("project", "")
    project = (
        int(project) if project.isascii() and project.isdigit() and len(project) < 12 else None
    )
    qs = selectors.review_queue(actor=request.actor, status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if project:
        qs = qs.filter(project_id=project)
    cards = _cards(request, list(qs[:60]))
    ctx = {
        "cards": cards,
        "status": status,
        "statuses": workflow.CANDIDATE_STATUS,
        "kind": kind,
        "kinds": workflow.KINDS,
        "project": project,
        "projects": selectors.projects_with_candidates(actor=request.actor),
        "form": ActForm(),
        "stats": selectors.counts_by_day(actor=request.actor, days=14),
        "window": settings.HAZARD_WINDOW_MINUTES,
        "frames_needed": settings.HAZARD_FRAMES_NEEDED,
    }
    return render(request, "hazard/queue.html", ctx)


@require_GET
@permission_required("smartsite.view")
def candidate_page(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.candidate_get(actor=request.actor, pk=pk)
    overlays = Overlays()
    frames = [
        {"f": f, "ov": overlays.make(f.image, f.detection.analysis, [f.detection], zone=c.zone_id)}
        for f in selectors.frames_of(c)
    ]
    ctx = {
        "c": c,
        "frames": frames,
        "can_review": c.status == workflow.OPEN
        and services.may_review(request.actor, c.project_id),
        "form": ActForm(),
        "reasons": workflow.DISMISS_REASONS,
    }
    return render(request, "hazard/candidate.html", ctx)


@require_POST
@permission_required("smartsite.view")
def candidate_act(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.candidate_get(actor=request.actor, pk=pk)
    services.require_review(request.actor, c.project_id)  # 403 before the form is read
    form = ActForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed("请选择操作（说明不超过 500 字）", code="bad_form")
        data = form.cleaned_data
        if data["action"] == "confirm":
            services.candidate_confirm(
                actor=request.actor,
                candidate=c,
                severity=data["severity"] or "general",
                note=data["note"],
            )
        else:
            services.candidate_dismiss(
                actor=request.actor, candidate=c, reason=data["reason"], note=data["note"]
            )
    except DomainError as exc:
        if exc.status == 403:
            raise
        c = selectors.candidate_get(actor=request.actor, pk=pk)
        if request.htmx:
            return _card(request, c, error=exc, status=exc.status)
        return redirect(f"{reverse('hazard:candidate', args=[c.pk])}?error={exc.code}")
    c = selectors.candidate_get(actor=request.actor, pk=pk)
    if request.htmx:
        return _card(request, c)
    return redirect(reverse("hazard:candidate", args=[c.pk]))


@require_GET
@permission_required("smartsite.view")
def image_page(request: HttpRequest, pk: int) -> HttpResponse:
    image = selectors.image_get(actor=request.actor, pk=pk)
    analysis = selectors.latest_analysis(image)
    show_all = request.GET.get("all") == "1"
    detections = selectors.detections_of(analysis, all_scores=show_all)
    ctx = {
        "image": image,
        "analysis": analysis,
        "detections": [
            {"d": d, "label": workflow.CLASSES[d.cls], "pct": f"{d.score:.0%}"} for d in detections
        ],
        "show_all": show_all,
        "ov": overlay(image, analysis, detections),
        "candidates": selectors.candidates_of_image(image),
        "history": list(image.analyses.order_by("-created_at", "-pk")[:10]),
        "can_rerun": selectors.may_act(request.actor, image.project_id, "hazard.analyse")
        and not (analysis and analysis.status in (workflow.PENDING, workflow.RUNNING)),
        "error": request.GET.get("error", ""),
    }
    return render(request, "hazard/image.html", ctx)


@require_POST
@permission_required("smartsite.view")
def image_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    image = selectors.image_get(actor=request.actor, pk=pk)
    url = reverse("hazard:image", args=[image.pk])
    try:
        services.analysis_rerun(actor=request.actor, image=image)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return redirect(f"{url}?error={exc.code}")
    return redirect(url)


def _project_ctx(request, project, *, forms=None, error=None) -> dict:
    from jianguan.smartsite.images.selectors import cameras_of

    forms = forms or {}
    cameras = list(cameras_of(project))
    for cam in cameras:
        cam.calibration = selectors.calibration_of(cam)
        # the snapshot the ground points are clicked on (its own pixels: full size)
        cam.snapshot = cam.images.order_by("-taken_at").only("pk", "width", "height").first()
    stats = selectors.counts_by_day(actor=request.actor, project=project, days=30)
    return {
        "project": project,
        "cameras": cameras,
        "by_camera": selectors.counts_by_camera(actor=request.actor, project=project, days=30),
        "stats": stats,
        "uniform_required": selectors.uniform_required(project.pk),
        "can_setup": selectors.may_act(request.actor, project.pk, "hazard.site_setup"),
        "calibration_form": forms.get("calibration") or CalibrationForm(),
        "rule_form": RuleForm(initial={"uniform_required": selectors.uniform_required(project.pk)}),
        "open": selectors.review_queue(actor=request.actor).filter(project=project).count(),
        "error": error,
        "kinds": workflow.KINDS,
    }


@require_GET
@permission_required("smartsite.view")
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    return render(request, "hazard/project.html", _project_ctx(request, project))


@require_POST
@permission_required("smartsite.view")
def rule_set(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    selectors.require_act(
        request.actor, project.pk, "hazard.site_setup", "无权设置该项目的识别规则"
    )
    form = RuleForm(request.POST)
    form.is_valid()
    services.site_rule_set(
        actor=request.actor,
        project=project,
        uniform_required=bool(form.cleaned_data.get("uniform_required")),
    )
    return redirect(reverse("hazard:project", args=[project.pk]))


@require_POST
@permission_required("smartsite.view")
def calibration_set(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.camera_get(actor=request.actor, pk=pk)
    selectors.require_act(
        request.actor, camera.project_id, "hazard.site_setup", "无权标定该项目的摄像机"
    )
    form = CalibrationForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.calibration_set(actor=request.actor, camera=camera, **form.cleaned_data)
            return redirect(reverse("hazard:project", args=[camera.project_id]))
        except DomainError as exc:
            error = exc
    ctx = _project_ctx(request, camera.project, forms={"calibration": form}, error=error)
    ctx["calibrating"] = camera.pk
    return render(request, "hazard/project.html", ctx, status=400)
