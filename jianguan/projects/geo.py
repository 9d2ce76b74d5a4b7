"""Geometry for the register and the map. Pure: shapely + pyproj, no Django.

Storage is CGCS2000 geographic coordinates (EPSG:4490, lon/lat); metric work (distances,
buffers) is done in CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548), which covers
Beijing with metre accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from pyproj import Transformer
from shapely.errors import ShapelyError
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform

# China's extent (mainland and islands) as a coarse check: 73.5°E–135.1°E, 3.8°N–53.6°N.
CHINA_BOUNDS = (73.5, 3.8, 135.1, 53.6)


class GeoError(ValueError):
    """Raised with a Chinese message that can be shown as is."""


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs(4490, 4548, always_xy=True)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    return transform(_to_metric().transform, geom)


def check_point(longitude: Decimal | float, latitude: Decimal | float) -> tuple[Decimal, Decimal]:
    try:
        lon, lat = Decimal(str(longitude)), Decimal(str(latitude))
    except ArithmeticError:
        raise GeoError("坐标必须是数字") from None
    if not (lon.is_finite() and lat.is_finite()):
        raise GeoError("坐标必须是有限数字")
    west, south, east, north = CHINA_BOUNDS
    if not (west <= lon <= east and south <= lat <= north):
        raise GeoError(f"坐标（经度 {lon}，纬度 {lat}）不在中国境内，请检查经纬度是否填反")
    q = Decimal("0.000001")
    return lon.quantize(q, rounding=ROUND_HALF_UP), lat.quantize(q, rounding=ROUND_HALF_UP)


def check_polygon(geojson: Any) -> dict:
    """Validate a GeoJSON Polygon/MultiPolygon (or a Feature holding one) in CGCS2000."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeoError("用地范围须为 GeoJSON 的 Polygon 或 MultiPolygon")
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ShapelyError):
        # ShapelyError: GEOS refuses a ring it cannot close, e.g. a NaN first corner
        raise GeoError("用地范围不是有效的 GeoJSON 几何") from None
    if geom.is_empty or not geom.is_valid:
        raise GeoError("用地范围多边形无效（自相交或不闭合）")
    west, south, east, north = geom.bounds
    cw, cs, ce, cn = CHINA_BOUNDS
    if west < cw or east > ce or south < cs or north > cn:
        raise GeoError("用地范围超出中国境内")
    return mapping(geom)


def within_polygon(points: Iterable[tuple[Any, float, float]], polygon: dict) -> list[Any]:
    """Keys of the (key, lon, lat) points inside the polygon."""
    geom = shape(check_polygon(polygon))
    from shapely import prepared

    prepared_geom = prepared.prep(geom)
    return [key for key, lon, lat in points if prepared_geom.covers(Point(float(lon), float(lat)))]


@dataclass(frozen=True)
class Circle:
    longitude: float
    latitude: float
    radius_m: float

    def bbox(self) -> tuple[float, float, float, float]:
        """A generous lon/lat box for a first database filter (1° lat ≈ 111 km)."""
        dlat = self.radius_m / 110_000 + 0.001
        dlon = self.radius_m / 80_000 + 0.001  # cos(40°) ≈ 0.77
        return (
            self.longitude - dlon,
            self.latitude - dlat,
            self.longitude + dlon,
            self.latitude + dlat,
        )


def within_distance(
    points: Iterable[tuple[Any, float, float]], circle: Circle
) -> list[tuple[Any, float]]:
    """(key, metres) for points within `radius_m` of the centre, nearest first."""
    if not 0 < circle.radius_m <= 200_000:
        raise GeoError("半径须在 0 到 200 公里之间")
    fwd = _to_metric()
    cx, cy = fwd.transform(circle.longitude, circle.latitude)
    centre = Point(cx, cy)
    out = []
    for key, lon, lat in points:
        x, y = fwd.transform(float(lon), float(lat))
        d = centre.distance(Point(x, y))
        if d <= circle.radius_m:
            out.append((key, round(d, 1)))
    return sorted(out, key=lambda item: item[1])
