"""Network output to detections in source pixels (pure numpy).

The exported graph already decodes heatmap peaks (sigmoid, 3x3 max-pool, top-K), so one
image needs no NMS. Two things remain for the runtime: mapping boxes from the square input
back to the source image, and merging the detections of overlapping tiles of a large image,
where one object can be seen by two tiles, or cut in half by a tile's edge.
``peaks`` is a numpy copy of the in-graph decode, used by the tests to pin its meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .evaluate import iou_matrix
from .preprocess import Tile

STRIDE = 4
TILE_IOU = 0.5
# A tile detection that touches a tile edge inside the image is probably a cut-off part of
# an object; it is dropped when a whole detection of the same class covers this much of it.
CUT_COVER = 0.6
EDGE_PX = 2.0


@dataclass
class Raw:
    """Detections as arrays: boxes (N, 4) x1 y1 x2 y2, scores (N,), classes (N,) int."""

    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray

    @classmethod
    def empty(cls) -> Raw:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64))

    def take(self, keep) -> Raw:
        return Raw(self.boxes[keep], self.scores[keep], self.classes[keep])

    def __len__(self) -> int:
        return len(self.scores)


def concat(parts: Sequence[Raw]) -> Raw:
    if not parts:
        return Raw.empty()
    return Raw(
        np.concatenate([p.boxes for p in parts]).astype(np.float32).reshape(-1, 4),
        np.concatenate([p.scores for p in parts]).astype(np.float32),
        np.concatenate([p.classes for p in parts]).astype(np.int64),
    )


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def peaks(logits: np.ndarray, ltrb: np.ndarray, k: int = 100) -> Raw:
    """The in-graph decode of one image in numpy: ``logits`` (C, H, W), ``ltrb`` (4, H, W)."""
    c, h, w = logits.shape
    heat = sigmoid(logits.astype(np.float64))
    padded = np.pad(heat, ((0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    window = np.stack(
        [padded[:, dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)]
    ).max(axis=0)
    heat = np.where(window == heat, heat, 0.0).reshape(-1)
    k = min(k, heat.size)
    idx = np.argsort(-heat, kind="stable")[:k]
    cls, pix = np.divmod(idx, h * w)
    ys, xs = np.divmod(pix, w)
    cx, cy = xs * STRIDE + STRIDE / 2, ys * STRIDE + STRIDE / 2
    d = ltrb.reshape(4, -1)[:, pix]
    boxes = np.stack([cx - d[0], cy - d[1], cx + d[2], cy + d[3]], axis=1)
    return Raw(boxes.astype(np.float32), heat[idx].astype(np.float32), cls.astype(np.int64))


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float = TILE_IOU) -> np.ndarray:
    """Indices kept by greedy non-maximum suppression, highest score first."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        if len(order) == 1:
            break
        overlaps = iou_matrix(boxes[i], boxes[order[1:]])[0]
        order = order[1:][overlaps < iou]
    return np.array(keep, dtype=np.int64)


def classwise_nms(raw: Raw, iou: float = TILE_IOU) -> Raw:
    keep = [
        np.nonzero(raw.classes == c)[0][
            nms(raw.boxes[raw.classes == c], raw.scores[raw.classes == c], iou)
        ]
        for c in np.unique(raw.classes)
    ]
    if not keep:
        return Raw.empty()
    kept = np.sort(np.concatenate(keep))
    out = raw.take(kept)
    order = np.argsort(-out.scores, kind="stable")
    return out.take(order)


def to_tile_source(raw: Raw, tile: Tile, scale: float, pad_x: int, pad_y: int) -> Raw:
    """Boxes from a tile's network input back to source pixels of the whole image."""
    boxes = raw.boxes.copy()
    boxes[:, [0, 2]] = (boxes[:, [0, 2]] - pad_x) / scale + tile.x0
    boxes[:, [1, 3]] = (boxes[:, [1, 3]] - pad_y) / scale + tile.y0
    boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(tile.x0, tile.x1)
    boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(tile.y0, tile.y1)
    return Raw(boxes, raw.scores, raw.classes)


def touches_inner_edge(boxes: np.ndarray, tile: Tile, width: int, height: int) -> np.ndarray:
    """Which boxes touch an edge of the tile that is not also an edge of the image."""
    b = boxes.reshape(-1, 4)
    cut = np.zeros(len(b), dtype=bool)
    if tile.x0 > 0:
        cut |= b[:, 0] <= tile.x0 + EDGE_PX
    if tile.y0 > 0:
        cut |= b[:, 1] <= tile.y0 + EDGE_PX
    if tile.x1 < width:
        cut |= b[:, 2] >= tile.x1 - EDGE_PX
    if tile.y1 < height:
        cut |= b[:, 3] >= tile.y1 - EDGE_PX
    return cut


def merge(parts: Sequence[tuple[Raw, np.ndarray]], iou: float = TILE_IOU) -> Raw:
    """Merge detections already in source pixels, each part with its "cut" flags (True for
    a box touching an inner tile edge). First a cut box goes when an uncut box of its class
    covers most of it (another tile, or the whole-image pass, saw the object whole): a cut
    box may score higher than the whole one and must not suppress it. Then class-wise NMS."""
    raw = concat([p for p, _ in parts])
    cut = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, bool)
    if not len(raw):
        return raw
    keep = np.ones(len(raw), dtype=bool)
    area = np.clip(raw.boxes[:, 2] - raw.boxes[:, 0], 0, None) * np.clip(
        raw.boxes[:, 3] - raw.boxes[:, 1], 0, None
    )
    for i in np.nonzero(cut)[0]:
        whole = np.nonzero(~cut & (raw.classes == raw.classes[i]))[0]
        if not len(whole):
            continue
        b, w = raw.boxes[i], raw.boxes[whole]
        inter = np.clip(np.minimum(w[:, 2], b[2]) - np.maximum(w[:, 0], b[0]), 0, None) * np.clip(
            np.minimum(w[:, 3], b[3]) - np.maximum(w[:, 1], b[1]), 0, None
        )
        # ...and the whole box is of the same object's size, not a far larger stray box
        same = (inter >= CUT_COVER * max(area[i], 1e-6)) & (area[i] >= 0.2 * area[whole])
        if same.any():
            keep[i] = False
    raw = raw.take(np.nonzero(keep)[0])
    return classwise_nms(raw, iou)
