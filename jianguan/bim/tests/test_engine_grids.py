"""Grid lines: the nearest IfcGrid axis of each clash, the same at survey coordinates, and the
grouping by (class pair, grid line, storey); without grids, (class pair, storey)."""

from __future__ import annotations

import ifcopenshell.api

from jianguan.bim import builders as ib
from jianguan.bim.engine import clash, geometry, grids

# Axis 2 and 3 a metre or so from the beams that pierce W1 (x 5–5.3 and 9–9.3), axis A within
# 0.2 m of every point of their clash: the nearest line is A wherever the clash point lies.
U = {"1": 0.0, "2": 4.0, "3": 10.0, "4": 25.0}
V = {"A": 0.0, "B": 5.0}


def gridded() -> ib.Builder:
    b = ib.clash_model()
    ib.add_grid(b, U, V, 60.0)
    return b


def located(b: ib.Builder) -> dict[tuple[str, str], tuple[str, str]]:
    names = {g: n for n, g in b.guids.items()}
    axes = grids.axes(b.model)
    out = {}
    for c in clash.find(geometry.triangulate(b.model), mode="intersection"):
        middle = [(u + v) / 2 for u, v in zip(c.p1, c.p2, strict=True)]
        out[tuple(sorted((names[c.a], names[c.b])))] = grids.nearest(axes, middle)
    return out


def test_axes_in_world_metres_and_the_nearest_line_and_crossing():
    b = gridded()
    axes = grids.axes(b.model)
    assert {a.tag for a in axes} == {*U, *V}
    one = next(a for a in axes if a.tag == "2")
    assert one.family == "U" and one.start == (4.0, -1.0) and one.end == (4.0, 60.0)
    assert grids.nearest(axes, (4.2, 3.0, 3.0)) == ("2", "2/B")  # 0.2 m off 2, 2 m off B
    assert grids.nearest(axes, (24.0, 0.3, 0.0)) == ("A", "4/A")
    assert grids.nearest([], (1.0, 1.0, 1.0)) == ("", "")
    # the beam piercing the wall sits near axis A (at most 0.2 m) and 2 (1–1.3 m)
    assert located(b)[("B1", "W1")] == ("A", "2/A")


def test_same_lines_at_survey_coordinates():
    b = gridded()
    at_origin = located(b)
    ib.translate(b.model, *ib.SURVEY_SHIFT)
    assert located(b) == at_origin


def test_a_grid_in_millimetres_is_read_in_metres():
    b = gridded()
    # the same grid written in a millimetre project: every length ×1000, the unit MILLI
    unit = next(u for u in b.model.by_type("IfcSIUnit") if u.UnitType == "LENGTHUNIT")
    unit.Prefix = "MILLI"
    for grid in b.model.by_type("IfcGrid"):
        for axis in (*grid.UAxes, *grid.VAxes):
            for p in axis.AxisCurve.Points:
                p.Coordinates = tuple(c * 1000 for c in p.Coordinates)
    axes = grids.axes(b.model)
    assert next(a for a in axes if a.tag == "2").start == (4.0, -1.0)


def test_groups_by_pair_grid_line_and_storey():
    b = gridded()
    # a second beam through W1, near axis 3 (x = 10): another group on the same pair
    b.box("IfcBeam", "B3", (9.0, -1, 2), (9.3, 1, 2.4))
    meshes = geometry.triangulate(b.model)
    found = clash.find(meshes, mode="intersection")
    groups = clash.group(found, meshes, grids.axes(b.model))
    names = {g: n for n, g in b.guids.items()}
    by_pair = {tuple(sorted(names[x] for x in (c.a, c.b))): g for g in groups for c in g["clashes"]}
    beam1, beam3 = by_pair[("B1", "W1")], by_pair[("B3", "W1")]
    # both near axis A (y = 0.1 m from it): the same pair on the same line, one group
    assert beam1 is beam3 and beam1["grid"] == "A" and len(beam1["clashes"]) == 2
    assert beam1["key"].endswith("|A|一层") and beam1["storey"] == "一层"
    assert {beam1["crossings"][(c.a, c.b)] for c in beam1["clashes"]} == {"2/A", "3/A"}
    # without grids: the class pair and the storey
    plain = clash.group(found, meshes)
    assert all(g["grid"] == "" and g["key"].count("|") == 2 for g in plain)


def test_a_model_without_grids_has_no_axes():
    b = ib.clash_model()
    assert grids.axes(b.model) == []
    ifcopenshell.api.run("root.create_entity", b.model, ifc_class="IfcGrid", name="空轴网")
    assert grids.axes(b.model) == []
