"""The clash engine on built models with known clashes, at the origin and at survey
coordinates, against the peer (ifcclash), and the re-check of a new revision."""

import logging
import random

import numpy as np
import pytest

from jianguan.bim.builders import (
    EXPECTED,
    PIPE_GAP,
    SURVEY_SHIFT,
    clash_model,
    copy,
    move,
    named_pairs,
    translate,
)
from jianguan.bim.engine import clash, geometry
from jianguan.bim.engine.types import Mesh


@pytest.fixture(scope="module")
def built():
    b = clash_model()
    return b, geometry.triangulate(b.model)


@pytest.mark.parametrize(
    ("mode", "options", "expected"),
    [
        ("intersection", {}, "intersection"),
        ("collision", {}, "collision"),
        ("collision", {"allow_touching": True}, "collision_allow_touching"),
        ("clearance", {}, "clearance"),
    ],
)
def test_known_pairs_per_mode(built, mode, options, expected):
    b, meshes = built
    found = clash.find(meshes, mode=mode, **options)
    assert named_pairs(found, b.guids) == EXPECTED[expected]
    assert [(c.a, c.b) for c in found] == sorted((c.a, c.b) for c in found)


def test_types_and_distances(built):
    b, meshes = built
    names = {g: n for n, g in b.guids.items()}
    collision = {
        tuple(sorted((names[c.a], names[c.b]))): c for c in clash.find(meshes, mode="collision")
    }
    assert collision[("W1", "W2")].type == "touching"
    assert collision[("B1", "W1")].type == "hard" and collision[("B1", "W1")].distance > 0.002
    clear = {
        tuple(sorted((names[c.a], names[c.b]))): c for c in clash.find(meshes, mode="clearance")
    }
    gap = clear[("B2", "P2")]
    assert gap.type == "clearance" and gap.distance == pytest.approx(PIPE_GAP, abs=1e-6)
    assert np.linalg.norm(np.subtract(gap.p1, gap.p2)) == pytest.approx(PIPE_GAP, abs=1e-6)
    # A smaller clearance leaves the 3 cm gap out, a tolerance above the depth the pierce.
    assert ("B2", "P2") not in named_pairs(
        clash.find(meshes, mode="clearance", clearance=0.02), b.guids
    )
    assert not clash.find(meshes, mode="intersection", tolerance=50.0)


def test_group_a_always_first_and_points_do_not_depend_on_order(built):
    b, meshes = built
    beams = [m for m in meshes if m.ifc_class in ("IfcBeam", "IfcPipeSegment")]
    others = [m for m in meshes if m not in beams]
    forward = clash.find(beams, others, mode="collision")
    backward = clash.find(others, beams, mode="collision")
    assert {c.a for c in forward} <= {m.guid for m in beams}
    assert {c.a for c in backward} <= {m.guid for m in others}
    assert {(c.b, c.a, c.p2, c.p1, c.distance) for c in forward} == {
        (c.a, c.b, c.p1, c.p2, c.distance) for c in backward
    }
    shuffled = list(meshes)
    random.Random(7).shuffle(shuffled)
    assert clash.find(shuffled, mode="clearance") == clash.find(meshes, mode="clearance")
    half = len(shuffled) // 2
    again = clash.find(shuffled[half:], shuffled[:half], mode="clearance")
    again_swapped = clash.find(shuffled[:half], shuffled[half:], mode="clearance")
    assert {(c.a, c.b, c.p1, c.p2) for c in again} == {
        (c.b, c.a, c.p2, c.p1) for c in again_swapped
    }


def test_survey_coordinates_give_the_same_clashes(built):
    b, meshes = built
    far = copy(b.model)  # the same GUIDs, so the same pair order and the same points
    translate(far, *SURVEY_SHIFT)
    far_meshes = geometry.triangulate(far)
    names = {g: n for n, g in b.guids.items()}
    shift = np.array(SURVEY_SHIFT)
    for mode in clash.MODES:
        here = clash.find(meshes, mode=mode)
        there = clash.find(far_meshes, mode=mode)
        assert [(c.a, c.b, c.type) for c in here] == [(c.a, c.b, c.type) for c in there], mode
        for c, f in zip(here, there, strict=True):
            assert f.distance == pytest.approx(c.distance, abs=1e-6), (mode, names[c.a], names[c.b])
            np.testing.assert_allclose(np.array(f.p1) - shift, c.p1, atol=1e-6)
            np.testing.assert_allclose(np.array(f.p2) - shift, c.p2, atol=1e-6)
    # Built afresh (new GUIDs) and translated: the same pairs by name.
    other = clash_model()
    translate(other.model, *SURVEY_SHIFT)
    again = clash.find(geometry.triangulate(other.model), mode="intersection")
    assert named_pairs(again, other.guids) == EXPECTED["intersection"]


def test_coplanar_and_duplicate_elements_are_hard_clashes():
    b = clash_model(coplanar=False)
    b.box("IfcSlab", "S1", (40, 0, 0), (50, 10, 0.2))
    b.box("IfcSlab", "S3", (40, 0, 0), (50, 10, 0.2))  # an exact duplicate: every face coplanar
    b.box("IfcColumn", "C1", (42, 2, 0), (42.4, 2.4, 0.2))  # inside S1 and S3, flush top and bottom
    found = clash.find(geometry.triangulate(b.model), mode="intersection")
    assert {("C1", "S1"), ("C1", "S3"), ("S1", "S3")} <= named_pairs(found, b.guids)
    touching = clash_model(coplanar=False)
    touching.box("IfcSlab", "S1", (40, 0, 0), (50, 10, 0.2))
    touching.box("IfcSlab", "S2", (40, 0, 0.2), (50, 10, 0.4))  # stacked: faces touch, no overlap
    stacked = geometry.triangulate(touching.model)
    assert ("S1", "S2") not in named_pairs(clash.find(stacked, mode="intersection"), touching.guids)
    assert ("S1", "S2") in named_pairs(clash.find(stacked, mode="collision"), touching.guids)


def test_recheck_equals_a_full_run_after_a_change():
    b = clash_model()
    cache = geometry.MemoryCache()
    old = geometry.triangulate(b.model, cache=cache)
    for mode in clash.MODES:
        previous = clash.find(old, mode=mode)
        nb = clash_model()
        nb.model = b.model  # the same file, edited as the next revision
        revised = b.model
        move(revised, b.guids["B1"], 0, 3, 0)  # out of the wall: resolved
        move(revised, b.guids["P2"], 0, 0, -0.05)  # into the beam: new hard clash
        new = geometry.triangulate(revised, cache=cache)
        changed = {
            m.guid for m in new if m.geometry_hash != {o.guid: o for o in old}[m.guid].geometry_hash
        }
        assert changed == {b.guids["B1"], b.guids["P2"]}
        result = clash.recheck(previous, a=new, changed=changed, mode=mode)
        full = clash.find(new, mode=mode)
        assert sorted(result.still + result.new, key=lambda c: (c.a, c.b)) == full
        assert named_pairs(result.resolved, b.guids) == {("B1", "W1")}
        move(revised, b.guids["B1"], 0, -3, 0)
        move(revised, b.guids["P2"], 0, 0, 0.05)
    intersection = clash.recheck(
        clash.find(old, mode="intersection"), a=old, changed=set(), mode="intersection"
    )
    assert not intersection.new and not intersection.resolved


def test_recheck_drops_removed_elements():
    b = clash_model()
    meshes = geometry.triangulate(b.model)
    previous = clash.find(meshes, mode="intersection")
    left = [m for m in meshes if m.name != "P1"]
    result = clash.recheck(previous, a=left, changed={b.guids["P1"]}, mode="intersection")
    assert named_pairs(result.resolved, b.guids) == {("D1", "P1")}
    assert result.still == clash.find(left, mode="intersection") and not result.new


def test_group_by_class_pair_and_storey(built):
    b, meshes = built
    groups = clash.group(clash.find(meshes, mode="collision"), meshes)
    keys = {(g["a_class"], g["b_class"]) for g in groups}
    assert len(groups) == 4 and all(g["storey"] == "一层" for g in groups)
    assert sum(len(g["clashes"]) for g in groups) == 4
    assert {frozenset(k) for k in keys} >= {frozenset(("IfcWall",)), frozenset(("IfcSlab",))}


def test_unknown_mode_is_refused(built):
    with pytest.raises(ValueError, match="未知的碰撞模式"):
        clash.find(built[1], mode="bogus")


def _peer(path, mode, **options):
    from ifcclash.ifcclash import Clasher, ClashSettings

    settings = ClashSettings()
    settings.logger = logging.getLogger("ifcclash")
    clasher = Clasher(settings)
    clash_set = {"name": "t", "a": [{"file": str(path)}], "mode": mode, **options}
    clasher.clash_sets = [clash_set]
    clasher.clash()
    return [{"a": c["a_global_id"], "b": c["b_global_id"]} for c in clash_set["clashes"].values()]


def test_same_pairs_as_the_peer_at_the_origin(tmp_path):
    b = clash_model(coplanar=False)  # the peer misses coplanar overlaps (issue 4594)
    path = tmp_path / "m.ifc"
    b.model.write(str(path))
    meshes = geometry.triangulate(b.model)
    peer = _peer(path, "intersection", tolerance=0.002, check_all=True)
    ours = clash.find(meshes, mode="intersection")
    assert named_pairs(peer, b.guids) == named_pairs(ours, b.guids) == {("B1", "W1"), ("D1", "P1")}
    # The peer's allow_touching=True is our allow_touching=False: touching pairs reported.
    peer = _peer(path, "collision", allow_touching=True)
    assert named_pairs(peer, b.guids) == named_pairs(clash.find(meshes, mode="collision"), b.guids)


def _box(guid, lo, hi, *, flip=False):
    """A closed box mesh made by hand (outward faces, or all flipped inward)."""
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    v = np.array(
        [
            [x0, y0, z0],
            [x1, y0, z0],
            [x1, y1, z0],
            [x0, y1, z0],
            [x0, y0, z1],
            [x1, y0, z1],
            [x1, y1, z1],
            [x0, y1, z1],
        ],
        dtype=np.float64,
    )
    f = np.array(
        [
            [0, 2, 1],
            [0, 3, 2],
            [4, 5, 6],
            [4, 6, 7],
            [0, 1, 5],
            [0, 5, 4],
            [1, 2, 6],
            [1, 6, 5],
            [2, 3, 7],
            [2, 7, 6],
            [3, 0, 4],
            [3, 4, 7],
        ],
        dtype=np.int64,
    )
    if flip:
        f = f[:, ::-1]
    return Mesh(
        guid=guid,
        ifc_class="IfcFurnishingElement",
        name=guid,
        storey="",
        geometry_hash=guid,
        vertices=v,
        faces=f,
    )


@pytest.mark.parametrize("flip", [False, True])
def test_coplanar_faces_of_flipped_meshes(flip):
    # Side by side with coplanar tops and bottoms, touching at x = 1: not a hard clash, even
    # when one mesh's faces point inward (surface models exported that way).
    a = _box("A", (0, 0, 0), (1, 1, 1))
    touching = _box("B", (1, 0, 0), (2, 1, 1), flip=flip)
    assert not clash.find([a, touching], mode="intersection")
    assert [c.type for c in clash.find([a, touching], mode="collision")] == ["touching"]
    overlapping = _box("C", (0.5, 0, 0), (1.5, 1, 1), flip=flip)  # no face crosses another
    found = clash.find([a, overlapping], mode="intersection")
    assert [(c.a, c.b, c.type) for c in found] == [("A", "C", "hard")]


def test_recheck_between_two_groups_equals_a_full_run():
    b = clash_model()
    cache = geometry.MemoryCache()

    def groups(meshes):
        a = [m for m in meshes if m.ifc_class in ("IfcBeam", "IfcPipeSegment")]
        return a, [m for m in meshes if m not in a]

    old_a, old_b = groups(geometry.triangulate(b.model, cache=cache))
    previous = clash.find(old_a, old_b, mode="clearance")
    move(b.model, b.guids["D1"], 0, 0, 0.5)  # the duct moves off the pipe
    move(b.model, b.guids["W1"], 0, 0, -1.0)  # the wall moves down, still pierced by B1
    new_a, new_b = groups(geometry.triangulate(b.model, cache=cache))
    changed = {b.guids["D1"], b.guids["W1"]}
    result = clash.recheck(previous, a=new_a, b=new_b, changed=changed, mode="clearance")
    assert sorted(result.still + result.new, key=lambda c: (c.a, c.b)) == clash.find(
        new_a, new_b, mode="clearance"
    )
    assert named_pairs(result.resolved, b.guids) == {("D1", "P1")}
    assert ("B1", "W1") in named_pairs(result.still, b.guids)
    assert {c.a for c in result.still + result.new} <= {m.guid for m in new_a}


def test_broad_phase_sweep_equals_comparing_every_pair():
    from jianguan.bim.engine import narrow

    rng = np.random.default_rng(3)
    lo1 = rng.uniform(0, 60, (2100, 3))
    hi1 = lo1 + rng.exponential(2, (2100, 3))
    lo2 = rng.uniform(0, 60, (2100, 3))
    hi2 = lo2 + rng.exponential(2, (2100, 3))
    hi2[:3, 0] += 200  # a few very long boxes (a site slab, a long pipe run)
    i, j = narrow.overlapping(lo1, hi1, lo2, hi2, 0.05)  # over the block size: the sweep
    all_i, all_j = narrow._all_pairs(lo1, hi1, lo2, hi2, 0.05, 1_000_000)
    assert len(i) > 100
    assert np.array_equal(i, all_i) and np.array_equal(j, all_j)
