"""Training targets and augmentation keep boxes on their objects (numpy only, no torch)."""

import numpy as np
import pytest

from jianguan.hazard.detector import augment


def photo(w=200, h=100, boxes=((20, 10, 60, 50),), classes=(0,)):
    pixels = np.zeros((h, w, 3), np.uint8)
    for x1, y1, x2, y2 in boxes:
        pixels[y1:y2, x1:x2] = 255  # a white object exactly where its box is
    return augment.Photo(pixels, np.array(boxes, np.float32), np.array(classes, np.int64))


def white_inside(img, box):
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    inner = img[y1 + 2 : y2 - 2, x1 + 2 : x2 - 2]
    return inner.size and inner.mean() > 200


def test_targets_peak_at_the_centre_with_weights_summing_to_log_area():
    boxes = np.array([[40, 40, 80, 120], [200, 200, 220, 216]], np.float32)
    heat, box_t, weight = augment.targets(boxes, np.array([1, 3]), 4, 320)
    assert heat.shape == (4, 80, 80) and box_t.shape == (4, 80, 80)
    assert heat[1, 20, 15] == 1.0 and heat[3, 52, 52] == 1.0
    assert (heat == 1.0).sum() == 2
    assert heat[0].max() == 0.0
    assert box_t[:, 20, 15].tolist() == [40, 40, 80, 120]
    region = weight[10:31, 5:26]
    assert region.sum() == pytest.approx(np.log(40 * 80), rel=1e-4)


def test_targets_of_an_empty_image():
    heat, box_t, weight = augment.targets(np.zeros((0, 4), np.float32), np.zeros(0), 4, 320)
    assert not heat.any() and not box_t.any() and not weight.any()


@pytest.mark.parametrize("seed", range(5))
def test_single_and_flip_keep_boxes_on_the_object(seed):
    rng = np.random.default_rng(seed)
    img, boxes, _ = augment.single(photo(), 320, rng)
    assert img.shape == (320, 320, 3)
    for b in boxes:
        assert white_inside(img, b)
    img, boxes = augment.flip(img, boxes, 320)
    for b in boxes:
        assert white_inside(img, b)


@pytest.mark.parametrize("seed", range(5))
def test_mosaic_boxes_stay_inside_and_on_their_objects(seed):
    rng = np.random.default_rng(seed)
    photos = [photo(boxes=((20 + 10 * k, 10, 80 + 10 * k, 70),), classes=(k,)) for k in range(4)]
    img, boxes, classes = augment.mosaic(photos, 320, rng)
    assert img.shape == (320, 320, 3)
    assert len(boxes) == len(classes)
    assert ((boxes >= 0) & (boxes <= 320)).all()
    for b in boxes:
        assert white_inside(img, b)


def test_mostly_cut_boxes_are_dropped():
    boxes, classes = augment._clip_boxes(
        np.array([[0, 0, 100, 100], [90, 0, 200, 100]], np.float32),
        np.array([0, 1]),
        0,
        0,
        100,
        100,
    )
    assert classes.tolist() == [0]
