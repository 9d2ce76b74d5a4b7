"""Triangulation: world coordinates in float64, storeys, selection, the geometry hash, the cache."""

import tempfile
from pathlib import Path

import ifcopenshell
import numpy as np
import pytest

from jianguan.bim.builders import SAMPLES, SURVEY_SHIFT, clash_model, move, translate
from jianguan.bim.engine import geometry


def test_triangulate_gives_one_mesh_per_element_in_world_metres():
    b = clash_model()
    meshes = geometry.triangulate(b.model)
    assert [m.guid for m in meshes] == sorted(b.guids.values())
    by_name = {m.name: m for m in meshes}
    w1 = by_name["W1"]
    assert w1.ifc_class == "IfcWall" and w1.storey == "一层"
    assert w1.vertices.dtype == np.float64
    lo, hi = w1.bbox
    np.testing.assert_allclose(lo, [0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(hi, [10, 0.2, 3], atol=1e-9)
    # The pipe's circular profile, placed along +y from (25, -1, 2.15).
    p_lo, p_hi = by_name["P1"].bbox
    np.testing.assert_allclose([p_lo[1], p_hi[1]], [-1, 1.4], atol=1e-9)
    assert by_name["P1"].faces.max() < len(by_name["P1"].vertices)


def test_survey_coordinates_keep_sub_micrometre_detail():
    at_origin = {m.name: m for m in geometry.triangulate(clash_model().model)}
    far = clash_model()
    translate(far.model, *SURVEY_SHIFT)
    for mesh in geometry.triangulate(far.model):
        moved_back = mesh.vertices - np.array(SURVEY_SHIFT)
        np.testing.assert_allclose(moved_back, at_origin[mesh.name].vertices, rtol=0, atol=1e-6)


def test_select_takes_subtypes_and_rejects_unknown_classes():
    b = clash_model()
    names = {m.name for m in geometry.triangulate(b.model, select="IfcWall, IfcFlowSegment")}
    assert names == {"W1", "W2", "D1", "P1", "P2"}
    with pytest.raises(ValueError, match="未知的 IFC 类"):
        geometry.triangulate(b.model, select="IfcNoSuchThing")


def test_geometry_hash_survives_reexport_and_changes_with_the_shape():
    b = clash_model()
    before = {e.GlobalId: geometry.geometry_hash(e) for e in b.model.by_type("IfcElement")}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.ifc"
        b.model.write(str(path))
        reopened = ifcopenshell.open(str(path))
    # Re-exported with new STEP ids (the GUIDs stay): the same hashes.
    again = {e.GlobalId: geometry.geometry_hash(e) for e in reopened.by_type("IfcElement")}
    assert again == before
    move(b.model, b.guids["B1"], 0, 0, 0.5)
    after = {e.GlobalId: geometry.geometry_hash(e) for e in b.model.by_type("IfcElement")}
    assert {g for g in before if before[g] != after[g]} == {b.guids["B1"]}


def test_cache_skips_unchanged_elements():
    b = clash_model()
    cache = geometry.MemoryCache()
    first = geometry.triangulate(b.model, cache=cache)
    assert cache.puts == len(first) == 9
    seen = []
    move(b.model, b.guids["P2"], 0, 0, -0.1)
    second = geometry.triangulate(b.model, cache=cache, progress=lambda d, t: seen.append((d, t)))
    assert cache.puts == 10  # only P2 went through the kernel again
    assert seen[0] == (8, 9) and seen[-1] == (9, 9)
    p2 = {m.name: m for m in second}["P2"]
    assert p2.vertices[:, 2].min() == pytest.approx(3.43, abs=1e-6)


def test_sample_model_has_no_openings_or_spaces():
    meshes = geometry.triangulate(SAMPLES / "IfcOpenHouse_IFC4.ifc")
    classes = {m.ifc_class for m in meshes}
    assert meshes and not any(c in {"IfcOpeningElement", "IfcSpace"} for c in classes)
    assert "IfcWall" in classes or "IfcWallStandardCase" in classes
