"""The mAP@0.5 evaluator against hand-made cases whose AP is known."""

import numpy as np
import pytest

from jianguan.hazard.detector.evaluate import ImageResult, ap_from_ranked, evaluate, iou_matrix

A = [0, 0, 10, 10]
B = [20, 20, 30, 30]
C = [40, 40, 60, 60]
FAR = [100, 100, 110, 110]


def one_class(gts, dets, scores):
    """AP of class 0 over one image."""
    r = ImageResult.of(gts, [0] * len(gts), dets, scores, [0] * len(dets))
    return evaluate([r], classes=("x",))["ap"]["x"]


def test_iou_matrix():
    m = iou_matrix([A, [0, 0, 10, 5]], [A, B])
    assert m[0, 0] == 1.0 and m[0, 1] == 0.0
    assert m[1, 0] == pytest.approx(0.5)


def test_perfect():
    assert one_class([A, B], [A, B], [0.9, 0.8]) == 1.0


def test_one_miss_halves_recall():
    assert one_class([A, B], [A], [0.9]) == pytest.approx(0.5)


def test_false_positive_ranked_above_true_positive():
    # points (recall 0, precision 0) then (recall 1, precision 1/2): AP = 0.5
    assert one_class([A], [FAR, A], [0.9, 0.8]) == pytest.approx(0.5)


def test_false_positive_ranked_below_costs_nothing():
    assert one_class([A], [A, FAR], [0.9, 0.8]) == 1.0


def test_duplicate_on_one_ground_truth_is_a_false_positive():
    # The second detection on A cannot match A again.
    r = ImageResult.of([A, B], [0, 0], [A, A, B], [0.9, 0.8, 0.7], [0, 0, 0])
    # curve: (0.5, 1), (0.5, 0.5), (1, 2/3): AP = 0.5 * 1 + 0.5 * 2/3
    assert evaluate([r], classes=("x",))["ap"]["x"] == pytest.approx(0.5 + 1 / 3)


def test_duplicate_below_threshold_iou_does_not_match():
    half = [0, 0, 10, 4]  # IoU 0.4 with A
    assert one_class([A], [half], [0.9]) == 0.0


def test_greedy_takes_best_iou_ground_truth():
    g1, g2 = [0, 0, 10, 10], [2, 0, 12, 10]
    # det equals g2 exactly; it must take g2, leaving g1 for the next detection.
    assert one_class([g1, g2], [g2, g1], [0.9, 0.8]) == 1.0


def test_no_ground_truth_for_a_class_is_undefined_and_left_out_of_the_mean():
    r = ImageResult.of([A], [0], [A, B], [0.9, 0.9], [0, 1])
    res = evaluate([r], classes=("a", "b"))
    assert res["ap"] == {"a": 1.0, "b": None}
    assert res["map"] == 1.0


def test_ground_truth_without_detections_is_zero():
    r = ImageResult.of([A], [0])
    res = evaluate([r], classes=("a", "b"))
    assert res["ap"] == {"a": 0.0, "b": None}
    assert res["map"] == 0.0


def test_empty():
    assert evaluate([], classes=("a",)) == {
        "ap": {"a": None},
        "map": None,
        "gt": {"a": 0},
        "detections": {"a": 0},
    }
    assert evaluate([ImageResult.of([], [])], classes=("a",))["map"] is None


def test_classes_do_not_match_each_other():
    r = ImageResult.of([A], [0], [A], [0.9], [1])
    assert evaluate([r], classes=("a", "b"))["ap"] == {"a": 0.0, "b": None}


def test_images_are_matched_separately():
    r1 = ImageResult.of([A], [0], [B], [0.9], [0])  # B is not in image 1
    r2 = ImageResult.of([B], [0], [B], [0.8], [0])
    # FP then TP over 2 gts: (0, 0), (0.5, 0.5); A in image 1 is never found -> 0.25
    assert evaluate([r1, r2], classes=("x",))["ap"]["x"] == pytest.approx(0.25)


def test_tied_scores_do_not_depend_on_order():
    # One TP and one FP at the same score: a single curve point (recall 1, precision 1/2).
    assert one_class([A], [FAR, A], [0.5, 0.5]) == pytest.approx(0.5)
    assert one_class([A], [A, FAR], [0.5, 0.5]) == pytest.approx(0.5)


def test_ap_from_ranked_interpolates_precision_from_the_right():
    # TP, FP, TP over 2 gts: points (0.5, 1), (0.5, 0.5), (1, 2/3) -> 0.5 + 0.5 * 2/3
    ap = ap_from_ranked(np.array([0.9, 0.8, 0.7]), np.array([1, 0, 1]), 2)
    assert ap == pytest.approx(0.5 + 1 / 3)
    # FP first then TP, TP over 2 gts: (0, 0), (0.5, 0.5), (1, 2/3) -> precision envelope 2/3
    assert ap_from_ranked(np.array([0.9, 0.8, 0.7]), np.array([0, 1, 1]), 2) == pytest.approx(2 / 3)


def test_ap_from_ranked_edge_cases():
    assert ap_from_ranked(np.array([]), np.array([]), 0) is None
    assert ap_from_ranked(np.array([]), np.array([]), 3) == 0.0
    assert ap_from_ranked(np.array([0.3]), np.array([0]), 0) is None


def test_multiple_images_and_classes():
    r1 = ImageResult.of([A, C], [0, 1], [A, C, B], [0.9, 0.6, 0.3], [0, 1, 1])
    r2 = ImageResult.of([B], [1], [B], [0.95], [1])
    res = evaluate([r1, r2], classes=("a", "b"))
    assert res["ap"]["a"] == 1.0
    # class b ranking: B@r2 TP (0.95), C@r1 TP (0.6), B@r1 FP (0.3): recall 1 at precision 1
    assert res["ap"]["b"] == 1.0
    assert res["gt"] == {"a": 1, "b": 2}
    assert res["detections"] == {"a": 1, "b": 3}


def test_operating_points_and_best_f1():
    from jianguan.hazard.detector.evaluate import at_threshold, best_f1, operating_points

    r = ImageResult.of([A, B], [0, 0], [A, FAR, B], [0.9, 0.8, 0.3], [0, 0, 0])
    assert operating_points([r], 0) == [(0.9, 1.0, 0.5), (0.8, 0.5, 0.5), (0.3, 2 / 3, 1.0)]
    best = best_f1([r], 0)
    assert best["threshold"] == 0.3 and best["f1"] == pytest.approx(0.8)
    assert at_threshold([r], 0, 0.5) == {"threshold": 0.5, "precision": 0.5, "recall": 0.5}
    assert at_threshold([r], 0, 0.95)["recall"] == 0.0
    assert best_f1([r], 1) is None
