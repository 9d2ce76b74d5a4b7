"""Small IFC4 models with known clashes, built with ``ifcopenshell.api``: the demo district's
models and the BIM tests' fixtures.

``clash_model()`` holds one example of each kind of clash (names are the keys of
``EXPECTED``): a beam piercing a wall, a pipe through a duct, two walls touching, a pipe 3 cm
above a beam, and two slabs overlapping with coplanar faces (the case upstream issue 4594
misses). ``translate(model, dx, dy, dz)`` moves the whole model, e.g. to survey coordinates.
Other tests (the platform's) use these builders too: keep the names stable."""

from __future__ import annotations

import math
import os
from pathlib import Path

import ifcopenshell
import ifcopenshell.api
import ifcopenshell.guid

# CGCS2000 Gauss–Krüger: easting ~500 km (false easting), northing ~4,000 km at 36° N.
SURVEY_SHIFT = (500_000.0, 4_000_000.0, 50.0)


class Builder:
    """An IFC4 file with one site, building and storey, in metres."""

    def __init__(self, *, storey_name: str = "一层") -> None:
        api = ifcopenshell.api.run
        self.model = api("project.create_file", version="IFC4")
        m = self.model
        project = api("root.create_entity", m, ifc_class="IfcProject", name="测试项目")
        units = [
            api("unit.add_si_unit", m, unit_type="LENGTHUNIT"),
            api("unit.add_si_unit", m, unit_type="AREAUNIT"),
            api("unit.add_si_unit", m, unit_type="VOLUMEUNIT"),
        ]
        api("unit.assign_unit", m, units=units)
        model_ctx = api("context.add_context", m, context_type="Model")
        self.body = api(
            "context.add_context",
            m,
            context_type="Model",
            context_identifier="Body",
            target_view="MODEL_VIEW",
            parent=model_ctx,
        )
        site = api("root.create_entity", m, ifc_class="IfcSite", name="场地")
        building = api("root.create_entity", m, ifc_class="IfcBuilding", name="楼")
        self.storey = api("root.create_entity", m, ifc_class="IfcBuildingStorey", name=storey_name)
        api("aggregate.assign_object", m, products=[site], relating_object=project)
        api("aggregate.assign_object", m, products=[building], relating_object=site)
        api("aggregate.assign_object", m, products=[self.storey], relating_object=building)
        site.ObjectPlacement = self._placement((0.0, 0.0, 0.0))
        building.ObjectPlacement = self._placement((0.0, 0.0, 0.0), site.ObjectPlacement)
        self.storey.ObjectPlacement = self._placement((0.0, 0.0, 0.0), building.ObjectPlacement)
        self.guids: dict[str, str] = {}

    def _placement(self, origin, rel_to=None, axis=(0.0, 0.0, 1.0), ref=(1.0, 0.0, 0.0)):
        m = self.model
        position = m.createIfcAxis2Placement3D(
            m.createIfcCartesianPoint([float(c) for c in origin]),
            m.createIfcDirection([float(c) for c in axis]),
            m.createIfcDirection([float(c) for c in ref]),
        )
        return m.createIfcLocalPlacement(rel_to, position)

    def _element(self, ifc_class: str, name: str, placement, solid):
        m = self.model
        element = ifcopenshell.api.run("root.create_entity", m, ifc_class=ifc_class, name=name)
        ifcopenshell.api.run(
            "spatial.assign_container", m, products=[element], relating_structure=self.storey
        )
        element.ObjectPlacement = placement
        shape = m.createIfcShapeRepresentation(self.body, "Body", "SweptSolid", [solid])
        element.Representation = m.createIfcProductDefinitionShape(None, None, [shape])
        self.guids[name] = element.GlobalId
        return element

    def box(self, ifc_class: str, name: str, lo, hi):
        """An axis-aligned box from corner ``lo`` to corner ``hi`` (a rectangle extruded up)."""
        m = self.model
        sx, sy, sz = (float(h - lo_) for lo_, h in zip(lo, hi, strict=True))
        profile = m.createIfcRectangleProfileDef(
            "AREA",
            None,
            m.createIfcAxis2Placement2D(m.createIfcCartesianPoint([sx / 2, sy / 2])),
            sx,
            sy,
        )
        solid = m.createIfcExtrudedAreaSolid(
            profile, None, m.createIfcDirection([0.0, 0.0, 1.0]), sz
        )
        placement = self._placement(lo, self.storey.ObjectPlacement)
        return self._element(ifc_class, name, placement, solid)

    def cylinder(self, ifc_class: str, name: str, start, direction, length: float, radius: float):
        """A circular profile of ``radius`` extruded ``length`` from ``start`` along ``direction``."""
        m = self.model
        dx, dy, dz = direction
        norm = math.sqrt(dx * dx + dy * dy + dz * dz)
        axis = (dx / norm, dy / norm, dz / norm)
        ref = (0.0, 0.0, 1.0) if abs(axis[2]) < 0.9 else (1.0, 0.0, 0.0)
        profile = m.createIfcCircleProfileDef("AREA", None, None, float(radius))
        solid = m.createIfcExtrudedAreaSolid(
            profile, None, m.createIfcDirection([0.0, 0.0, 1.0]), float(length)
        )
        placement = self._placement(start, self.storey.ObjectPlacement, axis=axis, ref=ref)
        return self._element(ifc_class, name, placement, solid)


# The pairs each mode must find in clash_model(), by element name (sorted within a pair).
EXPECTED = {
    "intersection": {("B1", "W1"), ("D1", "P1"), ("S1", "S2")},
    "collision": {("B1", "W1"), ("D1", "P1"), ("S1", "S2"), ("W1", "W2")},
    "collision_allow_touching": {("B1", "W1"), ("D1", "P1"), ("S1", "S2")},
    # Clearance reports every pair closer than the clearance: touching and crossing ones at 0.
    "clearance": {("B2", "P2"), ("B1", "W1"), ("D1", "P1"), ("S1", "S2"), ("W1", "W2")},
}
PIPE_GAP = 0.03  # the gap between P2's underside and B2's top


def add_grid(b: Builder, u: dict[str, float], v: dict[str, float], extent: float) -> None:
    """An IfcGrid in the storey: U axes (tag → x) run along y, V axes (tag → y) along x, each
    a polyline from -1 m to ``extent`` (metres, the builder's unit)."""
    m = b.model

    def axis(tag, start, end):
        line = m.createIfcPolyline(
            [m.createIfcCartesianPoint(start), m.createIfcCartesianPoint(end)]
        )
        return m.createIfcGridAxis(tag, line, True)

    u_axes = [axis(t, (x, -1.0), (x, extent)) for t, x in u.items()]
    v_axes = [axis(t, (-1.0, y), (extent, y)) for t, y in v.items()]
    grid = ifcopenshell.api.run("root.create_entity", m, ifc_class="IfcGrid", name="轴网")
    grid.ObjectPlacement = b._placement((0.0, 0.0, 0.0), b.storey.ObjectPlacement)
    grid.UAxes, grid.VAxes = u_axes, v_axes
    ifcopenshell.api.run(
        "spatial.assign_container", m, products=[grid], relating_structure=b.storey
    )


def clash_model(*, coplanar: bool = True) -> Builder:
    """The model behind ``EXPECTED``; each element far enough from the others that only the
    designed pairs interact (0.05 m clearance). ``coplanar=False`` leaves out the two slabs
    (the peer, ifcclash, misses their overlap)."""
    b = Builder()
    b.box("IfcWall", "W1", (0, 0, 0), (10, 0.2, 3))
    b.box("IfcWall", "W2", (10, 0, 0), (10.2, 6, 3))  # touches W1's end face
    b.box("IfcBeam", "B1", (5, -1, 2), (5.3, 1, 2.4))  # pierces W1
    b.box("IfcDuctSegment", "D1", (20, 0, 2), (30, 0.4, 2.3))
    b.cylinder("IfcPipeSegment", "P1", (25, -1, 2.15), (0, 1, 0), 2.4, 0.05)  # through D1
    b.box("IfcBeam", "B2", (20, 5, 3), (30, 5.3, 3.5))
    b.cylinder("IfcPipeSegment", "P2", (21, 5.15, 3.5 + PIPE_GAP + 0.05), (1, 0, 0), 8, 0.05)
    if coplanar:
        b.box("IfcSlab", "S1", (40, 0, 0), (50, 10, 0.2))
        b.box("IfcSlab", "S2", (45, 0, 0), (55, 10, 0.2))  # coplanar faces with S1, overlapping
    return b


def grid_model(n: int = 10, *, seed: int = 0) -> Builder:
    """A bay grid of ``n`` x ``n`` columns with beams between them (beams touch columns) and
    a pipe run per row that pierces the beams crossing it: ~4 n² elements."""
    b = Builder()
    span = 6.0
    for i in range(n):
        for j in range(n):
            x, y = i * span, j * span
            b.box("IfcColumn", f"C{i}-{j}", (x, y, 0), (x + 0.4, y + 0.4, 3.6))
            if i + 1 < n:
                b.box("IfcBeam", f"BX{i}-{j}", (x + 0.4, y, 3.0), (x + span, y + 0.3, 3.6))
            if j + 1 < n:
                b.box("IfcBeam", f"BY{i}-{j}", (x, y + 0.4, 3.0), (x + 0.3, y + span, 3.6))
    for j in range(n - 1):
        y = j * span + span / 2
        b.cylinder("IfcPipeSegment", f"P{j}", (0.5, y, 3.3), (1, 0, 0), (n - 1) * span, 0.05)
    return b


def translate(model: ifcopenshell.file, dx: float, dy: float, dz: float) -> ifcopenshell.file:
    """Move every element by (dx, dy, dz): shift the root placements (those relative to
    nothing); everything else is placed relative to them. Returns the same file."""
    for placement in model.by_type("IfcLocalPlacement"):
        if placement.PlacementRelTo is not None:
            continue
        location = placement.RelativePlacement.Location
        x, y, z = (list(location.Coordinates) + [0.0, 0.0, 0.0])[:3]
        placement.RelativePlacement.Location = model.createIfcCartesianPoint(
            [x + dx, y + dy, z + dz]
        )
    return model


def move(model: ifcopenshell.file, guid: str, dx: float, dy: float, dz: float) -> None:
    """Move one element (its own placement gets a new location; shared points are not edited)."""
    element = model.by_guid(guid)
    position = element.ObjectPlacement.RelativePlacement
    x, y, z = position.Location.Coordinates
    position.Location = model.createIfcCartesianPoint([x + dx, y + dy, z + dz])


def new_guid() -> str:
    return ifcopenshell.guid.new()


def named_pairs(clashes, guids: dict[str, str]) -> set[tuple[str, str]]:
    """Clash results (objects with .a/.b or dicts) as sorted name pairs."""
    names = {g: n for n, g in guids.items()}
    out = set()
    for c in clashes:
        a, b = (c["a"], c["b"]) if isinstance(c, dict) else (c.a, c.b)
        out.add(tuple(sorted((names[a], names[b]))))
    return out


# The shared sample models (read them there, never copy them into the repository).
# The shared sample models: BIM_SAMPLES_DIR, else ../shared beside the checkout (the project's
# convention), else the workplace's /work/shared (a CI clone in a temporary folder has no
# ../shared beside it).
_SAMPLE_DIRS = [
    os.environ.get("BIM_SAMPLES_DIR", ""),
    str(Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ifc"),
    "/work/shared/data/ifc",
]
SAMPLES = next(
    (Path(c) for c in _SAMPLE_DIRS if c and (Path(c) / "AC20-FZK-Haus.ifc").is_file()),
    Path(_SAMPLE_DIRS[1]),
)


def copy(model: ifcopenshell.file) -> ifcopenshell.file:
    """An independent copy with the same GlobalIds (the same model, e.g. to translate)."""
    return ifcopenshell.file.from_string(model.to_string())
