"""One map (一张图): the page, its compact points feed, spatial queries and the boundary upload."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from shapely.geometry import shape

from jianguan.accounts.models import Town
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.projects import geo, selectors, services
from jianguan.projects.forms import BoundaryForm, ProjectFilterForm
from jianguan.projects.models import DistrictBoundary, Project, WarningLevel
from jianguan.projects.templatetags.project_ui import LEVEL_COLOURS
from jianguan.projects.workflow import STAGE_LABELS

MAX_LISTED = 500
# Daxing district, roughly its centre (CGCS2000 ≈ WGS84 at map scale).
DEFAULT_CENTRE = (39.726, 116.341)
STAGES = {s.value: label for s, label in STAGE_LABELS.items()}
# The schematic base map (tools/build_daxing_basemap.py): drawn from this static file when no
# tile server is configured, an optional overlay when one is, so the map works offline.
BASEMAP = "projects/daxing.geojson"
BASEMAP_ATTRIBUTION = "大兴区示意底图，非测绘成果"


@functools.lru_cache(maxsize=1)
def basemap_bounds() -> list[list[float]] | None:
    """[[south, west], [north, east]] of the district, from the file's own bbox, for the first
    view before anything else has loaded."""
    path = Path(__file__).resolve().parent / "static" / BASEMAP
    try:
        west, south, east, north = json.loads(path.read_text(encoding="utf-8"))["bbox"]
    except (OSError, ValueError, KeyError):
        return None
    return [[south, west], [north, east]]


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, None) or os.environ.get(name, default) or "")


def map_settings() -> dict[str, Any]:
    """Basemap from MAP_TILE_URL (one or more tile URL templates joined by "|", drawn in order,
    e.g. 天地图 vec_w then cva_w with its key); without one, the schematic vector base map."""
    urls = [u.strip() for u in _setting("MAP_TILE_URL").split("|") if u.strip()]
    return {
        "tiles": urls,
        "subdomains": _setting("MAP_TILE_SUBDOMAINS", "abc"),
        "attribution": _setting("MAP_TILE_ATTRIBUTION"),
        "max_zoom": 18,
        "centre": DEFAULT_CENTRE,
        "basemap_url": static(BASEMAP),
        "basemap_attribution": BASEMAP_ATTRIBUTION,
        "district_bounds": basemap_bounds(),
        "levels": [
            {"level": v, "label": label, "colour": LEVEL_COLOURS[v][1]}
            for v, label in WarningLevel.choices
        ],
    }


def towns() -> list[dict]:
    """Town centres, drawn as labels so that the map reads without a basemap."""
    return [
        {"name": t.name, "lon": float(t.longitude), "lat": float(t.latitude)}
        for t in Town.objects.exclude(longitude__isnull=True).exclude(latitude__isnull=True)
    ]


def _bad(message: str, code: str = "bad_geometry", status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "details": None},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _visible(request: HttpRequest):
    form = ProjectFilterForm(request.GET or None)
    return selectors.project_list_visible_to(actor=request.actor, filters=form.to_filter())


def _listing(ids_in_order: list[int], distances: dict[int, float] | None = None) -> dict:
    shown = ids_in_order[:MAX_LISTED]
    rows = {
        p["pk"]: p
        for p in Project.objects.filter(pk__in=shown).values(
            "pk", "code", "name", "stage", "warning_level", "town__name"
        )
    }
    items = []
    for pk in shown:
        p = rows[pk]
        item = {
            "id": pk,
            "code": p["code"],
            "name": p["name"],
            "town": p["town__name"],
            "stage": p["stage"],
            "stage_label": STAGES.get(p["stage"], p["stage"]),
            "warning_level": p["warning_level"],
            "url": reverse("projects:detail", args=[pk]),
        }
        if distances is not None:
            item["distance_m"] = distances[pk]
        items.append(item)
    return {
        "count": len(ids_in_order),
        "truncated": len(ids_in_order) > MAX_LISTED,
        "projects": items,
    }


@require_GET
@permission_required("projects.view_own")
def map_page(request: HttpRequest) -> HttpResponse:
    boundary = DistrictBoundary.objects.order_by("-id").first()
    config = {
        **map_settings(),
        "points_url": reverse("projects:map_points"),
        "within_url": reverse("projects:map_within"),
        "near_url": reverse("projects:map_near"),
        "boundary": boundary.geojson if boundary else None,
        "boundary_name": boundary.name if boundary else "",
        "towns": towns(),
    }
    ctx = {
        "config": config,
        "form": ProjectFilterForm(request.GET or None),
        "can_admin": request.actor.can("projects.map_admin"),
        "boundary": boundary,
    }
    return render(request, "projects/map.html", ctx)


@require_GET
@permission_required("projects.view_own")
def map_points(request: HttpRequest) -> JsonResponse:
    """Visible projects as compact rows: [id, lon, lat, level, code, name, stage]."""
    qs = _visible(request).order_by("pk")
    rows = [
        [pk, float(lon), float(lat), level, code, name, stage]
        for pk, lon, lat, level, code, name, stage in qs.values_list(
            "pk", "longitude", "latitude", "warning_level", "code", "name", "stage"
        ).iterator(chunk_size=5000)
    ]
    return JsonResponse(
        {
            "fields": ["id", "lon", "lat", "level", "code", "name", "stage"],
            "stages": STAGES,
            "detail_url": reverse("projects:detail", args=[0]).replace("/0/", "/{id}/"),
            "rows": rows,
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
@permission_required("projects.view_own")
def map_within(request: HttpRequest) -> JsonResponse:
    """Projects inside a drawn polygon (?polygon=GeoJSON): bbox in SQL, then shapely."""
    raw = request.GET.get("polygon", "")
    if not raw:
        return _bad("请先在地图上画出多边形", "polygon_required")
    if len(raw) > 200_000:
        return _bad("多边形顶点过多")
    try:
        polygon = geo.check_polygon(json.loads(raw))
    except ValueError as exc:  # json errors and GeoError
        message = str(exc) if isinstance(exc, geo.GeoError) else "多边形不是有效的 GeoJSON"
        return _bad(message)
    west, south, east, north = shape(polygon).bounds
    candidates = _visible(request).filter(
        longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
    )
    points = candidates.order_by("code").values_list("pk", "longitude", "latitude")
    try:
        ids = geo.within_polygon(points, polygon)
    except geo.GeoError as exc:
        return _bad(str(exc))
    return JsonResponse(_listing(ids), json_dumps_params={"ensure_ascii": False})


@require_GET
@permission_required("projects.view_own")
def map_near(request: HttpRequest) -> JsonResponse:
    """Projects within ?radius= metres of ?lon=&lat=, nearest first (EPSG:4548 distances)."""
    try:
        lon, lat = geo.check_point(request.GET.get("lon", ""), request.GET.get("lat", ""))
        radius = float(request.GET.get("radius", "1000"))
    except geo.GeoError as exc:
        return _bad(str(exc), "bad_location")
    except ValueError:
        return _bad("半径须为数字（米）", "bad_radius")
    circle = geo.Circle(float(lon), float(lat), radius)
    if not 0 < radius <= 200_000:
        return _bad("半径须在 0 到 200 公里之间", "bad_radius")
    west, south, east, north = circle.bbox()
    points = (
        _visible(request)
        .filter(longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north)
        .order_by()
        .values_list("pk", "longitude", "latitude")
    )
    found = geo.within_distance(points, circle)
    return JsonResponse(
        _listing([pk for pk, _ in found], dict(found)), json_dumps_params={"ensure_ascii": False}
    )


@require_http_methods(["GET", "POST"])
@permission_required("projects.map_admin")
def boundary_upload(request: HttpRequest) -> HttpResponse:
    form = BoundaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            boundary = services.district_boundary_upload(
                actor=request.actor,
                name=form.cleaned_data["name"],
                geojson=form.cleaned_data["geojson_text"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已更新地图边界：{boundary.name}")
            return redirect("projects:map")
    current = DistrictBoundary.objects.order_by("-id").first()
    status = 400 if request.method == "POST" else 200
    return render(
        request, "projects/boundary_form.html", {"form": form, "current": current}, status=status
    )
