"""Values shared by the BIM engine's modules and the Django app that stores them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

Mode = Literal["intersection", "collision", "clearance"]
ClashType = Literal["hard", "touching", "clearance"]


@dataclass(frozen=True)
class Mesh:
    """One element's triangles. ``vertices`` are world coordinates in metres, float64 (an
    element at survey coordinates, hundreds of kilometres out, keeps sub-millimetre detail);
    the engine subtracts a shared local origin before any geometric test."""

    guid: str
    ifc_class: str
    name: str
    storey: str
    geometry_hash: str  # hex digest of the element's shape (representation and placement)
    vertices: np.ndarray = field(repr=False)  # (n, 3) float64
    faces: np.ndarray = field(repr=False)  # (m, 3) int32 or int64, indices into vertices

    @property
    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        return self.vertices.min(axis=0), self.vertices.max(axis=0)


@dataclass(frozen=True)
class Clash:
    """A pair of elements that clash; ``a`` is always from group A. ``p1`` lies on ``a``,
    ``p2`` on ``b`` (world coordinates); ``distance`` is the penetration depth for hard
    clashes (positive), 0 for touching, the gap for clearance."""

    a: str
    b: str
    type: ClashType
    distance: float
    p1: tuple[float, float, float]
    p2: tuple[float, float, float]


class MeshCache(Protocol):
    """Where triangulated elements are kept between revisions (the platform: files under
    DATA_DIR; the command line: none or a folder)."""

    def get(self, guid: str, geometry_hash: str) -> Mesh | None: ...

    def put(self, mesh: Mesh) -> None: ...
