"""Image to network input (numpy and Pillow only): letterbox, normalisation, tiling.

Training and the runtime both use these functions, so what the network sees at inference is
exactly what it saw when it was evaluated. The backbone's ImageNet weights were trained with
TF-Lite normalisation, ``(x - 127) / 128``; padding is grey 127, which normalises to 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

IMGSZ = 320
PAD_VALUE = 127


@dataclass(frozen=True)
class Letterbox:
    """How an image was placed in the square input: input = source * scale + (pad_x, pad_y)."""

    scale: float
    pad_x: int
    pad_y: int
    size: int

    def to_source(self, boxes: np.ndarray, width: int, height: int) -> np.ndarray:
        """Boxes (N, 4) in input pixels back to source pixels, clipped to the source image."""
        out = np.asarray(boxes, dtype=np.float32).reshape(-1, 4).copy()
        out[:, [0, 2]] = (out[:, [0, 2]] - self.pad_x) / self.scale
        out[:, [1, 3]] = (out[:, [1, 3]] - self.pad_y) / self.scale
        out[:, [0, 2]] = out[:, [0, 2]].clip(0, width)
        out[:, [1, 3]] = out[:, [1, 3]].clip(0, height)
        return out

    def to_input(self, boxes: np.ndarray) -> np.ndarray:
        out = np.asarray(boxes, dtype=np.float32).reshape(-1, 4) * self.scale
        out[:, [0, 2]] += self.pad_x
        out[:, [1, 3]] += self.pad_y
        return out


def letterbox_params(width: int, height: int, size: int = IMGSZ) -> Letterbox:
    """Scale so the longest side fits ``size``; the image sits centred on grey padding."""
    scale = size / max(width, height)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    return Letterbox(scale=scale, pad_x=(size - new_w) // 2, pad_y=(size - new_h) // 2, size=size)


def letterbox(image: Image.Image, size: int = IMGSZ) -> tuple[np.ndarray, Letterbox]:
    """An RGB PIL image to a (size, size, 3) uint8 array and the placement used."""
    image = image.convert("RGB")
    lb = letterbox_params(image.width, image.height, size)
    new_w = max(1, round(image.width * lb.scale))
    new_h = max(1, round(image.height * lb.scale))
    if (new_w, new_h) != image.size:
        image = image.resize((new_w, new_h), Image.Resampling.BILINEAR)
    canvas = np.full((size, size, 3), PAD_VALUE, dtype=np.uint8)
    canvas[lb.pad_y : lb.pad_y + new_h, lb.pad_x : lb.pad_x + new_w] = np.asarray(image)
    return canvas, lb


def normalise(batch: np.ndarray) -> np.ndarray:
    """uint8 NHWC (or HWC) to float32 NCHW, ``(x - 127) / 128``."""
    arr = np.asarray(batch)
    if arr.ndim == 3:
        arr = arr[None]
    out = (arr.astype(np.float32) - 127.0) / 128.0
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


@dataclass(frozen=True)
class Tile:
    """A window of the source image: x0 y0 x1 y1 in source pixels."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def _starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    step = tile - overlap
    n = math.ceil((length - tile) / step) + 1
    # Spread the windows evenly so the last one ends exactly at the image edge.
    return [round(i * (length - tile) / (n - 1)) for i in range(n)]


def tile_grid(
    width: int,
    height: int,
    tile: int,
    overlap: float = 0.25,
    max_tiles: int = 64,
) -> list[Tile]:
    """Square windows of ``tile`` source pixels covering the image with at least ``overlap``
    (a fraction of the tile) between neighbours. If that needs more than ``max_tiles``
    windows, the windows grow until it does not (a drone frame never costs unbounded time)."""
    if tile <= 0:
        raise ValueError("tile must be positive")
    while True:
        ov = int(tile * overlap)
        xs, ys = _starts(width, tile, ov), _starts(height, tile, ov)
        if len(xs) * len(ys) <= max_tiles or tile >= max(width, height):
            break
        tile = int(tile * 1.25) + 1
    return [Tile(x, y, min(width, x + tile), min(height, y + tile)) for y in ys for x in xs]
