"""What the clash viewer draws (static/bim/viewer.js): the two elements of a clash and their
neighbours, as flat vertex and face lists relative to a local origin. No Django.

The origin is the clash point rounded to the metre, kept in double precision on the server;
vertices sent are small offsets from it, so the browser's float32 buffers keep sub-millimetre
detail even for a model at survey coordinates (hundreds of kilometres from 0)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from jianguan.bim.engine.types import Mesh

NEIGHBOUR_RADIUS_M = 3.0  # how far around the clash point neighbours are shown
MAX_NEIGHBOURS = 40
MAX_NEIGHBOUR_TRIANGLES = 20_000  # a detailed neighbour is left out rather than stall a phone
DECIMALS = 4  # 0.1 mm: finer than any model, and a third shorter JSON


def origin_of(p1, p2) -> tuple[float, float, float]:
    mid = [(float(a) + float(b)) / 2 for a, b in zip(p1, p2, strict=True)]
    return tuple(float(math.floor(v)) for v in mid)  # type: ignore[return-value]


def _bbox_gap(mesh: Mesh, point: np.ndarray) -> float:
    """Distance from ``point`` to the mesh's bounding box (0 inside)."""
    lo, hi = mesh.bbox
    d = np.maximum(np.maximum(lo - point, point - hi), 0.0)
    return float(np.sqrt((d * d).sum()))


def element(mesh: Mesh, role: str, origin) -> dict:
    local = np.asarray(mesh.vertices, dtype=np.float64) - np.asarray(origin, dtype=np.float64)
    return {
        "guid": mesh.guid,
        "class": mesh.ifc_class,
        "name": mesh.name,
        "role": role,
        "vertices": np.round(local, DECIMALS).ravel().tolist(),
        "faces": np.asarray(mesh.faces, dtype=np.int64).ravel().tolist(),
    }


def neighbours(
    candidates: Iterable[Mesh], point, *, exclude: set[str], radius: float = NEIGHBOUR_RADIUS_M
) -> list[Mesh]:
    """The nearest candidates within ``radius`` of ``point`` (by bounding box)."""
    p = np.asarray(point, dtype=np.float64)
    near = []
    for m in candidates:
        if m.guid in exclude or len(m.faces) > MAX_NEIGHBOUR_TRIANGLES:
            continue
        gap = _bbox_gap(m, p)
        if gap <= radius:
            near.append((gap, m.guid, m))
    near.sort(key=lambda t: (t[0], t[1]))
    return [m for _, _, m in near[:MAX_NEIGHBOURS]]


def build(*, a: Mesh | None, b: Mesh | None, p1, p2, context: Iterable[Mesh] = ()) -> dict:
    """The viewer's payload; a missing mesh (not cached) is simply not drawn."""
    origin = origin_of(p1, p2)
    elements = [element(m, role, origin) for m, role in ((a, "a"), (b, "b")) if m is not None]
    elements += [element(m, "context", origin) for m in context]
    return {
        "origin": list(origin),
        "elements": elements,
        "clash": {"p1": [float(v) for v in p1], "p2": [float(v) for v in p2]},
    }


MAX_MODEL_TRIANGLES = 400_000  # a whole revision in a phone's browser: beyond, the rest is left


def build_model(meshes: Iterable[Mesh]) -> dict:
    """A whole revision: every element (role "model", coloured by class in the viewer) around
    the origin of the model's bounding box, up to MAX_MODEL_TRIANGLES; ``left_out`` says how
    many elements did not fit."""
    meshes = list(meshes)
    if not meshes:
        return {"origin": [0.0, 0.0, 0.0], "elements": [], "left_out": 0}
    lo = np.min([m.bbox[0] for m in meshes], axis=0)
    hi = np.max([m.bbox[1] for m in meshes], axis=0)
    origin = tuple(float(math.floor(v)) for v in (lo + hi) / 2)
    kept, triangles = [], 0
    # small elements first: a wall's outline says more than one detailed fitting
    for m in sorted(meshes, key=lambda m: (len(m.faces), m.guid)):
        if triangles + len(m.faces) > MAX_MODEL_TRIANGLES:
            break
        kept.append(m)
        triangles += len(m.faces)
    return {
        "origin": list(origin),
        "elements": [element(m, "model", origin) for m in kept],
        "left_out": len(meshes) - len(kept),
    }
