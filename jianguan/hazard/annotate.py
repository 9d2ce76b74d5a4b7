"""The evidence copy of a frame: the image with the detections drawn on it, as a JPEG small
enough for a finding's photos. Pure: Pillow only, no Django."""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image, ImageDraw, ImageOps

COLOURS = {
    "helmet": (47, 179, 68),
    "no_helmet": (214, 57, 57),
    "no_wear": (247, 103, 7),
    "wear": (66, 99, 235),
}
MAX_SIDE = 2000


def annotated_jpeg(
    data: bytes, boxes: Iterable[tuple[str, float, tuple[float, float, float, float]]]
) -> bytes:
    """`data` (JPEG/PNG) with each (class, score, box) drawn; longest side at most MAX_SIDE."""
    with Image.open(io.BytesIO(data)) as src:
        img = ImageOps.exif_transpose(src).convert("RGB")
    scale = min(1.0, MAX_SIDE / max(img.size))
    if scale < 1.0:
        img = img.resize((round(img.width * scale), round(img.height * scale)))
    draw = ImageDraw.Draw(img)
    width = max(2, round(max(img.size) / 400))
    for cls, score, (x1, y1, x2, y2) in boxes:
        colour = COLOURS.get(cls, (255, 255, 0))
        rect = [x1 * scale, y1 * scale, x2 * scale, y2 * scale]
        draw.rectangle(rect, outline=colour, width=width)
        # ASCII label: the default bitmap font has no Chinese glyphs
        draw.text((rect[0] + width, max(0, rect[1] - 12)), f"{cls} {score:.0%}", fill=colour)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()
