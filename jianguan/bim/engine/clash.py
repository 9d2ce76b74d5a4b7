"""Clash detection between two groups of meshes (or one group against itself).

Broad phase: element bounding boxes compared in numpy blocks. Narrow phase: the triangle
pairs whose boxes meet, tested in numpy (``trimath``). Every test runs in a local frame: a
shared origin (float64) is subtracted first, so a model 500 km from the origin gives the same
pairs as at the origin. Each pair is computed in one canonical order (lower GlobalId first)
and only then turned round to put group A's element first, so ``p1``/``p2`` do not depend
on the order of the input. No Django import.

Modes (what a result means):

* ``intersection``: the solids share volume deeper than ``tolerance`` (type ``hard``):
  surfaces crossing, coplanar faces of both solids overlapping (upstream ifcopenshell issue
  4594), or one element wholly inside the other. ``distance`` estimates the penetration: how
  far the shallower of two crossing faces reaches past the other, at most the length of
  their common segment (for coplanar overlaps the overlap's width).
* ``collision``: any contact. Sharing volume deeper than 0.01 mm is ``hard``; faces, edges or
  corners within 0.01 mm are ``touching`` (distance 0) unless ``allow_touching`` — touching
  is then allowed, i.e. not reported. (ifcclash's ``allow_touching=True`` means the
  opposite: touching is reported.)
* ``clearance``: every pair closer than ``clearance`` (type ``clearance``, distance the
  gap), touching and crossing pairs included at 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jianguan.bim.engine import grids, narrow, trimath
from jianguan.bim.engine.types import Clash, Mesh, Mode

TOUCH = narrow.TOUCH
MODES = ("intersection", "collision", "clearance")


@dataclass
class Recheck:
    still: list[Clash]
    resolved: list[Clash]
    new: list[Clash]


def _boxes(meshes: Sequence[Mesh]) -> tuple[np.ndarray, np.ndarray]:
    """Every mesh's box in one numpy pass (a min and a max call per mesh cost more than the
    arithmetic: 7,000 calls on a 1,179-element model)."""
    meshes = [m for m in meshes]
    if not meshes:
        return np.zeros((0, 3)), np.zeros((0, 3))
    vertices = np.concatenate([m.vertices for m in meshes])
    starts = np.cumsum([0] + [len(m.vertices) for m in meshes[:-1]])
    return np.minimum.reduceat(vertices, starts), np.maximum.reduceat(vertices, starts)


def _margin(mode: str, clearance: float) -> float:
    return clearance if mode == "clearance" else max(TOUCH, trimath.EPS)


def _candidates(a, b, boxes, self_mode, margin, only) -> list[tuple[int, int]]:
    """Broad phase: index pairs (into a, into b) whose boxes meet; with ``only`` (a set of
    GUIDs), just the pairs that involve one of them."""
    (lo_a, hi_a), (lo_b, hi_b) = boxes
    if only is None:
        i, j = narrow.overlapping(lo_a, hi_a, lo_b, hi_b, margin)
        pairs = set(zip(i.tolist(), j.tolist(), strict=True))
    else:
        pairs = set()
        rows_a = np.array([k for k, m in enumerate(a) if m.guid in only], dtype=np.int64)
        rows_b = np.array([k for k, m in enumerate(b) if m.guid in only], dtype=np.int64)
        if len(rows_a):
            i, j = narrow.overlapping(lo_a[rows_a], hi_a[rows_a], lo_b, hi_b, margin)
            pairs |= set(zip(rows_a[i].tolist(), j.tolist(), strict=True))
        if len(rows_b):
            j, i = narrow.overlapping(lo_b[rows_b], hi_b[rows_b], lo_a, hi_a, margin)
            pairs |= set(zip(i.tolist(), rows_b[j].tolist(), strict=True))
    out = []
    for i, j in sorted(pairs):
        if a[i].guid == b[j].guid or (self_mode and i > j):
            continue
        out.append((i, j))
    return out


def _origin(*lows: np.ndarray) -> np.ndarray:
    lows = [lo for lo in lows if len(lo)]
    return np.floor(np.min(np.concatenate(lows), axis=0)) if lows else np.zeros(3)


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
    box_a = _boxes(a)
    box_b = box_a if self_mode else _boxes(b)
    origin = _origin(box_a[0], box_b[0])
    prepared: dict[str, narrow.Prepared] = {}

    def prep(mesh: Mesh) -> narrow.Prepared:
        return prepared[mesh.guid]

    in_a = {m.guid for m in a}
    in_b = {m.guid for m in b}
    seen: set[tuple[str, str]] = set()
    oriented: list[tuple[Mesh, Mesh, bool]] = []  # (a, b, a has the lower GUID)
    for i, j in _candidates(a, b, (box_a, box_b), self_mode, _margin(mode, clearance), only):
        ma, mb = a[i], b[j]
        key = (ma.guid, mb.guid) if ma.guid < mb.guid else (mb.guid, ma.guid)
        if key in seen:
            continue
        seen.add(key)
        if ma.guid > mb.guid and (self_mode or (mb.guid in in_a and ma.guid in in_b)):
            ma, mb = mb, ma  # both could be A's: the lower GUID first, whatever the input order
        oriented.append((ma, mb, ma.guid < mb.guid))
    needed = {m.guid: m for ma, mb, _ in oriented for m in (ma, mb)}
    ready = narrow.prepare([(m.vertices, m.faces) for m in needed.values()], origin)
    prepared.update(zip(needed, ready, strict=True))
    # Each pair is computed with the lower GUID first, whichever group it came from.
    pairs = [(prep(ma), prep(mb)) if low else (prep(mb), prep(ma)) for ma, mb, low in oriented]
    results = narrow.narrow(
        pairs, mode=mode, tolerance=tolerance, clearance=clearance, allow_touching=allow_touching
    )
    found: list[Clash] = []
    for (ma, mb, low), result in zip(oriented, results, strict=True):
        if result is None:
            continue
        kind, distance, p_first, p_second = result
        p_a, p_b = (p_first, p_second) if low else (p_second, p_first)
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


def group(clashes: Sequence[Clash], meshes: Sequence[Mesh], axes=()) -> list[dict]:
    """Clashes grouped by the pair of element classes, the grid line nearest the clash (with
    ``axes``, the models' IfcGrid axes: ``grids.axes``) and the storey (of ``a``, else ``b``):
    "the same pair of element types on the same grid line". Without grids the grid is empty
    and the key is the class pair and storey. Each entry lists its clashes and, per clash,
    the nearest grid intersection ("C/3") where it sits."""
    by_guid = {m.guid: m for m in meshes}
    groups: dict[str, dict] = {}
    for clash in clashes:
        ma, mb = by_guid.get(clash.a), by_guid.get(clash.b)
        # the pair of types unordered: which element comes first follows their GUIDs
        a_class, b_class = sorted((ma.ifc_class if ma else "", mb.ifc_class if mb else ""))
        storey = (ma.storey if ma else "") or (mb.storey if mb else "")
        middle = [(u + v) / 2 for u, v in zip(clash.p1, clash.p2, strict=True)]
        line, cross = grids.nearest(list(axes), middle)
        key = f"{a_class}|{b_class}|{line}|{storey}" if line else f"{a_class}|{b_class}|{storey}"
        entry = groups.setdefault(
            key,
            {
                "key": key,
                "a_class": a_class,
                "b_class": b_class,
                "grid": line,
                "storey": storey,
                "clashes": [],
                "crossings": {},
            },
        )
        entry["clashes"].append(clash)
        entry["crossings"][(clash.a, clash.b)] = cross
    return [groups[k] for k in sorted(groups)]
