"""Measures of a closed triangle mesh in world metres (float64): volume, surface and top area,
extent along an axis, a wall's length, height and area. Pure numpy; the take-off's per-class
rules (``takeoff.py``) choose which measure each IFC class gets."""

from __future__ import annotations

import numpy as np


def _centred(vertices: np.ndarray) -> np.ndarray:
    # Survey coordinates are ~1e5..1e6 m: subtracting a centre first keeps cross products exact.
    v = np.asarray(vertices, dtype=np.float64)
    return v - v.mean(axis=0)


def mesh_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Signed volume by tetrahedra from the centroid (positive for outward-facing triangles)."""
    v = _centred(vertices)
    f = np.asarray(faces, dtype=np.int64)
    if len(f) == 0:
        return 0.0
    a, b, c = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def is_closed(vertices: np.ndarray, faces: np.ndarray) -> bool:
    """Every edge shared by exactly two triangles, after welding coincident vertices (the
    kernel may repeat a vertex per face)."""
    f = np.asarray(faces, dtype=np.int64)
    if len(f) < 4:
        return False
    _, weld = np.unique(np.round(_centred(vertices), 6), axis=0, return_inverse=True)
    f = weld.reshape(-1)[f]
    f = f[(f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])]
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    return bool(len(counts)) and bool(np.all(counts == 2))


def _face_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    v = _centred(vertices)
    f = np.asarray(faces, dtype=np.int64)
    return np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])


def surface_area(vertices: np.ndarray, faces: np.ndarray) -> float:
    return float(np.linalg.norm(_face_normals(vertices, faces), axis=1).sum() / 2.0)


def top_area(vertices: np.ndarray, faces: np.ndarray, min_nz: float = 0.05) -> float:
    """True area of the triangles facing up (a sloped roof's surface, not its plan)."""
    n = _face_normals(vertices, faces)
    if mesh_volume(vertices, faces) < 0:  # inward-facing mesh: "up" is the other way
        n = -n
    norm = np.linalg.norm(n, axis=1)
    up = n[:, 2] > min_nz * np.maximum(norm, 1e-300)
    return float(norm[up].sum() / 2.0)


def extent_along(vertices: np.ndarray, axis: np.ndarray) -> float:
    axis = np.asarray(axis, dtype=np.float64)
    axis = axis / np.linalg.norm(axis)
    d = _centred(vertices) @ axis
    return float(d.max() - d.min())


def principal_axis(vertices: np.ndarray) -> np.ndarray:
    v = _centred(vertices)
    _, _, vt = np.linalg.svd(v, full_matrices=False)
    return vt[0]


def _union_area(points: np.ndarray, faces: np.ndarray):
    """Union of 2-D triangles (degenerate ones, i.e. faces seen edge-on, dropped)."""
    from shapely import Polygon, unary_union

    tris = points[np.asarray(faces, dtype=np.int64)]
    e1, e2 = tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0]
    doubled = np.abs(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0])
    polys = [Polygon(t) for t, a in zip(tris, doubled, strict=True) if a > 1e-9]
    return unary_union(polys) if polys else Polygon()


def wall_measure(vertices: np.ndarray, faces: np.ndarray) -> tuple[float, float, float]:
    """(centre-line length, height, one side's gross area) of a wall.

    Length: plan footprint area ÷ thickness (short side of the footprint's smallest enclosing
    rectangle), so mitred ends count at the centre line. Side area (gross, openings not
    deducted): the convex hull of the wall seen in elevation along its long side (a gable top
    follows the slope; a door cut from the floor is filled), scaled from the elevation's
    horizontal extent to the centre-line length. A stepped (non-convex) elevation is overstated."""
    v = _centred(vertices)
    footprint = _union_area(v[:, :2], faces)
    if footprint.is_empty:
        return 0.0, 0.0, 0.0
    xy = np.asarray(footprint.minimum_rotated_rectangle.exterior.coords)[:5]
    edges = np.diff(xy, axis=0)
    sides = np.linalg.norm(edges, axis=1)
    thickness = float(sides.min())
    if thickness <= 1e-9:
        return 0.0, 0.0, 0.0
    length = float(footprint.area / thickness)
    along = edges[int(np.argmax(sides))] / sides.max()
    elevation_pts = np.column_stack([v[:, :2] @ along, v[:, 2]])
    elevation = _union_area(elevation_pts, faces).convex_hull
    span = float(np.ptp(elevation_pts[:, 0]))
    height = float(np.ptp(v[:, 2]))
    area = float(elevation.area) * (length / span) if span > 0 else 0.0
    return length, height, area


# --- IFC reads ---------------------------------------------------------------------------------
