"""Clash detection between two groups of meshes (or one group against itself).

Broad phase: element bounding boxes compared in numpy blocks. Narrow phase: the triangle
pairs whose boxes meet, tested in numpy (``trimath``). Every test runs in a local frame: a
shared origin (float64) is subtracted first, so a model 500 km from the origin gives the same
pairs as at the origin. Each pair is computed in one canonical order (lower GlobalId first)
and only then turned round to put group A's element first, so ``p1``/``p2`` do not depend
on the order of the input. No Django import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from jianguan.bim.engine import trimath
from jianguan.bim.engine.types import Clash, Mesh, Mode

TOUCH = 1e-5  # metres: closer than this is contact (collision mode)
MODES = ("intersection", "collision", "clearance")
_BLOCK = 1_000_000  # entries per numpy block in the box comparisons


@dataclass
class Recheck:
    still: list[Clash]
    resolved: list[Clash]
    new: list[Clash]


class _Prepared:
    """A mesh's triangles in the local frame with what the tests need of them."""

    def __init__(self, mesh: Mesh, origin: np.ndarray) -> None:
        local = np.asarray(mesh.vertices, dtype=np.float64) - origin
        tris = local[np.asarray(mesh.faces)]
        n, ok = trimath.normals(tris)
        self.tris, self.normals = tris[ok], n[ok]
        self.lo, self.hi = self.tris.min(axis=1), self.tris.max(axis=1)
        self.box_lo, self.box_hi = local.min(axis=0), local.max(axis=0)


def _boxes(meshes: Sequence[Mesh]) -> tuple[np.ndarray, np.ndarray]:
    if not meshes:
        return np.zeros((0, 3)), np.zeros((0, 3))
    lo = np.array([m.vertices.min(axis=0) for m in meshes])
    hi = np.array([m.vertices.max(axis=0) for m in meshes])
    return lo, hi


def _overlapping(lo1, hi1, lo2, hi2, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) whose boxes are within ``margin`` of each other, in blocks."""
    rows = max(1, _BLOCK // max(1, len(lo2)))
    out_i, out_j = [], []
    for start in range(0, len(lo1), rows):
        a_lo, a_hi = lo1[start : start + rows, None, :], hi1[start : start + rows, None, :]
        meet = np.all((a_lo <= hi2[None] + margin) & (lo2[None] <= a_hi + margin), axis=2)
        i, j = np.nonzero(meet)
        out_i.append(i + start)
        out_j.append(j)
    if not out_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(out_i), np.concatenate(out_j)


def _margin(mode: str, clearance: float) -> float:
    return clearance if mode == "clearance" else max(TOUCH, trimath.EPS)


def _candidates(a, b, self_mode, margin, only) -> list[tuple[int, int]]:
    """Broad phase: index pairs (into a, into b) whose boxes meet; with ``only`` (a set of
    GUIDs), just the pairs that involve one of them."""
    lo_a, hi_a = _boxes(a)
    lo_b, hi_b = _boxes(b)
    if only is None:
        i, j = _overlapping(lo_a, hi_a, lo_b, hi_b, margin)
        pairs = set(zip(i.tolist(), j.tolist(), strict=True))
    else:
        pairs = set()
        rows_a = np.array([k for k, m in enumerate(a) if m.guid in only], dtype=np.int64)
        rows_b = np.array([k for k, m in enumerate(b) if m.guid in only], dtype=np.int64)
        if len(rows_a):
            i, j = _overlapping(lo_a[rows_a], hi_a[rows_a], lo_b, hi_b, margin)
            pairs |= set(zip(rows_a[i].tolist(), j.tolist(), strict=True))
        if len(rows_b):
            j, i = _overlapping(lo_b[rows_b], hi_b[rows_b], lo_a, hi_a, margin)
            pairs |= set(zip(i.tolist(), rows_b[j].tolist(), strict=True))
    out = []
    for i, j in sorted(pairs):
        if a[i].guid == b[j].guid or (self_mode and i > j):
            continue
        out.append((i, j))
    return out


def _triangle_pairs(x: _Prepared, y: _Prepared, margin: float):
    """Narrow-phase candidates: triangles of x and y whose boxes meet."""
    sel_x = np.nonzero(np.all((x.lo <= y.box_hi + margin) & (y.box_lo <= x.hi + margin), axis=1))[0]
    sel_y = np.nonzero(np.all((y.lo <= x.box_hi + margin) & (x.box_lo <= y.hi + margin), axis=1))[0]
    if len(sel_x) == 0 or len(sel_y) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i, j = _overlapping(x.lo[sel_x], x.hi[sel_x], y.lo[sel_y], y.hi[sel_y], margin)
    return sel_x[i], sel_y[j]


def _contained_depth(x: _Prepared, y: _Prepared) -> float:
    """How deep x's vertex centroid sits inside both x and y (0 if not inside both): finds an
    element wholly inside another, where no surfaces cross."""
    if not (np.all(x.box_lo >= y.box_lo - TOUCH) and np.all(x.box_hi <= y.box_hi + TOUCH)):
        return 0.0
    p = x.tris.reshape(-1, 3).mean(axis=0)
    if not (trimath.inside(p[None], x.tris)[0] and trimath.inside(p[None], y.tris)[0]):
        return 0.0
    depth = np.inf
    for tris in (x.tris, y.tris):
        near = trimath.closest_on_triangle(
            np.repeat(p[None], len(tris), 0), *tris.transpose(1, 0, 2)
        )
        depth = min(depth, float(np.linalg.norm(near - p, axis=1).min()))
    return depth


def _penetration(x: _Prepared, y: _Prepared, ti, tj):
    """(depth, point) of the deepest penetration of x and y, or (0, None)."""
    best, point = 0.0, None
    if len(ti):
        hit, depth, where = trimath.crossing(x.tris[ti], x.normals[ti], y.tris[tj], y.normals[tj])
        if hit.any():
            k = int(np.argmax(np.where(hit, depth, -1.0)))
            best, point = float(depth[k]), where[k]
        same, _, width, where = trimath.coplanar_overlap(
            x.tris[ti], x.normals[ti], y.tris[tj], y.normals[tj]
        )
        if same.any():
            k = int(np.argmax(np.where(same, width, -np.inf)))
            if width[k] > best:
                best, point = float(width[k]), where[k]
    if point is None:
        for first, second in ((x, y), (y, x)):
            depth = _contained_depth(first, second)
            if depth > best:
                best, point = depth, first.tris.reshape(-1, 3).mean(axis=0)
    return best, point


def _gap(x: _Prepared, y: _Prepared, ti, tj):
    if len(ti) == 0:
        return np.inf, None, None
    dist, c1, c2 = trimath.distance(x.tris[ti], y.tris[tj])
    k = int(np.argmin(dist))
    return float(dist[k]), c1[k], c2[k]


def _narrow(x: _Prepared, y: _Prepared, mode, tolerance, clearance, allow_touching):
    """(type, distance, point on x, point on y) or None."""
    margin = _margin(mode, clearance)
    ti, tj = _triangle_pairs(x, y, margin)
    depth, point = _penetration(x, y, ti, tj)
    if mode == "intersection":
        return ("hard", depth, point, point) if point is not None and depth > tolerance else None
    if mode == "collision":
        if point is not None and depth > TOUCH:
            return ("hard", depth, point, point)
        if allow_touching:
            return None
        if point is not None:
            return ("touching", 0.0, point, point)
        gap, p, q = _gap(x, y, ti, tj)
        return ("touching", 0.0, p, q) if gap <= TOUCH else None
    if point is not None:
        return ("clearance", 0.0, point, point)
    gap, p, q = _gap(x, y, ti, tj)
    return ("clearance", gap, p, q) if gap < clearance else None


def _origin(meshes: Iterable[Mesh]) -> np.ndarray:
    lows = [m.vertices.min(axis=0) for m in meshes]
    return np.floor(np.min(lows, axis=0)) if lows else np.zeros(3)


def find(
    a: Sequence[Mesh],
    b: Sequence[Mesh] | None = None,
    *,
    mode: Mode,
    tolerance: float = 0.002,
    clearance: float = 0.05,
    allow_touching: bool = False,
    only: set[str] | None = None,
) -> list[Clash]:
    """The clashes between group ``a`` and group ``b`` (``None``: a against itself, each
    unordered pair once), sorted by (a, b). ``only``: test just the pairs involving these
    GUIDs (what ``recheck`` uses)."""
    if mode not in MODES:
        raise ValueError(f"未知的碰撞模式：{mode}")
    a = sorted(a, key=lambda m: m.guid)
    self_mode = b is None
    b = a if b is None else sorted(b, key=lambda m: m.guid)
    origin = _origin([*a, *b])
    prepared: dict[str, _Prepared] = {}

    def prep(mesh: Mesh) -> _Prepared:
        if mesh.guid not in prepared:
            prepared[mesh.guid] = _Prepared(mesh, origin)
        return prepared[mesh.guid]

    in_a = {m.guid for m in a}
    in_b = {m.guid for m in b}
    seen: set[tuple[str, str]] = set()
    found: list[Clash] = []
    for i, j in _candidates(a, b, self_mode, _margin(mode, clearance), only):
        ma, mb = a[i], b[j]
        key = tuple(sorted((ma.guid, mb.guid)))
        if key in seen:
            continue
        seen.add(key)
        if ma.guid > mb.guid and (self_mode or (mb.guid in in_a and ma.guid in in_b)):
            ma, mb = mb, ma  # both could be A's: the lower GUID first, whatever the input order
        first, second = sorted((ma, mb), key=lambda m: m.guid)
        result = _narrow(prep(first), prep(second), mode, tolerance, clearance, allow_touching)
        if result is None:
            continue
        kind, distance, p_first, p_second = result
        p_a, p_b = (p_first, p_second) if first is ma else (p_second, p_first)
        found.append(
            Clash(
                a=ma.guid,
                b=mb.guid,
                type=kind,
                distance=float(distance),
                p1=tuple(float(v) for v in p_a + origin),
                p2=tuple(float(v) for v in p_b + origin),
            )
        )
    found.sort(key=lambda c: (c.a, c.b))
    return found


def recheck(
    previous: Sequence[Clash],
    *,
    a: Sequence[Mesh],
    b: Sequence[Mesh] | None = None,
    changed: set[str],
    mode: Mode,
    tolerance: float = 0.002,
    clearance: float = 0.05,
    allow_touching: bool = False,
) -> Recheck:
    """Carry ``previous`` over to a new revision (meshes ``a``/``b``), re-testing only the
    pairs that involve a GUID in ``changed`` (new, changed or removed elements)."""
    present = {m.guid for m in a} | ({m.guid for m in b} if b is not None else set())
    fresh = find(
        a,
        b,
        mode=mode,
        tolerance=tolerance,
        clearance=clearance,
        allow_touching=allow_touching,
        only=set(changed),
    )
    fresh_keys = {(c.a, c.b) for c in fresh}
    before = {(c.a, c.b): c for c in previous}
    still, resolved = [], []
    for key, clash in sorted(before.items()):
        touched = clash.a in changed or clash.b in changed
        if not touched and clash.a in present and clash.b in present:
            still.append(clash)
        elif key not in fresh_keys:
            resolved.append(clash)
    still.extend(c for c in fresh if (c.a, c.b) in before)
    new = [c for c in fresh if (c.a, c.b) not in before]
    still.sort(key=lambda c: (c.a, c.b))
    return Recheck(still=still, resolved=resolved, new=new)


def group(clashes: Sequence[Clash], meshes: Sequence[Mesh]) -> list[dict]:
    """Clashes grouped by the pair of element classes and the storey (of ``a``, else ``b``)."""
    by_guid = {m.guid: m for m in meshes}
    groups: dict[str, dict] = {}
    for clash in clashes:
        ma, mb = by_guid.get(clash.a), by_guid.get(clash.b)
        a_class = ma.ifc_class if ma else ""
        b_class = mb.ifc_class if mb else ""
        storey = (ma.storey if ma else "") or (mb.storey if mb else "")
        key = f"{a_class}|{b_class}|{storey}"
        entry = groups.setdefault(
            key,
            {"key": key, "a_class": a_class, "b_class": b_class, "storey": storey, "clashes": []},
        )
        entry["clashes"].append(clash)
    return [groups[k] for k in sorted(groups)]
