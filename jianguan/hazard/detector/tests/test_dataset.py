"""Label parsing (boxes and polygons) and the fixed photo split."""

import numpy as np
import pytest

from jianguan.hazard.detector import dataset
from jianguan.hazard.detector.dataset import load_samples, parse_labels, parse_line, split_of


def test_yolo_box_line():
    cls, box = parse_line("2 0.5 0.5 0.2 0.4")
    assert cls == 2
    assert box == pytest.approx((0.4, 0.3, 0.6, 0.7))


def test_polygon_line_becomes_its_bounding_box():
    cls, box = parse_line("1 0.1 0.2 0.3 0.25 0.2 0.5 0.05 0.4")
    assert cls == 1
    assert box == pytest.approx((0.05, 0.2, 0.3, 0.5))


def test_odd_polygon_drops_the_dangling_number():
    _, box = parse_line("0 0.1 0.1 0.3 0.1 0.3 0.4 0.9")
    assert box == pytest.approx((0.1, 0.1, 0.3, 0.4))


def test_boxes_are_clipped_to_the_image():
    _, box = parse_line("0 0.05 0.95 0.2 0.2")
    assert box == pytest.approx((0.0, 0.85, 0.15, 1.0))


@pytest.mark.parametrize(
    "line", ["", "0 0.5 0.5", "9 0.5 0.5 0.1 0.1", "x 1 2 3 4", "0 0.5 0.5 0 0.1"]
)
def test_unusable_lines_are_skipped(line):
    assert parse_line(line) is None


def test_parse_labels_mixed_file():
    classes, boxes = parse_labels("0 0.5 0.5 0.2 0.2\n\n3 0.1 0.1 0.2 0.1 0.2 0.3 0.1 0.3\n")
    assert classes.tolist() == [0, 3]
    assert boxes.shape == (2, 4)
    assert boxes[1] == pytest.approx([0.1, 0.1, 0.2, 0.3])
    empty_c, empty_b = parse_labels("")
    assert empty_c.shape == (0,) and empty_b.shape == (0, 4)


def test_split_is_deterministic_and_proportioned():
    stems = [f"{i:06d}" for i in range(3000)]
    first = [split_of(s) for s in stems]
    assert first == [split_of(s) for s in stems]
    share = {k: first.count(k) / len(stems) for k in dataset.SPLITS}
    assert share["test"] == pytest.approx(dataset.TEST_PERCENT / 100, abs=0.03)
    assert share["val"] == pytest.approx(dataset.VAL_PERCENT / 100, abs=0.03)


def test_pixel_boxes():
    s = dataset.Sample("x", None, np.array([0]), np.array([[0.1, 0.2, 0.5, 1.0]], np.float32))
    assert s.boxes_px(200, 100).tolist() == [[20.0, 20.0, 100.0, 100.0]]


def test_real_data_split_is_disjoint_and_complete(ppe):
    everything = load_samples(ppe)
    parts = {name: load_samples(ppe, [name]) for name in dataset.SPLITS}
    stems = {name: {s.stem for s in samples} for name, samples in parts.items()}
    assert not stems["train"] & stems["val"]
    assert not stems["train"] & stems["test"]
    assert not stems["val"] & stems["test"]
    assert set().union(*stems.values()) == {s.stem for s in everything}
    assert all(len(v) > 50 for v in stems.values())
    # The 38 polygon lines of the data set all came through as boxes.
    assert sum(len(s.classes) for s in everything) > 7000
    with pytest.raises(ValueError):
        load_samples(ppe, ["holdout"])
