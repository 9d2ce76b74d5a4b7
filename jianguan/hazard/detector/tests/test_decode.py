"""Letterbox and its inverse, tiling back to source pixels, tile merging, peak decoding."""

import numpy as np
import pytest
from PIL import Image

from jianguan.hazard.detector import decode
from jianguan.hazard.detector.decode import Raw
from jianguan.hazard.detector.preprocess import (
    Tile,
    letterbox,
    letterbox_params,
    normalise,
    tile_grid,
)


def test_letterbox_places_a_wide_image_in_the_middle():
    img = Image.new("RGB", (640, 320), (255, 0, 0))
    arr, lb = letterbox(img, 320)
    assert arr.shape == (320, 320, 3)
    assert lb.scale == 0.5 and lb.pad_x == 0 and lb.pad_y == 80
    assert tuple(arr[0, 0]) == (127, 127, 127)  # padding
    assert tuple(arr[160, 160]) == (255, 0, 0)


def test_letterbox_inverse_round_trips_boxes():
    lb = letterbox_params(300, 200, 320)
    src = np.array([[10, 20, 110, 180], [0, 0, 300, 200]], np.float32)
    back = lb.to_source(lb.to_input(src), 300, 200)
    assert back == pytest.approx(src, abs=1e-3)


def test_letterbox_inverse_clips_to_the_source():
    lb = letterbox_params(320, 160, 320)  # pad_y = 80
    out = lb.to_source(np.array([[-5, 70, 330, 250]], np.float32), 320, 160)
    assert out.tolist() == [[0.0, 0.0, 320.0, 160.0]]


def test_normalise_is_tflite_style():
    x = normalise(np.array([[[0, 127, 255]]], np.uint8))
    assert x.shape == (1, 3, 1, 1)
    assert x.ravel() == pytest.approx([-127 / 128, 0.0, 1.0])


def test_tile_grid_covers_the_image_with_overlap():
    tiles = tile_grid(1000, 600, 480, overlap=0.25)
    assert tiles[0] == Tile(0, 0, 480, 480)
    assert max(t.x1 for t in tiles) == 1000 and max(t.y1 for t in tiles) == 600
    covered = np.zeros((600, 1000), bool)
    for t in tiles:
        covered[t.y0 : t.y1, t.x0 : t.x1] = True
        assert t.width == 480 and t.height == 480
    assert covered.all()
    xs = sorted({t.x0 for t in tiles})
    assert all(b - a <= 480 - 120 for a, b in zip(xs, xs[1:], strict=False))


def test_tile_grid_is_bounded():
    tiles = tile_grid(8000, 6000, 480, overlap=0.25, max_tiles=48)
    assert len(tiles) <= 48
    assert max(t.x1 for t in tiles) == 8000 and max(t.y1 for t in tiles) == 6000


def test_small_image_is_one_tile():
    assert tile_grid(300, 200, 480) == [Tile(0, 0, 300, 200)]


def test_tile_boxes_map_back_to_source_pixels():
    # A 480-px tile at (600, 400) letterboxed to 320: scale 2/3, no padding.
    tile = Tile(600, 400, 1080, 880)
    lb = letterbox_params(tile.width, tile.height, 320)
    raw = Raw(np.array([[32, 64, 96, 128]], np.float32), np.array([0.9], np.float32), np.array([1]))
    out = decode.to_tile_source(raw, tile, lb.scale, lb.pad_x, lb.pad_y)
    assert out.boxes[0] == pytest.approx([648, 496, 744, 592])


def test_tiling_a_synthetic_frame_end_to_end():
    """A box known in a large frame survives crop, letterbox, mapping back and merging."""
    width, height = 1600, 900
    obj = np.array([700.0, 300.0, 760.0, 372.0])
    parts = []
    for t in tile_grid(width, height, 480):
        lb = letterbox_params(t.width, t.height, 320)
        if not (t.x0 <= obj[0] and obj[2] <= t.x1 and t.y0 <= obj[1] and obj[3] <= t.y1):
            continue  # the network would see only part of it; leave that to the merge test
        local = lb.to_input((obj - [t.x0, t.y0, t.x0, t.y0])[None])
        raw = Raw(local, np.array([0.8], np.float32), np.array([0]))
        src = decode.to_tile_source(raw, t, lb.scale, lb.pad_x, lb.pad_y)
        parts.append((src, decode.touches_inner_edge(src.boxes, t, width, height)))
    assert len(parts) >= 2  # the overlap shows it to more than one tile
    merged = decode.merge(parts)
    assert len(merged) == 1
    assert merged.boxes[0] == pytest.approx(obj, abs=0.01)


def test_merge_drops_a_cut_box_covered_by_a_whole_one():
    whole = Raw(
        np.array([[100, 100, 160, 180]], np.float32), np.array([0.7], np.float32), np.array([0])
    )
    cut = Raw(
        np.array([[100, 100, 130, 180]], np.float32), np.array([0.9], np.float32), np.array([0])
    )
    other = Raw(
        np.array([[100, 100, 130, 180]], np.float32), np.array([0.6], np.float32), np.array([1])
    )
    merged = decode.merge(
        [(whole, np.array([False])), (cut, np.array([True])), (other, np.array([True]))]
    )
    # the cut box of class 0 goes (the whole one covers it); class 1 has no whole box: kept
    got = zip(merged.classes.tolist(), merged.scores.tolist(), strict=True)
    assert sorted((c, round(s, 2)) for c, s in got) == [
        (0, 0.7),
        (1, 0.6),
    ]


def test_merge_nms_is_classwise():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [0, 0, 10, 10]], np.float32)
    raw = Raw(boxes, np.array([0.9, 0.8, 0.7], np.float32), np.array([0, 0, 1]))
    merged = decode.merge([(raw, np.zeros(3, bool))])
    assert merged.scores.tolist() == pytest.approx([0.9, 0.7])
    assert merged.classes.tolist() == [0, 1]
    assert len(decode.merge([])) == 0


def test_nms_keeps_separate_boxes():
    boxes = np.array([[0, 0, 10, 10], [50, 50, 60, 60], [0, 0, 10, 9]], np.float32)
    assert decode.nms(boxes, np.array([0.5, 0.6, 0.4])).tolist() == [1, 0]


def test_peaks_decode_matches_the_graph_rules():
    logits = np.full((2, 8, 8), -10.0, np.float32)
    logits[1, 3, 5] = 2.0  # a peak of class 1 at cell (x=5, y=3)
    logits[1, 3, 4] = 1.0  # its neighbour is not a peak
    logits[0, 6, 1] = 0.0
    ltrb = np.zeros((4, 8, 8), np.float32)
    ltrb[:, 3, 5] = [4, 6, 8, 10]
    raw = decode.peaks(logits, ltrb, k=2)
    assert raw.classes.tolist() == [1, 0]
    assert raw.scores[0] == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert raw.scores[1] == pytest.approx(0.5)
    # centre of cell (5, 3) at stride 4 is (22, 14)
    assert raw.boxes[0].tolist() == [18, 8, 30, 24]
