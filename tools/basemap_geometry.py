"""Pure geometry for the schematic district base map (no Django): a Voronoi tessellation of
town seats clipped to the district outline, small urban subdistricts carved out of it, and
lines clipped to the district. Used once by tools/build_daxing_basemap.py; the output is a
static GeoJSON file, so none of this runs in the web process.

Work happens in a local equirectangular frame (x = lon * cos(lat0)) so that Voronoi bisectors
and subdistrict radii are metric-ish rather than stretched east-west; 1 km is KM degrees of
latitude. Good to a few per cent across a district, which is all a schematic map needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

KM = 1 / 111.32  # degrees of latitude per kilometre
PRECISION = 1e-4  # ~10 m: far below what a schematic map shows, and keeps the file small


class Frame:
    """lon/lat <-> a local frame in which one unit is one degree of latitude everywhere."""

    def __init__(self, lat0: float):
        self.k = math.cos(math.radians(lat0))

    def to_local(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: xy * (self.k, 1.0))

    def to_lonlat(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: xy / (self.k, 1.0))


def voronoi_cells(
    seats: dict[str, tuple[float, float]], outline: Polygon, frame: Frame
) -> dict[str, BaseGeometry]:
    """Each town gets the part of the outline nearer its seat than any other seat."""
    names = list(seats)
    local_outline = frame.to_local(outline)
    points = [frame.to_local(Point(*seats[n])) for n in names]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=local_outline.buffer(0.5))
    out: dict[str, BaseGeometry] = {}
    for cell in shapely.get_parts(cells):
        owner = next(n for n, p in zip(names, points, strict=True) if cell.covers(p))
        out[owner] = frame.to_lonlat(cell.intersection(local_outline))
    return out


def compact_cells(
    seats: dict[str, tuple[float, float, float]], outline: Polygon, frame: Frame
) -> dict[str, BaseGeometry]:
    """Urban subdistricts (街道) are small: a Voronoi cell among themselves, no further from the
    seat than its radius (third tuple member, km), inside the outline."""
    cells = voronoi_cells({n: (x, y) for n, (x, y, _) in seats.items()}, outline, frame)
    out = {}
    for name, (x, y, radius_km) in seats.items():
        disc = frame.to_lonlat(frame.to_local(Point(x, y)).buffer(radius_km * KM, 24))
        out[name] = cells[name].intersection(disc)
    return out


def tessellate(
    towns: dict[str, tuple[float, float]],
    subdistricts: dict[str, tuple[float, float, float]],
    outline: Polygon,
) -> dict[str, BaseGeometry]:
    """Towns fill the outline; subdistricts are cut out of whichever towns they fall in. The
    pieces do not overlap and together cover the outline."""
    frame = Frame(outline.centroid.y)
    streets = compact_cells(subdistricts, outline, frame)
    carved = unary_union(list(streets.values()))
    out = {n: g.difference(carved) for n, g in voronoi_cells(towns, outline, frame).items()}
    out.update(streets)
    return {n: snap(g) for n, g in out.items()}


def snap(geom: BaseGeometry) -> BaseGeometry:
    """Round to PRECISION keeping polygons valid (set_precision repairs what rounding breaks)
    and dropping slivers the rounding leaves."""
    fixed = shapely.set_precision(geom, PRECISION)
    if fixed.geom_type == "GeometryCollection":
        fixed = unary_union([p for p in shapely.get_parts(fixed) if p.area > 0])
    return fixed


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """Where a name reads best: the pole of inaccessibility of the largest part, which, unlike
    the seat, is never on a neighbour's ground or at the polygon's edge."""
    parts = sorted(shapely.get_parts(geom), key=lambda p: p.area, reverse=True)
    frame = Frame(geom.centroid.y)
    pole = frame.to_lonlat(polylabel(frame.to_local(parts[0]), 0.0005))
    return round(pole.x, 4), round(pole.y, 4)


def clip_line(
    coords: Sequence[tuple[float, float]], outline: Polygon, margin_km: float = 0.5
) -> list[LineString]:
    """A road or river inside the district (plus a margin, so that a river drawn on the border
    is kept whole); one LineString per piece longer than 300 m."""
    frame = Frame(outline.centroid.y)
    area = frame.to_lonlat(frame.to_local(outline).buffer(margin_km * KM))
    clipped = shapely.line_merge(LineString(coords).intersection(area))
    pieces = [p for p in shapely.get_parts(clipped) if p.geom_type == "LineString"]
    keep = [p for p in pieces if frame.to_local(p).length > 0.3 * KM]
    return [shapely.set_precision(p, PRECISION) for p in keep]


def rounded(coords: Iterable) -> list:
    """GeoJSON coordinates at PRECISION (json would otherwise print 116.30000000000001)."""
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(c), 4) for c in coords]
    return [rounded(c) for c in coords]
