"""The labelled photos of ../shared/data/ppe: YOLO labels and the project's fixed split.

Pure (numpy and Pillow only). Label lines are ``class cx cy w h`` normalised to the image size;
a few lines are polygons (``class x1 y1 x2 y2 x3 y3 ...``, segmentation format) and become
their bounding box. The split is decided by a hash of the file stem, so it never depends on
the order of a directory listing, on the machine, or on which other files exist: the test
split that the model card and ``bench/hazard.py`` report is the same everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classes import CLASSES

SPLITS = ("train", "val", "test")
# Percent of photos per split (train takes the rest). The test split is held out: training
# never reads it, and only the model card and the benchmark report on it.
VAL_PERCENT = 10
TEST_PERCENT = 15
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


@dataclass(frozen=True)
class Sample:
    """One photo and its boxes: ``boxes`` are (N, 4) x1 y1 x2 y2 normalised to [0, 1]."""

    stem: str
    image: Path
    classes: np.ndarray  # (N,) int64
    boxes: np.ndarray  # (N, 4) float32, normalised xyxy

    def boxes_px(self, width: int, height: int) -> np.ndarray:
        scale = np.array([width, height, width, height], dtype=np.float32)
        return self.boxes * scale


def parse_line(line: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """One label line to ``(class, (x1, y1, x2, y2))`` normalised, or None for a blank or
    unusable line. Five numbers are a YOLO box; more are a polygon whose bounding box is used."""
    parts = line.split()
    if len(parts) < 5:
        return None
    try:
        cls = int(float(parts[0]))
        values = [float(v) for v in parts[1:]]
    except ValueError:
        return None
    if not 0 <= cls < len(CLASSES):
        return None
    if len(values) == 4:
        cx, cy, w, h = values
        x1, y1, x2, y2 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    else:
        if len(values) % 2:  # a polygon needs whole (x, y) pairs
            values = values[:-1]
        xs, ys = values[0::2], values[1::2]
        x1, y1, x2, y2 = min(xs), min(ys), max(xs), max(ys)
    x1, y1 = max(0.0, x1), max(0.0, y1)
    x2, y2 = min(1.0, x2), min(1.0, y2)
    if x2 <= x1 or y2 <= y1:
        return None
    return cls, (x1, y1, x2, y2)


def parse_labels(text: str) -> tuple[np.ndarray, np.ndarray]:
    """A label file's text to ``(classes (N,), boxes (N, 4))``."""
    parsed = [p for p in (parse_line(line) for line in text.splitlines()) if p is not None]
    classes = np.array([c for c, _ in parsed], dtype=np.int64)
    boxes = np.array([b for _, b in parsed], dtype=np.float32).reshape(-1, 4)
    return classes, boxes


def split_of(stem: str) -> str:
    """The split of a photo, from a hash of its file stem (stable across machines and runs)."""
    bucket = int.from_bytes(hashlib.sha256(stem.encode("utf-8")).digest()[:8], "big") % 100
    if bucket < TEST_PERCENT:
        return "test"
    if bucket < TEST_PERCENT + VAL_PERCENT:
        return "val"
    return "train"


def load_samples(root: str | Path, splits: Iterable[str] | None = None) -> list[Sample]:
    """The photos under ``root/images`` with their labels from ``root/labels``, sorted by stem.

    A photo without a label file is a photo without boxes (a valid negative example)."""
    root = Path(root)
    wanted = set(SPLITS if splits is None else splits)
    unknown = wanted - set(SPLITS)
    if unknown:
        raise ValueError(f"unknown split(s): {sorted(unknown)}")
    samples = []
    for image in sorted((root / "images").iterdir()):
        if image.suffix.lower() not in IMAGE_SUFFIXES or split_of(image.stem) not in wanted:
            continue
        label = root / "labels" / f"{image.stem}.txt"
        text = label.read_text(encoding="utf-8") if label.exists() else ""
        classes, boxes = parse_labels(text)
        samples.append(Sample(stem=image.stem, image=image, classes=classes, boxes=boxes))
    return samples


def class_counts(samples: Iterable[Sample]) -> dict[str, int]:
    counts = dict.fromkeys(CLASSES, 0)
    for sample in samples:
        for cls in sample.classes.tolist():
            counts[CLASSES[cls]] += 1
    return counts
