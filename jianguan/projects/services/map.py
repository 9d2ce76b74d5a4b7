"""Writes for the one map (一张图): the district boundary drawn under the projects."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from jianguan.core.actor import Actor
from jianguan.core.errors import ValidationFailed
from jianguan.core.permissions import require
from jianguan.ledger.canonical import canonical_json
from jianguan.ledger.services import record
from jianguan.projects import geo
from jianguan.projects.models import DistrictBoundary

MAX_FEATURES = 500


def _boundary_geometry(geojson: Any) -> dict:
    """A Polygon/MultiPolygon (or Feature / FeatureCollection of them), checked in CGCS2000."""
    if isinstance(geojson, dict) and geojson.get("type") == "FeatureCollection":
        features = geojson.get("features")
        if not isinstance(features, list) or not features:
            raise geo.GeoError("GeoJSON 要素集合为空")
        if len(features) > MAX_FEATURES:
            raise geo.GeoError(f"GeoJSON 要素不得超过 {MAX_FEATURES} 个")
        parts = [shape(geo.check_polygon(feature)) for feature in features]
        merged = unary_union(parts)
        return geo.check_polygon(mapping(merged))
    return geo.check_polygon(geojson)


@transaction.atomic
def district_boundary_upload(*, actor: Actor, name: str, geojson: Any) -> DistrictBoundary:
    """Store the district boundary the map draws (the newest one is shown); ledgered."""
    require(actor, "projects.map_admin")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("请填写边界名称（不超过 100 字）", code="validation_error")
    if isinstance(geojson, str | bytes):
        try:
            geojson = json.loads(geojson)
        except (ValueError, UnicodeDecodeError):
            raise ValidationFailed("边界文件不是有效的 JSON", code="bad_geojson") from None
    try:
        geometry = _boundary_geometry(geojson)
    except geo.GeoError as exc:
        raise ValidationFailed(str(exc), code="bad_geojson") from None
    # shapely's mapping() gives tuples; store plain JSON lists.
    geometry = json.loads(json.dumps(geometry))
    boundary = DistrictBoundary.objects.create(name=name, geojson=geometry)
    west, south, east, north = shape(geometry).bounds
    record(
        actor=actor,
        type="map.boundary_uploaded",
        obj=boundary,
        payload={
            "name": name,
            "geometry_type": geometry["type"],
            "bounds": [f"{v:.6f}" for v in (west, south, east, north)],
        },
        files=[("boundary.geojson", canonical_json(geometry))],
    )
    return boundary
