"""What a site photo says about itself: its size, when it was taken and where (EXIF), read with
Pillow. Pure: no Django.

Drone and phone photos carry GPS in WGS 84; the platform stores CGCS2000. The two frames differ
by centimetres, far below a consumer GPS fix, so the degrees are kept as they are.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from PIL import Image, UnidentifiedImageError

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 36867  # in the Exif IFD
DATETIME = 306  # in IFD0, when the camera writes no DateTimeOriginal
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4
MAX_PIXELS = 80_000_000  # a 100-megapixel survey frame is refused rather than decoded
FORMATS = {"JPEG": "jpeg", "PNG": "png"}
SIX = Decimal("0.000001")


class PhotoError(ValueError):
    """The file is not a photo this platform keeps; the message is Chinese and can be shown."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PhotoMeta:
    format: str  # "jpeg" or "png"
    width: int
    height: int
    taken_at: dt.datetime | None  # naive: EXIF gives the camera's local wall-clock time
    latitude: Decimal | None
    longitude: Decimal | None


def _degrees(dms, ref) -> Decimal | None:
    try:
        d, m, s = (
            Fraction(str(float(x))) if not isinstance(x, tuple) else Fraction(*x) for x in dms
        )
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    result = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref).strip().upper() in ("S", "W"):
        result = -result
    return result.quantize(SIX, rounding=ROUND_HALF_UP)


def _taken_at(raw) -> dt.datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "ignore")
    if not isinstance(raw, str):
        return None
    try:
        return dt.datetime.strptime(raw.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _position(gps) -> tuple[Decimal | None, Decimal | None]:
    if not gps or GPS_LAT not in gps or GPS_LON not in gps:
        return None, None
    lat = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF, "N"))
    lon = _degrees(gps[GPS_LON], gps.get(GPS_LON_REF, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    if lat == 0 and lon == 0:  # a camera without a fix writes zeros
        return None, None
    return lat, lon


def read(data: bytes) -> PhotoMeta:
    """The photo's metadata; raises PhotoError for anything that is not a readable JPEG/PNG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = FORMATS.get(image.format or "")
            if fmt is None:
                raise PhotoError("只接受 JPEG 或 PNG 照片", "bad_file_type")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError("照片像素过大（超过 8000 万像素）", "image_too_large")
            exif = image.getexif()
            image.verify()  # a truncated or corrupt file fails here, not later on the page
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoError("文件不是可读取的照片（已损坏或格式不符）", "bad_image") from None
    taken = _taken_at(exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL)) or _taken_at(
        exif.get(DATETIME)
    )
    lat, lon = _position(exif.get_ifd(GPS_IFD))
    return PhotoMeta(fmt, width, height, taken, lat, lon)


def thumbnail(data: bytes, size: int = 360) -> bytes:
    """A JPEG no larger than ``size`` pixels on its long side, for galleries and map popups."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError):  # truncated data that verify() let through
        raise PhotoError("文件不是可读取的照片（已损坏或格式不符）", "bad_image") from None
