"""Mean average precision at IoU 0.5, per class (pure numpy).

The evaluator decides whether the detector meets its targets, so its rules are spelled out:

- Detections of one class over all images are ranked by score, highest first. Each is matched
  greedily to the unmatched ground truth of the same class in the same image with which it
  has the highest IoU; it is a true positive if that IoU is at least the threshold, else a
  false positive. A ground truth is matched at most once: a second detection on it is a false
  positive (a duplicate).
- Equal scores: the precision-recall curve gets a point only where the score changes, after
  the whole group of equal scores (as scikit-learn does), so the AP does not depend on the
  order in which tied detections happen to be listed.
- AP is the VOC 2010+ all-point interpolated area: precision made monotone from the right,
  summed over every recall step.
- A class with no ground truth anywhere has no AP (None) and does not count in the mean;
  a class with ground truth and no detection has AP 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .classes import CLASSES


@dataclass(frozen=True)
class ImageResult:
    """Ground truth and detections of one image, all boxes x1 y1 x2 y2 in the same units."""

    gt_boxes: np.ndarray  # (N, 4)
    gt_classes: np.ndarray  # (N,) int
    boxes: np.ndarray  # (M, 4)
    scores: np.ndarray  # (M,)
    classes: np.ndarray  # (M,) int

    @classmethod
    def of(cls, gt_boxes, gt_classes, boxes=(), scores=(), classes=()) -> ImageResult:
        return cls(
            gt_boxes=np.asarray(gt_boxes, dtype=np.float64).reshape(-1, 4),
            gt_classes=np.asarray(gt_classes, dtype=np.int64).reshape(-1),
            boxes=np.asarray(boxes, dtype=np.float64).reshape(-1, 4),
            scores=np.asarray(scores, dtype=np.float64).reshape(-1),
            classes=np.asarray(classes, dtype=np.int64).reshape(-1),
        )


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in ``a`` (N, 4) with every box in ``b`` (M, 4): (N, M)."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    ix1 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy1 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix2 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def ap_from_ranked(scores: np.ndarray, tp: np.ndarray, n_gt: int) -> float | None:
    """All-point interpolated AP of detections given their scores and true-positive flags.

    ``tp`` must already be decided by matching in descending score order."""
    if n_gt == 0:
        return None
    if len(scores) == 0:
        return 0.0
    order = np.argsort(-scores, kind="stable")
    scores, tp = scores[order], tp[order].astype(np.float64)
    ctp = np.cumsum(tp)
    cfp = np.cumsum(1.0 - tp)
    # The last index of each run of equal scores: a curve point only where the score changes.
    last = np.r_[np.nonzero(np.diff(scores))[0], len(scores) - 1]
    recall = ctp[last] / n_gt
    precision = ctp[last] / (ctp[last] + cfp[last])
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    step = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[step + 1] - mrec[step]) * mpre[step + 1]))


def match_class(
    results: Sequence[ImageResult], cls: int, iou_threshold: float = 0.5
) -> tuple[np.ndarray, np.ndarray, int]:
    """Greedy matching of one class over all images: (scores, tp flags, number of gts)."""
    entries = []  # (score, image index, detection index)
    n_gt = 0
    gts = []
    for i, r in enumerate(results):
        g = r.gt_boxes[r.gt_classes == cls]
        gts.append(g)
        n_gt += len(g)
        for j in np.nonzero(r.classes == cls)[0]:
            entries.append((float(r.scores[j]), i, int(j)))
    # Highest score first; ties keep their input order so that results are reproducible.
    entries.sort(key=lambda e: -e[0])
    taken = [np.zeros(len(g), dtype=bool) for g in gts]
    scores = np.empty(len(entries))
    tp = np.zeros(len(entries), dtype=bool)
    for k, (score, i, j) in enumerate(entries):
        scores[k] = score
        g = gts[i]
        if len(g) == 0:
            continue
        ious = iou_matrix(results[i].boxes[j], g)[0]
        ious[taken[i]] = -1.0
        best = int(np.argmax(ious))
        if ious[best] >= iou_threshold:
            taken[i][best] = True
            tp[k] = True
    return scores, tp, n_gt


def evaluate(
    results: Sequence[ImageResult],
    classes: Sequence[str] = CLASSES,
    iou_threshold: float = 0.5,
) -> dict:
    """Per-class AP and their mean: ``{"ap": {name: float | None}, "map": float | None,
    "gt": {name: n}, "detections": {name: n}}``."""
    ap: dict[str, float | None] = {}
    n_gts: dict[str, int] = {}
    n_dets: dict[str, int] = {}
    for c, name in enumerate(classes):
        scores, tp, n_gt = match_class(results, c, iou_threshold)
        ap[name] = ap_from_ranked(scores, tp, n_gt)
        n_gts[name] = n_gt
        n_dets[name] = len(scores)
    defined = [v for v in ap.values() if v is not None]
    return {
        "ap": ap,
        "map": float(np.mean(defined)) if defined else None,
        "gt": n_gts,
        "detections": n_dets,
    }


def operating_points(
    results: Sequence[ImageResult], cls: int, iou_threshold: float = 0.5
) -> list[tuple[float, float, float]]:
    """``(score threshold, precision, recall)`` at each distinct score of one class, highest
    threshold first: what keeping detections scoring at least the threshold gives."""
    scores, tp, n_gt = match_class(results, cls, iou_threshold)
    if n_gt == 0 or len(scores) == 0:
        return []
    order = np.argsort(-scores, kind="stable")
    scores, tp = scores[order], tp[order].astype(np.float64)
    ctp = np.cumsum(tp)
    last = np.r_[np.nonzero(np.diff(scores))[0], len(scores) - 1]
    return [(float(scores[i]), float(ctp[i] / (i + 1)), float(ctp[i] / n_gt)) for i in last]


def best_f1(results: Sequence[ImageResult], cls: int, iou_threshold: float = 0.5) -> dict | None:
    """The score threshold of one class with the highest F1, with its precision and recall."""
    best = None
    for threshold, p, r in operating_points(results, cls, iou_threshold):
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if best is None or f1 > best["f1"]:
            best = {"threshold": threshold, "precision": p, "recall": r, "f1": f1}
    return best


def at_threshold(
    results: Sequence[ImageResult], cls: int, threshold: float, iou_threshold: float = 0.5
) -> dict:
    """Precision and recall of one class keeping detections scoring at least ``threshold``."""
    points = [pt for pt in operating_points(results, cls, iou_threshold) if pt[0] >= threshold]
    if not points:
        return {"threshold": threshold, "precision": None, "recall": 0.0}
    _, p, r = points[-1]
    return {"threshold": threshold, "precision": p, "recall": r}
