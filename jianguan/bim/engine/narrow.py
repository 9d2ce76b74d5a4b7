"""The clash engine's narrow phase, batched: the triangle pairs of many element pairs go
through ``trimath`` in one numpy call, then are reduced per element pair (a Python loop
per element pair costs more than the arithmetic on a few dozen triangles).

Ties (several triangle pairs equally deep or equally close) go to the first pair in input
order, comparing within 1e-9 m, so a model far from the origin, whose local coordinates
carry float noise, reports the same points."""

from __future__ import annotations

import numpy as np

from jianguan.bim.engine import trimath

TOUCH = 1e-5  # metres: closer than this is contact (collision mode)
TIE = 1e-7  # metres: equal within float noise at survey coordinates (ulp at 4,000 km: 5e-10)
_PROBE = 1e-4  # metres off a shared face where the ray-parity check looks for material
BATCH = 200_000  # triangle pairs per numpy batch


class Prepared:
    """A mesh's triangles in the local frame with what the tests need of them (built for
    many meshes at once by ``prepare``)."""

    __slots__ = ("tris", "normals", "lo", "hi", "box_lo", "box_hi", "centroid", "solid")

    def __init__(self, vertices: np.ndarray, faces: np.ndarray, origin: np.ndarray) -> None:
        (one,) = prepare([(vertices, faces)], origin)
        for name in self.__slots__:
            setattr(self, name, getattr(one, name))


def prepare(meshes, origin: np.ndarray) -> list[Prepared]:
    """Prepared meshes for ``(vertices, faces)`` pairs, the numpy work done on all at once:
    triangles in the local frame (degenerate ones dropped), normals, boxes, and whether each
    mesh is closed and consistently oriented outward (each directed edge once, its reverse
    once, positive volume) — then a face's normal tells which side the material is on, and
    coplanar faces need no ray-parity check."""
    count = len(meshes)
    if count == 0:
        return []
    n_vert = np.array([len(v) for v, _ in meshes], dtype=np.int64)
    n_face = np.array([len(f) for _, f in meshes], dtype=np.int64)
    v_start = np.concatenate([[0], np.cumsum(n_vert)[:-1]])
    f_start = np.concatenate([[0], np.cumsum(n_face)[:-1]])
    local = np.concatenate([np.asarray(v, dtype=np.float64) for v, _ in meshes]) - origin
    faces = np.concatenate(
        [np.asarray(f, dtype=np.int64) + o for (_, f), o in zip(meshes, v_start, strict=True)]
    )
    owner = np.repeat(np.arange(count), n_face)
    tris = local[faces]
    normals, ok = trimath.normals(tris)
    volume = np.bincount(
        owner, np.einsum("kj,kj->k", tris[:, 0], np.cross(tris[:, 1], tris[:, 2])), count
    )
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    key = edges[:, 0] * len(local) + edges[:, 1]
    unique, seen = np.unique(key, return_counts=True)
    bad = (seen[np.searchsorted(unique, key)] > 1) | ~np.isin(
        edges[:, 1] * len(local) + edges[:, 0], unique
    )
    broken = np.bincount(np.tile(owner, 3)[bad], minlength=count) > 0
    solid = ~broken & (volume > 0) & (n_face >= 4)
    box_lo = np.minimum.reduceat(local, v_start)
    box_hi = np.maximum.reduceat(local, v_start)
    centroid = np.add.reduceat(local, v_start) / n_vert[:, None]
    tri_lo, tri_hi = tris.min(axis=1), tris.max(axis=1)
    out = []
    for k in range(count):
        keep = slice(f_start[k], f_start[k] + n_face[k])
        good = ok[keep]
        p = Prepared.__new__(Prepared)
        p.tris, p.normals = tris[keep][good], normals[keep][good]
        p.lo, p.hi = tri_lo[keep][good], tri_hi[keep][good]
        p.box_lo, p.box_hi, p.centroid = box_lo[k], box_hi[k], centroid[k]
        p.solid = bool(solid[k])
        out.append(p)
    return out


def overlapping(lo1, hi1, lo2, hi2, margin: float, block: int = 1_000_000):
    """Index pairs (i, j) whose boxes are within ``margin`` of each other, sorted by (i, j).
    Small sets: every pair compared, in blocks. Large ones: sort and sweep along x (the
    widest 1 % of the second set's boxes still compared with every box)."""
    if len(lo1) * len(lo2) <= 4 * block:
        return _all_pairs(lo1, hi1, lo2, hi2, margin, block)
    width = hi2[:, 0] - lo2[:, 0]
    cut = float(np.percentile(width, 99))
    wide = np.nonzero(width > cut)[0]
    narrow_ = np.nonzero(width <= cut)[0]
    wi, wj = _all_pairs(lo1, hi1, lo2[wide], hi2[wide], margin, block)
    order = narrow_[np.argsort(lo2[narrow_, 0], kind="stable")]
    starts = lo2[order, 0]
    first = np.searchsorted(starts, lo1[:, 0] - margin - cut, side="left")
    last = np.searchsorted(starts, hi1[:, 0] + margin, side="right")
    counts = np.maximum(last - first, 0)
    i = np.repeat(np.arange(len(lo1)), counts)
    k = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    j = order[np.repeat(first, counts) + k]
    meet = np.all((lo1[i] <= hi2[j] + margin) & (lo2[j] <= hi1[i] + margin), axis=1)
    i = np.concatenate([wi, i[meet]])
    j = np.concatenate([wide[wj], j[meet]])
    keep = np.lexsort((j, i))
    return i[keep], j[keep]


def _all_pairs(lo1, hi1, lo2, hi2, margin: float, block: int):
    rows = max(1, block // max(1, len(lo2)))
    out_i, out_j = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(lo1), rows):
        a_lo, a_hi = lo1[start : start + rows, None, :], hi1[start : start + rows, None, :]
        meet = np.all((a_lo <= hi2[None] + margin) & (lo2[None] <= a_hi + margin), axis=2)
        i, j = np.nonzero(meet)
        out_i.append(i + start)
        out_j.append(j)
    return np.concatenate(out_i), np.concatenate(out_j)


def triangle_pairs(x: Prepared, y: Prepared, margin: float):
    """Triangles of x and y whose boxes are within ``margin``."""
    sel_x = np.nonzero(np.all((x.lo <= y.box_hi + margin) & (y.box_lo <= x.hi + margin), axis=1))[0]
    sel_y = np.nonzero(np.all((y.lo <= x.box_hi + margin) & (x.box_lo <= y.hi + margin), axis=1))[0]
    if len(sel_x) == 0 or len(sel_y) == 0:
        return sel_x[:0], sel_y[:0]
    i, j = overlapping(x.lo[sel_x], x.hi[sel_x], y.lo[sel_y], y.hi[sel_y], margin)
    return sel_x[i], sel_y[j]


def _contained_depth(x: Prepared, y: Prepared) -> float:
    """How deep x's vertex centroid sits inside both x and y (0 if not inside both): finds an
    element wholly inside another, where no surfaces cross."""
    if not (np.all(x.box_lo >= y.box_lo - TOUCH) and np.all(x.box_hi <= y.box_hi + TOUCH)):
        return 0.0
    p = x.centroid
    if not (trimath.inside(p[None], x.tris)[0] and trimath.inside(p[None], y.tris)[0]):
        return 0.0
    depth = np.inf
    for tris in (x.tris, y.tris):
        near = trimath.closest_on_triangle(
            np.repeat(p[None], len(tris), 0), *tris.transpose(1, 0, 2)
        )
        depth = min(depth, float(np.linalg.norm(near - p, axis=1).min()))
    return depth


def _group_pick(pid: np.ndarray, value: np.ndarray, groups: int, *, largest: bool):
    """Per group id: the index of the first entry within TIE of the group's max (or min);
    -1 for empty groups."""
    out = np.full(groups, -1, dtype=np.int64)
    if len(pid) == 0:
        return out
    sign = 1.0 if largest else -1.0
    v = sign * value
    best = np.full(groups, -np.inf)
    np.maximum.at(best, pid, v)
    ok = v >= best[pid] - TIE
    idx = np.arange(len(pid))
    first = np.full(groups, np.iinfo(np.int64).max)
    np.minimum.at(first, pid[ok], idx[ok])
    present = first != np.iinfo(np.int64).max
    out[present] = first[present]
    return out


SMALL = 4096  # element pairs with at most this many triangle pairs skip the per-pair filter


class _Batch:
    """The triangle pairs (boxes within ``margin``) of a list of element pairs, concatenated
    and grouped by element pair, in (triangle of x, triangle of y) order within each."""

    def __init__(self, pairs, margin: float) -> None:
        slot: dict[int, int] = {}
        meshes: list[Prepared] = []
        for x, y in pairs:
            for m in (x, y):
                if id(m) not in slot:
                    slot[id(m)] = len(meshes)
                    meshes.append(m)
        counts = np.array([len(m.tris) for m in meshes], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(meshes) else counts
        tris = np.concatenate([m.tris for m in meshes]) if meshes else np.zeros((0, 3, 3))
        normals = np.concatenate([m.normals for m in meshes]) if meshes else np.zeros((0, 3))
        # the triangles' boxes were computed once per mesh by ``prepare``
        lo = np.concatenate([m.lo for m in meshes]) if meshes else np.zeros((0, 3))
        hi = np.concatenate([m.hi for m in meshes]) if meshes else np.zeros((0, 3))
        sx = np.array([slot[id(x)] for x, _ in pairs], dtype=np.int64)
        sy = np.array([slot[id(y)] for _, y in pairs], dtype=np.int64)
        nx, ny = counts[sx], counts[sy]
        small = nx * ny <= SMALL
        pid_parts, i_parts, j_parts = [], [], []
        # Small pairs: every triangle pair, generated for all of them at once.
        k = np.nonzero(small)[0]
        sizes = nx[k] * ny[k]
        pid = np.repeat(k, sizes)
        r = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        per_y = np.repeat(ny[k], sizes)
        i = np.repeat(offsets[sx[k]], sizes) + r // per_y
        j = np.repeat(offsets[sy[k]], sizes) + r % per_y
        meet = np.all((lo[i] <= hi[j] + margin) & (lo[j] <= hi[i] + margin), axis=1)
        pid_parts.append(pid[meet])
        i_parts.append(i[meet])
        j_parts.append(j[meet])
        # Large pairs: only the triangles near the other element, pair by pair.
        for k in np.nonzero(~small)[0]:
            x, y = pairs[k]
            ti, tj = triangle_pairs(x, y, margin)
            pid_parts.append(np.full(len(ti), k, dtype=np.int64))
            i_parts.append(ti + offsets[sx[k]])
            j_parts.append(tj + offsets[sy[k]])
        pid = np.concatenate(pid_parts)
        order = np.argsort(pid, kind="stable")
        self.pid = pid[order]
        i, j = np.concatenate(i_parts)[order], np.concatenate(j_parts)[order]
        self.t1, self.n1, self.t2, self.n2 = tris[i], normals[i], tris[j], normals[j]
        apart = np.maximum(0.0, np.maximum(lo[j] - hi[i], lo[i] - hi[j]))
        self.lower = np.sqrt(np.einsum("kj,kj->k", apart, apart))  # a bound below the distance


def _penetrations(batch: _Batch, pairs, count: int):
    """Per element pair: (depth, point, contact, contact point); depth 0 where nothing
    penetrates, contact where faces lie on each other."""
    depth = np.zeros(count)
    point = np.zeros((count, 3))
    contact = np.zeros(count, dtype=bool)
    contact_point = np.zeros((count, 3))
    close = np.nonzero(batch.lower <= trimath.EPS)[0]  # only boxes that meet can cross
    if len(close) == 0:
        return depth, point, contact, contact_point
    pid = batch.pid[close]
    t1, n1, t2, n2 = batch.t1[close], batch.n1[close], batch.t2[close], batch.n2[close]
    hit, d, where = trimath.crossing(t1, n1, t2, n2)
    pick = _group_pick(pid, np.where(hit, d, -np.inf), count, largest=True)
    for k in np.nonzero(pick >= 0)[0]:
        if hit[pick[k]]:
            depth[k], point[k] = d[pick[k]], where[pick[k]]
    # Coplanar faces that overlap: the solids overlap if both hold material on one side.
    # Normals cannot say which side (furniture and other surface models are often
    # inconsistently oriented), so the widest overlap of each pair is checked by ray parity.
    same, opposite, width, centre = trimath.coplanar_overlap(t1, n1, t2, n2)
    solid = np.array([x.solid and y.solid for x, y in pairs])[pid]
    # Two outward solids: same-facing faces overlap, opposite ones touch. Anything else (a
    # surface model, flipped faces): either kind, then confirmed by ray parity below.
    candidate = np.where(solid, same, same | opposite) & (width > TIE)
    value = np.where(candidate, width, -np.inf)
    pick = _group_pick(pid, value, count, largest=True)
    for k in np.nonzero(pick >= 0)[0]:
        q = pick[k]
        if not np.isfinite(value[q]) or value[q] <= depth[k] + TIE:
            continue
        where = centre[q] if solid[q] else _shared_point(t1[q], t2[q], n1[q], pairs[k])
        if where is not None:
            depth[k], point[k] = value[q], where
    # Faces lying on each other: contact, found without measuring any distance.
    touch = np.where((same | opposite) & (width > TIE), width, -np.inf)
    pick = _group_pick(pid, touch, count, largest=True)
    has = pick >= 0
    has[has] = np.isfinite(touch[pick[has]])
    contact[has] = True
    contact_point[has] = centre[pick[has]]
    return depth, point, contact, contact_point


def _shared_point(a: np.ndarray, b: np.ndarray, n: np.ndarray, pair) -> np.ndarray | None:
    """A point of the area two coplanar triangles share, if the solids overlap beside it
    (a point just off the plane, on either side, inside both), else None."""
    polygon = trimath.clip_coplanar(a, b, n)
    if polygon is None:
        return None
    centre = polygon.mean(axis=0)
    x, y = pair
    for side in (1.0, -1.0):
        probe = (centre + side * _PROBE * n)[None]
        if trimath.inside(probe, x.tris)[0] and trimath.inside(probe, y.tris)[0]:
            return centre
    return None


def _gaps(batch: _Batch, wanted: np.ndarray, count: int):
    """Per element pair in ``wanted``: the least distance and its closest points. Triangle
    pairs whose box gap exceeds an upper bound of their element pair's distance (the least
    first-vertex distance) cannot hold the minimum and are skipped."""
    gap = np.full(count, np.inf)
    p1 = np.zeros((count, 3))
    p2 = np.zeros((count, 3))
    rows = np.nonzero(wanted[batch.pid])[0]
    if len(rows) == 0:
        return gap, p1, p2
    pid = batch.pid[rows]
    upper = np.full(count, np.inf)
    np.minimum.at(upper, pid, np.linalg.norm(batch.t1[rows, 0] - batch.t2[rows, 0], axis=1))
    rows = rows[batch.lower[rows] <= upper[pid] + TIE]
    pid = batch.pid[rows]
    dist, c1, c2 = trimath.distance(batch.t1[rows], batch.t2[rows])
    pick = _group_pick(pid, dist, count, largest=False)
    has = pick >= 0
    gap[has] = dist[pick[has]]
    p1[has] = c1[pick[has]]
    p2[has] = c2[pick[has]]
    return gap, p1, p2


def narrow(pairs, *, mode: str, tolerance: float, clearance: float, allow_touching: bool):
    """For each (x, y) of Prepared meshes: (type, distance, point on x, point on y) or None."""
    results = []
    margin = clearance if mode == "clearance" else max(TOUCH, trimath.EPS)
    start = 0
    while start < len(pairs):
        # Batches of element pairs holding about BATCH triangle pairs between them.
        chunk, size = [], 0
        while start < len(pairs) and (not chunk or size < BATCH):
            x, y = pairs[start]
            chunk.append((x, y))
            size += min(len(x.tris) * len(y.tris), SMALL)
            start += 1
        results.extend(_narrow_chunk(chunk, mode, tolerance, clearance, margin, allow_touching))
    return results


def _narrow_chunk(pairs, mode, tolerance, clearance, margin, allow_touching):
    count = len(pairs)
    batch = _Batch(pairs, margin)
    depth, point, contact, contact_point = _penetrations(batch, pairs, count)
    found = depth > 0
    # No surfaces cross: one element wholly inside the other? Only where one box holds the
    # other (tested for all pairs at once: a numpy call per pair cost more than the test).
    lo_x = np.array([x.box_lo for x, _ in pairs]).reshape(-1, 3)
    hi_x = np.array([x.box_hi for x, _ in pairs]).reshape(-1, 3)
    lo_y = np.array([y.box_lo for _, y in pairs]).reshape(-1, 3)
    hi_y = np.array([y.box_hi for _, y in pairs]).reshape(-1, 3)
    x_in_y = np.all((lo_x >= lo_y - TOUCH) & (hi_x <= hi_y + TOUCH), axis=1)
    y_in_x = np.all((lo_y >= lo_x - TOUCH) & (hi_y <= hi_x + TOUCH), axis=1)
    for k in np.nonzero(~found & (x_in_y | y_in_x))[0]:
        x, y = pairs[k]
        for first, second in ((x, y), (y, x)):
            inside = _contained_depth(first, second)
            if inside > depth[k]:
                depth[k], point[k], found[k] = inside, first.centroid, True
    if mode == "intersection":
        return [
            ("hard", float(depth[k]), point[k], point[k])
            if found[k] and depth[k] > tolerance
            else None
            for k in range(count)
        ]
    hard = found & (depth > TOUCH) if mode == "collision" else found
    need_gap = ~hard & ~found & ~contact
    if mode == "collision" and allow_touching:
        need_gap[:] = False
    gap, p1, p2 = _gaps(batch, need_gap, count)
    out = []
    for k in range(count):
        if mode == "collision":
            if hard[k]:
                out.append(("hard", float(depth[k]), point[k], point[k]))
            elif allow_touching:
                out.append(None)
            elif found[k]:
                out.append(("touching", 0.0, point[k], point[k]))
            elif contact[k]:
                out.append(("touching", 0.0, contact_point[k], contact_point[k]))
            elif gap[k] <= TOUCH:
                out.append(("touching", 0.0, p1[k], p2[k]))
            else:
                out.append(None)
        elif found[k]:
            out.append(("clearance", 0.0, point[k], point[k]))
        elif contact[k]:
            out.append(("clearance", 0.0, contact_point[k], contact_point[k]))
        elif gap[k] < clearance:
            out.append(("clearance", float(gap[k]), p1[k], p2[k]))
        else:
            out.append(None)
    return out
