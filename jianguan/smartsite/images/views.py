"""The site-image page of a project (现场影像): cameras, images by day on a gallery and on the
site plan, danger zones drawn on the plan; and the image files themselves."""

from __future__ import annotations

import datetime as dt
import json

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import to_local
from jianguan.projects.views_map import map_settings
from jianguan.smartsite.images import hooks, selectors, services, workflow
from jianguan.smartsite.images.forms import CameraForm, ReasonForm, UploadForm, ZoneForm


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _plan(project, images, zones, cameras) -> dict:
    """What the site plan draws: the red line, the zones, the cameras and the located images."""
    return {
        **map_settings(),
        "centre": [float(project.latitude), float(project.longitude)],
        "site": project.site_polygon,
        "zones": [
            {"name": z.name, "kind": workflow.ZONE_KIND[z.kind], "polygon": z.polygon}
            for z in zones
        ],
        "cameras": [
            {"name": c.name, "lat": float(c.latitude), "lon": float(c.longitude)}
            for c in cameras
            if c.latitude is not None and c.is_active
        ],
        "images": [
            {
                "lat": float(i.latitude),
                "lon": float(i.longitude),
                "thumb": reverse("smartsite:image_file", args=[i.pk, "thumb"]),
                "url": reverse("smartsite:image_file", args=[i.pk, "full"]),
                "label": f"{workflow.IMAGE_KIND[i.kind]} {to_local(i.taken_at):%H:%M}",
            }
            for i in images
            if i.latitude is not None
        ],
    }


def _render(request: HttpRequest, project, *, forms=None, error=None, status=200) -> HttpResponse:
    actor = request.actor
    forms = forms or {}
    day = _day(request.GET.get("date")) or selectors.latest_day(project)
    kind = request.GET.get("kind", "")
    kind = kind if kind in workflow.IMAGE_KIND else ""
    cameras = list(selectors.cameras_of(project))
    may_manage_cameras = selectors.may_act(actor, project, "smartsite.cameras_manage")
    for camera in cameras:
        # the login in a stream address is for those who manage cameras (as over the API)
        camera.view_url = (
            camera.stream_url
            if may_manage_cameras
            else workflow.stream_without_login(camera.stream_url)
        )
    images = list(selectors.images_of(project, day=day, kind=kind)[:200])
    notes = hooks.image_notes(actor, images)  # e.g. hazard recognition's result per image
    for image in images:
        image.notes = notes.get(image.pk, [])
    zones = list(selectors.zones_of(project))
    ctx = {
        "project": project,
        "day": day,
        "kind": kind,
        "kinds": workflow.IMAGE_KIND,
        "days": selectors.image_days(project),
        "images": images,
        "cameras": cameras,
        "zones": zones,
        "zone_kinds": workflow.ZONE_KIND,
        "plan": _plan(project, images, zones, cameras),
        "can": {
            "upload": selectors.may_act(actor, project, "smartsite.images_upload"),
            "cameras": may_manage_cameras,
            "zones": selectors.may_act(actor, project, "smartsite.zones_manage"),
        },
        "upload_form": forms.get("upload")
        or UploadForm(cameras=[c for c in cameras if c.is_active]),
        "camera_form": forms.get("camera") or CameraForm(),
        "zone_form": forms.get("zone") or ZoneForm(),
        "error": error,
        "open": next(iter(forms), ""),
    }
    return render(request, "smartsite/images/site.html", ctx, status=status)


def _status(exc: DomainError) -> int:
    return (
        409
        if exc.code and exc.code.startswith(("duplicate", "camera_inactive", "zone_removed"))
        else 400
    )


@require_GET
@permission_required("smartsite.view")
def site_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    return _render(request, project)


def _back(project, day: dt.date | None = None) -> HttpResponse:
    url = reverse("smartsite:site_images", args=[project.pk])
    return redirect(f"{url}?date={day.isoformat()}" if day else url)


@require_POST
@permission_required("smartsite.view")
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    selectors.require_act(request.actor, project, "smartsite.images_upload")
    cameras = [c for c in selectors.cameras_of(project) if c.is_active]
    form = UploadForm(request.POST, request.FILES, cameras=cameras)
    if not form.is_valid():
        return _render(request, project, forms={"upload": form}, status=400)
    data = form.cleaned_data
    camera = next((c for c in cameras if c.pk == data["camera"]), None)
    try:
        images = services.images_upload(
            actor=request.actor,
            project=project,
            files=data["files"],
            kind=data["kind"],
            camera=camera,
            note=data["note"],
        )
    except DomainError as exc:
        return _render(request, project, forms={"upload": form}, error=exc, status=_status(exc))
    return _back(project, to_local(images[0].taken_at).date())


@require_POST
@permission_required("smartsite.view")
def camera_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    selectors.require_act(request.actor, project, "smartsite.cameras_manage")
    form = CameraForm(request.POST)
    if not form.is_valid():
        return _render(request, project, forms={"camera": form}, status=400)
    try:
        services.camera_register(actor=request.actor, project=project, **form.cleaned_data)
    except DomainError as exc:
        return _render(request, project, forms={"camera": form}, error=exc, status=_status(exc))
    return _back(project)


@require_POST
@permission_required("smartsite.view")
def camera_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.camera_get(actor=request.actor, pk=pk)
    selectors.require_act(request.actor, camera.project, "smartsite.cameras_manage")
    reason = ReasonForm(request.POST).data.get("reason", "")
    try:
        services.camera_deactivate(actor=request.actor, camera=camera, reason=reason)
    except DomainError as exc:
        return _render(request, camera.project, error=exc, status=_status(exc))
    return _back(camera.project)


@require_POST
@permission_required("smartsite.view")
def zone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    selectors.require_act(request.actor, project, "smartsite.zones_manage")
    form = ZoneForm(request.POST)
    if not form.is_valid():
        return _render(request, project, forms={"zone": form}, status=400)
    try:
        polygon = json.loads(form.cleaned_data["polygon"] or "null")
    except ValueError:
        polygon = None
    try:
        services.danger_zone_draw(
            actor=request.actor,
            project=project,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            polygon=polygon,
        )
    except DomainError as exc:
        return _render(request, project, forms={"zone": form}, error=exc, status=_status(exc))
    return _back(project)


@require_POST
@permission_required("smartsite.view")
def zone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    zone = selectors.zone_get(actor=request.actor, pk=pk)
    selectors.require_act(request.actor, zone.project, "smartsite.zones_manage")
    try:
        services.danger_zone_remove(
            actor=request.actor, zone=zone, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return _render(request, zone.project, error=exc, status=_status(exc))
    return _back(zone.project)


@require_GET
@permission_required("smartsite.view")
def image_file(request: HttpRequest, pk: int, size: str) -> HttpResponse:
    image = selectors.image_get(actor=request.actor, pk=pk)
    if size not in ("full", "thumb"):
        raise NotFound("影像不存在", code="image_not_found")
    field = image.file if size == "full" else image.thumb
    response = FileResponse(
        field.open("rb"),
        filename=f"{image.project.code}-{image.pk}{'' if size == 'full' else '-t'}.{field.name.rsplit('.', 1)[-1]}",
    )
    if size == "full":
        response["X-Content-SM3"] = image.sm3
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
