"""Triangulate an IFC model's elements once, in world coordinates as float64.

The kernel (``ifcopenshell.geom``) triangulates each representation in its object's local
coordinates; the placement is applied here in double precision, so an element placed at
survey coordinates (hundreds of kilometres from the origin) keeps sub-millimetre detail. An
element whose ``geometry_hash`` is already in the cache is not handed to the kernel at all.
No Django import: the platform's task worker and the command line share this module."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import ifcopenshell
import ifcopenshell.geom
import ifcopenshell.util.element
import numpy as np

from jianguan.bim.engine.types import Mesh, MeshCache

# Classes the kernel would triangulate but that are not physical parts of the building.
SKIPPED = ("IfcFeatureElement", "IfcSpatialElement", "IfcAnnotation", "IfcVirtualElement")
# Attributes that never change an element's triangles (bookkeeping, names, history).
_IGNORED_TYPES = {"IfcOwnerHistory", "IfcPresentationLayerAssignment"}
KERNEL = os.environ.get("JIANGUAN_BIM_KERNEL", "opencascade")


def open_model(model: ifcopenshell.file | str | os.PathLike) -> ifcopenshell.file:
    if isinstance(model, ifcopenshell.file):
        return model
    return ifcopenshell.open(str(Path(model)))


def select_elements(model: ifcopenshell.file, select: str | None = None) -> list:
    """The elements of ``select`` (comma-separated IFC classes, subtypes included) or every
    IfcElement, that have a representation; features (openings), spaces and annotations out."""
    classes = [c.strip() for c in select.split(",") if c.strip()] if select else ["IfcElement"]
    found: dict[int, object] = {}
    for cls in classes:
        try:
            for element in model.by_type(cls):
                found[element.id()] = element
        except RuntimeError as exc:  # a class the schema does not know
            raise ValueError(f"未知的 IFC 类：{cls}") from exc
    out = []
    for element in found.values():
        if any(element.is_a(skip) for skip in SKIPPED):
            continue
        if getattr(element, "Representation", None) is None:
            continue
        out.append(element)
    out.sort(key=lambda e: e.GlobalId)
    return out


class _Hasher:
    """Hashes an entity graph by value, not by STEP id: a re-exported file numbers its
    instances differently, but an unchanged element must hash the same. Hashing every element
    is most of a revision's re-check, so this reads attributes with ``get_argument`` (the
    wrapper's ``__iter__``/``__getitem__`` cost twice as much per attribute) and dispatches on
    the exact type first; the digests are the same as before (the mesh cache stays valid)."""

    def __init__(self) -> None:
        self.memo: dict[int, bytes] = {}

    def entity(self, e) -> bytes:
        key = e.id()
        if key:
            cached = self.memo.get(key)
            if cached is not None:
                return cached
        value = self.value
        get = e.get_argument
        parts = [e.is_a().encode()]
        parts += [value(get(k)) for k in range(len(e))]
        digest = hashlib.blake2b(b"\x1f".join(parts), digest_size=16).digest()
        if key:
            self.memo[key] = digest
        return digest

    def value(self, v) -> bytes:
        kind = type(v)
        if kind is float:
            return repr(round(v, 9)).encode()
        if kind is tuple or kind is list:
            return b"(" + b",".join([self.value(x) for x in v]) + b")"
        if isinstance(v, ifcopenshell.entity_instance):
            if v.is_a() in _IGNORED_TYPES:
                return b"-"
            return self.entity(v)
        return repr(v).encode()

    def element(self, element) -> str:
        parts = [self.value(element.ObjectPlacement), self.value(element.Representation)]
        # Openings cut the element's body: their shape and placement are part of its triangles.
        for rel in getattr(element, "HasOpenings", None) or ():
            opening = rel.RelatedOpeningElement
            parts.append(self.value(opening.ObjectPlacement))
            parts.append(self.value(opening.Representation))
        return hashlib.blake2b(b"|".join(parts), digest_size=16).hexdigest()


def geometry_hash(element) -> str:
    """A stable digest of what determines the element's triangles: its representation items,
    its placement chain and its openings (by value, independent of STEP ids)."""
    return _Hasher().element(element)


def kernel_threads() -> int:
    """Threads for the kernel's iterator. Its threaded mode costs about twice the CPU of one
    thread (measured on the 1,179-element grid: 3.2 CPU-s with 2 threads against 1.4 s with
    one, bench/RESULTS.md), so on one or two cores a single thread is faster in wall time too,
    and more so when other work shares the cores. ``JIANGUAN_BIM_THREADS`` overrides."""
    forced = os.environ.get("JIANGUAN_BIM_THREADS", "")
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = multiprocessing.cpu_count()
    return 1 if cores <= 2 else min(8, cores)


def _storey(element) -> str:
    current = element
    for _ in range(8):  # parts of an assembly take the assembly's container
        container = ifcopenshell.util.element.get_container(current)
        # An element in a space belongs to the space's storey.
        while container is not None and container.is_a("IfcSpace"):
            container = ifcopenshell.util.element.get_aggregate(container)
        if container is not None:
            return container.Name or ""
        parent = ifcopenshell.util.element.get_aggregate(current)
        if parent is None:
            return ""
        current = parent
    return ""


def _settings() -> ifcopenshell.geom.settings:
    settings = ifcopenshell.geom.settings()
    # Local coordinates from the kernel; the placement is applied here in float64.
    settings.set("use-world-coords", False)
    settings.set("weld-vertices", True)  # shared vertices: the clash engine checks closure
    settings.set("no-normals", True)  # the engine computes its own face normals (~7 % faster)
    return settings


def triangulate(
    model,
    *,
    cache: MeshCache | None = None,
    select: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> list[Mesh]:
    """Every selected element's mesh, sorted by GlobalId; cached meshes are reused."""
    model = open_model(model)
    elements = select_elements(model, select)
    hasher = _Hasher()
    meshes: dict[str, Mesh] = {}
    todo = []
    hashes: dict[str, str] = {}
    for element in elements:
        digest = hasher.element(element)
        hashes[element.GlobalId] = digest
        cached = cache.get(element.GlobalId, digest) if cache is not None else None
        if cached is not None:
            meshes[element.GlobalId] = cached
        else:
            todo.append(element)
    total = len(elements)
    done = len(meshes)
    if progress:
        progress(done, total)
    if todo:
        by_guid = {e.GlobalId: e for e in todo}
        threads = threads or kernel_threads()
        iterator = ifcopenshell.geom.iterator(
            _settings(), model, threads, include=todo, geometry_library=KERNEL
        )
        if iterator.initialize():
            while True:
                shape = iterator.get()
                element = by_guid.get(shape.guid)
                if element is not None:
                    mesh = _mesh(shape, element, hashes[shape.guid])
                    if mesh is not None:
                        meshes[mesh.guid] = mesh
                        if cache is not None:
                            cache.put(mesh)
                done += 1
                if progress:
                    progress(min(done, total), total)
                if not iterator.next():
                    break
    return [meshes[g] for g in sorted(meshes)]


def _mesh(shape, element, digest: str) -> Mesh | None:
    local = np.asarray(shape.geometry.verts, dtype=np.float64).reshape(-1, 3)
    faces = np.asarray(shape.geometry.faces, dtype=np.int64).reshape(-1, 3)
    if len(faces) == 0:
        return None
    # Column-major 4x4 from the kernel, already in double precision.
    matrix = np.asarray(shape.transformation.matrix, dtype=np.float64).reshape(4, 4).T
    world = local @ matrix[:3, :3].T + matrix[:3, 3]
    return Mesh(
        guid=element.GlobalId,
        ifc_class=element.is_a(),
        name=element.Name or "",
        storey=_storey(element),
        geometry_hash=digest,
        vertices=world,
        faces=faces,
    )


class MemoryCache:
    """A MeshCache in a dict, counting the meshes put (the tests count triangulations)."""

    def __init__(self) -> None:
        self.meshes: dict[tuple[str, str], Mesh] = {}
        self.puts = 0

    def get(self, guid: str, geometry_hash: str) -> Mesh | None:
        return self.meshes.get((guid, geometry_hash))

    def put(self, mesh: Mesh) -> None:
        self.puts += 1
        self.meshes[(mesh.guid, mesh.geometry_hash)] = mesh
