"""The file mesh cache: what is put comes back bit for bit (survey coordinates included), keyed
by GlobalId and geometry hash; a missing or half-written file is a miss, never an error; and
the second revision's processing reads the unchanged elements back instead of triangulating."""

from __future__ import annotations

import numpy as np

from jianguan.bim.engine.types import Mesh
from jianguan.bim.meshcache import FileMeshCache


def mesh(guid="2O2Fr$t4X7Zf8NOew3FLOH", h="ab" * 16) -> Mesh:
    vertices = np.array([[500_000.123456789, 4_000_000.987654321, 50.0], [1, 0, 0], [0, 1, 0]])
    return Mesh(guid, "IfcWall", "墙 W1", "一层", h, vertices, np.array([[0, 1, 2]]))


def test_round_trip_keeps_every_digit(tmp_path):
    cache = FileMeshCache(tmp_path)
    m = mesh()
    cache.put(m)
    got = cache.get(m.guid, m.geometry_hash)
    assert got is not None and got.name == "墙 W1" and got.storey == "一层"
    assert got.vertices.dtype == np.float64 and np.array_equal(got.vertices, m.vertices)
    assert np.array_equal(got.faces, m.faces)
    assert cache.get(m.guid, "cd" * 16) is None  # a changed shape is a miss


def test_a_broken_file_is_a_miss(tmp_path):
    cache = FileMeshCache(tmp_path)
    m = mesh()
    cache.put(m)
    (path,) = tmp_path.rglob("*.npz")
    path.write_bytes(path.read_bytes()[:20])
    assert cache.get(m.guid, m.geometry_hash) is None
    assert not list(tmp_path.rglob("*.tmp"))


def test_unchanged_elements_are_read_back_not_triangulated(tmp_path, monkeypatch):
    from jianguan.bim import builders as ib
    from jianguan.bim.engine import geometry

    b = ib.clash_model()
    cache = FileMeshCache(tmp_path)
    first = geometry.triangulate(b.model, cache=cache)
    ib.move(b.model, b.guids["B1"], 0, 0, 2)
    gets, hits = [], []
    real_get = cache.get

    def counting(guid, h):
        got = real_get(guid, h)
        gets.append(guid)
        if got is not None:
            hits.append(guid)
        return got

    monkeypatch.setattr(cache, "get", counting)
    second = geometry.triangulate(b.model, cache=cache)
    assert len(second) == len(first)
    assert set(gets) - set(hits) == {b.guids["B1"]}  # only the moved beam was triangulated
