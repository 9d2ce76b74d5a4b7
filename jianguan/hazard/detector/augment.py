"""Training augmentation and target maps (numpy and Pillow; used by ``train`` only).

Every sample comes out as a square ``imgsz`` uint8 image with boxes in its pixels:
- mosaic (four photos around a random centre, each at its own random scale): more heads
  per step, more no_helmet heads (the rare class) and small, cut and crowded people as in
  site CCTV and drone frames;
- otherwise scale jitter and a random crop/placement of one photo;
- horizontal flip and colour jitter (brightness, contrast, saturation).
Targets are TTFNet's: a Gaussian peak per object centre on the stride-4 class heatmap, and
for the box head a Gaussian-weighted area around the centre where the target box is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .preprocess import PAD_VALUE

ALPHA = 0.54  # Gaussian size relative to the box (TTFNet's alpha = beta)
MIN_VISIBLE = 0.4  # a box cut by the crop to less than this share of its area is dropped
MIN_SIDE = 2.0  # px


@dataclass
class Photo:
    """A decoded training photo: RGB uint8 (H, W, 3), boxes (N, 4) in its pixels, classes."""

    pixels: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray


def _resize(pixels: np.ndarray, scale: float) -> np.ndarray:
    h, w = pixels.shape[:2]
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) == (w, h):
        return pixels
    return np.asarray(Image.fromarray(pixels).resize((nw, nh), Image.Resampling.BILINEAR))


def _paste(canvas, boxes_out, classes_out, photo: Photo, scale: float, x: int, y: int) -> None:
    """Paste a scaled photo with its top-left at (x, y) (may lie partly outside the canvas)."""
    img = _resize(photo.pixels, scale)
    h, w = img.shape[:2]
    ch, cw = canvas.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, cw), min(y + h, ch)
    if x1 <= x0 or y1 <= y0:
        return
    canvas[y0:y1, x0:x1] = img[y0 - y : y1 - y, x0 - x : x1 - x]
    if len(photo.boxes):
        b = photo.boxes * scale + np.array([x, y, x, y], dtype=np.float32)
        boxes_out.append(b)
        classes_out.append(photo.classes)


def _clip_boxes(boxes, classes, x0, y0, x1, y1):
    """Boxes clipped to a window and shifted to its origin; mostly-cut boxes dropped."""
    if not len(boxes):
        return np.zeros((0, 4), np.float32), np.zeros(0, np.int64)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    c = boxes.copy()
    c[:, [0, 2]] = c[:, [0, 2]].clip(x0, x1)
    c[:, [1, 3]] = c[:, [1, 3]].clip(y0, y1)
    w, h = c[:, 2] - c[:, 0], c[:, 3] - c[:, 1]
    ok = (w >= MIN_SIDE) & (h >= MIN_SIDE) & (w * h >= MIN_VISIBLE * np.maximum(area, 1e-6))
    c = c[ok] - np.array([x0, y0, x0, y0], dtype=np.float32)
    return c.astype(np.float32), classes[ok].astype(np.int64)


def single(
    photo: Photo, size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale jitter around the letterbox scale, then a random crop or placement."""
    h, w = photo.pixels.shape[:2]
    scale = size / max(h, w) * rng.uniform(0.6, 1.4)
    nw, nh = round(w * scale), round(h * scale)
    x = int(rng.integers(min(0, size - nw), max(0, size - nw) + 1))
    y = int(rng.integers(min(0, size - nh), max(0, size - nh) + 1))
    canvas = np.full((size, size, 3), PAD_VALUE, np.uint8)
    boxes, classes = [], []
    _paste(canvas, boxes, classes, photo, scale, x, y)
    b = np.concatenate(boxes) if boxes else np.zeros((0, 4), np.float32)
    c = np.concatenate(classes) if classes else np.zeros(0, np.int64)
    b, c = _clip_boxes(b, c, 0, 0, size, size)
    return canvas, b, c


def mosaic(photos: list[Photo], size: int, rng: np.random.Generator):
    """Four photos in the quadrants around a random centre of a 2x canvas, then a window of
    ``size`` around that centre, so each photo shows a part of itself."""
    big = 2 * size
    canvas = np.full((big, big, 3), PAD_VALUE, np.uint8)
    xc, yc = (int(rng.uniform(0.6 * size, 1.4 * size)) for _ in range(2))
    boxes, classes = [], []
    for k, photo in enumerate(photos[:4]):
        h, w = photo.pixels.shape[:2]
        scale = size / max(h, w) * rng.uniform(0.5, 1.1)
        nw, nh = round(w * scale), round(h * scale)
        x = xc - nw if k in (0, 2) else xc
        y = yc - nh if k in (0, 1) else yc
        _paste(canvas, boxes, classes, photo, scale, x, y)
    x0 = int(np.clip(xc - rng.uniform(0.25, 0.75) * size, 0, big - size))
    y0 = int(np.clip(yc - rng.uniform(0.25, 0.75) * size, 0, big - size))
    b = np.concatenate(boxes) if boxes else np.zeros((0, 4), np.float32)
    c = np.concatenate(classes) if classes else np.zeros(0, np.int64)
    b, c = _clip_boxes(b, c, x0, y0, x0 + size, y0 + size)
    return np.ascontiguousarray(canvas[y0 : y0 + size, x0 : x0 + size]), b, c


def flip(pixels, boxes, size):
    pixels = np.ascontiguousarray(pixels[:, ::-1])
    if len(boxes):
        boxes = boxes.copy()
        boxes[:, [0, 2]] = size - boxes[:, [2, 0]]
    return pixels, boxes


def colour(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    x = pixels.astype(np.float32)
    grey = x @ np.array([0.299, 0.587, 0.114], np.float32)
    sat = rng.uniform(0.6, 1.4)
    x = grey[..., None] + (x - grey[..., None]) * sat
    contrast = rng.uniform(0.75, 1.25)
    x = (x - grey.mean()) * contrast + grey.mean()
    x = x * rng.uniform(0.75, 1.25)
    return x.clip(0, 255).astype(np.uint8)


def targets(
    boxes: np.ndarray, classes: np.ndarray, num_classes: int, size: int, stride: int = 4
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TTFNet targets for one image: heatmap (C, S, S), box targets (4, S, S) as x1 y1 x2 y2
    in input pixels, and box-loss weights (S, S), where S = size // stride."""
    s = size // stride
    heat = np.zeros((num_classes, s, s), np.float32)
    box_t = np.zeros((4, s, s), np.float32)
    weight = np.zeros((s, s), np.float32)
    if not len(boxes):
        return heat, box_t, weight
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    # Large boxes first, so a small box drawn later owns the box target where they overlap.
    for i in np.argsort(-areas, kind="stable"):
        x1, y1, x2, y2 = boxes[i]
        fw, fh = (x2 - x1) / stride, (y2 - y1) / stride
        cx = min(int((x1 + x2) / 2 / stride), s - 1)
        cy = min(int((y1 + y2) / 2 / stride), s - 1)
        sx, sy = max(ALPHA * fw / 6, 1e-3), max(ALPHA * fh / 6, 1e-3)
        rx, ry = max(int(ALPHA * fw / 2), 0), max(int(ALPHA * fh / 2), 0)
        xa, xb = max(cx - rx, 0), min(cx + rx + 1, s)
        ya, yb = max(cy - ry, 0), min(cy + ry + 1, s)
        gx = np.exp(-((np.arange(xa, xb) - cx) ** 2) / (2 * sx * sx))
        gy = np.exp(-((np.arange(ya, yb) - cy) ** 2) / (2 * sy * sy))
        g = (gy[:, None] * gx[None, :]).astype(np.float32)
        c = int(classes[i])
        np.maximum(heat[c, ya:yb, xa:xb], g, out=heat[c, ya:yb, xa:xb])
        heat[c, cy, cx] = 1.0
        box_t[:, ya:yb, xa:xb] = np.array([x1, y1, x2, y2], np.float32)[:, None, None]
        # Each object's box loss sums to log(area): big objects count more, but not linearly.
        weight[ya:yb, xa:xb] = g / g.sum() * np.log(max(float(areas[i]), 2.0))
    return heat, box_t, weight
