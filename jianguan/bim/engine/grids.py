"""The model's grid lines (IfcGrid), for telling where a clash is the way site people say it:
"on axis 3", "at C/3".

Each IfcGridAxis is a curve in its grid's placement; its polyline (or line) is taken to the
plan in world metres (the placement chain applied in float64, the project's length unit
converted), so a clash point, in world metres too, finds the axis nearest to it in plan. No
Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

import ifcopenshell
import ifcopenshell.util.placement
import ifcopenshell.util.unit
import numpy as np


@dataclass(frozen=True)
class Axis:
    tag: str
    start: tuple[float, float]  # plan (x, y), world metres
    end: tuple[float, float]
    family: str  # "U", "V" or "W": the grid's directions


def axes(model: ifcopenshell.file) -> list[Axis]:
    """Every grid axis of the model in plan, world metres (none if it has no IfcGrid)."""
    try:
        grids = model.by_type("IfcGrid")
    except RuntimeError:
        return []
    if not grids:
        return []
    scale = ifcopenshell.util.unit.calculate_unit_scale(model)
    out: list[Axis] = []
    for grid in grids:
        matrix = np.eye(4)
        if grid.ObjectPlacement is not None:
            matrix = np.asarray(
                ifcopenshell.util.placement.get_local_placement(grid.ObjectPlacement), float
            )
        for family in ("U", "V", "W"):
            for axis in getattr(grid, f"{family}Axes", None) or ():
                ends = _ends(axis.AxisCurve)
                if ends is None:
                    continue
                world = [(matrix @ np.array([x, y, 0.0, 1.0]))[:2] * scale for x, y in ends]
                out.append(
                    Axis(
                        tag=str(axis.AxisTag or "").strip(),
                        start=(float(world[0][0]), float(world[0][1])),
                        end=(float(world[1][0]), float(world[1][1])),
                        family=family,
                    )
                )
    return [a for a in out if a.tag]


def _ends(curve) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The two ends of an axis curve in the grid's frame (project units): a polyline's first
    and last points, a trimmed line's; other curves (arcs of a radial grid) are skipped."""
    if curve is None:
        return None
    if curve.is_a("IfcPolyline") and len(curve.Points) >= 2:
        first, last = curve.Points[0].Coordinates, curve.Points[-1].Coordinates
        return (first[0], first[1]), (last[0], last[1])
    if curve.is_a("IfcIndexedPolyCurve"):
        points = curve.Points.CoordList
        if len(points) >= 2:
            return (points[0][0], points[0][1]), (points[-1][0], points[-1][1])
    return None


def _distance(point: np.ndarray, axis: Axis) -> float:
    """Distance in plan from the point to the axis's infinite line (a grid line runs on past
    its drawn ends as far as site people are concerned)."""
    a, b = np.array(axis.start), np.array(axis.end)
    direction = b - a
    length = float(np.hypot(*direction))
    if length == 0.0:
        return float(np.hypot(*(point - a)))
    offset = point - a
    return abs(float(direction[0] * offset[1] - direction[1] * offset[0])) / length


def nearest(all_axes: list[Axis], point) -> tuple[str, str]:
    """For a point (world metres): (the tag of the nearest axis, the nearest intersection of
    two axes of different families, as "C/3"); empty strings without grids."""
    if not all_axes:
        return "", ""
    p = np.asarray(point, dtype=np.float64)[:2]
    by_family: dict[str, tuple[float, str]] = {}
    for axis in all_axes:
        d = _distance(p, axis)
        if axis.family not in by_family or d < by_family[axis.family][0]:
            by_family[axis.family] = (d, axis.tag)
    line = min(by_family.values())[1]
    # the two nearest families' nearest axes, written U before V ("2/A")
    two = sorted(sorted(by_family, key=lambda f: by_family[f][0])[:2])
    crossing = "/".join(by_family[f][1] for f in two) if len(two) == 2 else line
    return line, crossing
