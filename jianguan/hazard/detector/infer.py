"""Run the shipped detector: onnxruntime, numpy and Pillow only (no torch, no Django).

    detector = load()                      # the shipped model; cached per path
    for d in detector.detect(image_bytes):  # Detection(cls="no_helmet", score=0.83, box=(...))
        ...

Boxes are in pixels of the input image as it is displayed (EXIF orientation applied, as
browsers show it). Images clearly larger than the model input (site CCTV and drone frames)
are also cut into overlapping tiles, so that small people are seen at a useful scale; the
whole-image pass still finds the large ones, and the merge keeps one box per object.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from . import decode
from .classes import CLASSES
from .preprocess import IMGSZ, letterbox, normalise, tile_grid

MODEL_PATH = Path(__file__).resolve().parent / "model" / "detector.onnx"
FLOOR = 0.05
THREADS = 2
BATCH = 8
# Tiling: only for images clearly larger than the input; each tile is TILE_FACTOR times the
# input in source pixels (a mild downscale keeps the tile count low), 25% overlap, and at
# most MAX_TILES tiles (larger frames get larger tiles).
TILE_FACTOR = 1.5
TILE_OVERLAP = 0.25
MAX_TILES = 48
TILE_WHEN = 2.0  # tile when the longest side exceeds this many input sizes
MAX_PIXELS = 120_000_000  # a 100-MP drone frame is fine; a decompression bomb is not


class ModelUnavailable(Exception):
    """The model file is missing or cannot be loaded: detection is off, uploads still stored."""


class ImageUnreadable(ValueError):
    """The bytes are not an image this detector can read (or the image is far too large)."""


@dataclass(frozen=True)
class Detection:
    cls: str
    score: float
    box: tuple[float, float, float, float]  # x1 y1 x2 y2 in input-image pixels


def open_image(image: Image.Image | bytes | str | os.PathLike) -> Image.Image:
    """An RGB image from a PIL image, bytes or a path; ImageUnreadable with a Chinese message."""
    if isinstance(image, Image.Image):
        img = image
    else:
        try:
            src = io.BytesIO(image) if isinstance(image, bytes | bytearray) else image
            img = Image.open(src)
            if img.width * img.height > MAX_PIXELS:
                raise ImageUnreadable(
                    f"图像过大（{img.width}×{img.height} 像素），超过识别上限 {MAX_PIXELS:,} 像素"
                )
            img.load()
        except ImageUnreadable:
            raise
        except UnidentifiedImageError as exc:
            raise ImageUnreadable("无法读取图像：不是可识别的图像文件") from exc
        except Image.DecompressionBombError as exc:
            raise ImageUnreadable(f"图像过大，超过识别上限 {MAX_PIXELS:,} 像素") from exc
        except (OSError, ValueError) as exc:
            raise ImageUnreadable(f"无法读取图像：文件损坏或不完整（{exc}）") from exc
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block must not lose the image: use it as stored
        pass
    return img.convert("RGB")


class Detector:
    def __init__(self, path: Path):
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - a main dependency
            raise ModelUnavailable("未安装 onnxruntime，无法运行隐患识别模型") from exc
        if not path.is_file():
            raise ModelUnavailable(f"未找到隐患识别模型文件：{path}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
            meta = self.session.get_modelmeta().custom_metadata_map
            self.classes = tuple(json.loads(meta.get("classes", json.dumps(CLASSES))))
            self.imgsz = int(meta.get("imgsz", IMGSZ))
            outputs = [o.name for o in self.session.get_outputs()]
            if outputs != ["boxes", "scores", "classes"]:
                raise ValueError(f"unexpected outputs {outputs}")
        except Exception as exc:
            raise ModelUnavailable(f"隐患识别模型文件损坏或无法加载：{path}（{exc}）") from exc
        self.path = path
        self.metadata = dict(meta)

    def _run(self, arrays: Sequence[np.ndarray]) -> list[decode.Raw]:
        out = []
        for i in range(0, len(arrays), BATCH):
            x = normalise(np.stack(arrays[i : i + BATCH]))
            boxes, scores, classes = self.session.run(None, {"images": x})
            out.extend(decode.Raw(boxes[j], scores[j], classes[j]) for j in range(len(x)))
        return out

    def _plan(self, img: Image.Image, tile: bool):
        """Network inputs for one image: the whole image, then its tiles when it is large."""
        arr, lb = letterbox(img, self.imgsz)
        plan = [(arr, lb, None)]
        if tile and max(img.size) > TILE_WHEN * self.imgsz:
            for t in tile_grid(
                img.width, img.height, int(self.imgsz * TILE_FACTOR), TILE_OVERLAP, MAX_TILES
            ):
                a, tlb = letterbox(img.crop((t.x0, t.y0, t.x1, t.y1)), self.imgsz)
                plan.append((a, tlb, t))
        return plan

    def _assemble(self, img: Image.Image, plan, raws, floor: float) -> list[Detection]:
        parts = []
        for (_, lb, t), raw in zip(plan, raws, strict=True):
            raw = raw.take(np.nonzero(raw.scores >= floor)[0])
            if t is None:
                boxes = lb.to_source(raw.boxes, img.width, img.height)
                parts.append((decode.Raw(boxes, raw.scores, raw.classes), np.zeros(len(raw), bool)))
            else:
                src = decode.to_tile_source(raw, t, lb.scale, lb.pad_x, lb.pad_y)
                parts.append((src, decode.touches_inner_edge(src.boxes, t, img.width, img.height)))
        merged = parts[0][0] if len(parts) == 1 else decode.merge(parts)
        dets = []
        for b, s, c in zip(merged.boxes, merged.scores, merged.classes, strict=True):
            if b[2] - b[0] <= 0 or b[3] - b[1] <= 0:
                continue
            dets.append(Detection(self.classes[int(c)], float(s), tuple(float(v) for v in b)))
        dets.sort(key=lambda d: -d.score)
        return dets

    def detect(
        self, image: Image.Image | bytes, *, floor: float = FLOOR, tile: bool = True
    ) -> list[Detection]:
        """Detections above ``floor``, highest score first, boxes in input-image pixels."""
        return self.detect_many([image], floor=floor, tile=tile)[0]

    def detect_many(
        self, images: Iterable[Image.Image | bytes], *, floor: float = FLOOR, tile: bool = True
    ) -> list[list[Detection]]:
        """Like ``detect`` for several images, batched through the network."""
        opened = [open_image(im) for im in images]
        plans = [self._plan(img, tile) for img in opened]
        raws = self._run([arr for plan in plans for arr, _, _ in plan])
        out, k = [], 0
        for img, plan in zip(opened, plans, strict=True):
            out.append(self._assemble(img, plan, raws[k : k + len(plan)], floor))
            k += len(plan)
        return out


_cache: dict[tuple[str, int, int], Detector] = {}
_lock = threading.Lock()


def load(path: str | os.PathLike | None = None) -> Detector:
    """The detector for a model file (default: the shipped one), loaded once per file version.

    Raises ModelUnavailable with a Chinese message when the file is missing or corrupt."""
    p = Path(path).expanduser().resolve() if path else MODEL_PATH
    try:
        st = p.stat()
    except OSError as exc:
        raise ModelUnavailable(f"未找到隐患识别模型文件：{p}") from exc
    key = (str(p), st.st_mtime_ns, st.st_size)  # a replaced model file is loaded afresh
    with _lock:
        if key not in _cache:
            for old in [k for k in _cache if k[0] == key[0]]:
                del _cache[old]
            _cache[key] = Detector(p)
        return _cache[key]
