"""Where a detected person stands on the site plan. Pure: numpy only, no Django.

A fixed camera looks at flat ground; four or more points marked both on one of its snapshots
(pixels) and on the site plan (longitude, latitude) fix the plane-to-plane homography between
the two. A person's feet are the bottom centre of their whole-person box; mapped through the
homography they give a ground point that is tested against the danger-zone polygons.

The homography is fitted in a local metric frame (metres east and north of the points' mean)
rather than in degrees: a site spans a few thousandths of a degree, and a fit in raw degrees
loses most of its precision to the large constant part of each coordinate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_M = 6_378_137.0
MIN_POINTS = 4
# A calibration whose points disagree with its own fit by more than this is refused: someone
# clicked the wrong corner (a site plan is good to a metre or two, a click to a few pixels).
MAX_RMS_M = 5.0
# A head box is about an eighth of a standing person: a head with no person box around it
# stands roughly 6.5 head heights above its feet (used only when no person box holds the head).
HEAD_TO_FEET = 6.5


class GeometryError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


Box = tuple[float, float, float, float]


def foot_point(box: Box) -> tuple[float, float]:
    """The bottom centre of a whole-person box: where the person touches the ground."""
    x1, _, x2, y2 = box
    return (x1 + x2) / 2.0, y2


def foot_from_head(box: Box) -> tuple[float, float]:
    """An estimate of the feet below a head box (no person box found around the head)."""
    x1, y1, x2, y2 = box
    return (x1 + x2) / 2.0, y2 + HEAD_TO_FEET * max(y2 - y1, 0.0)


def contains(outer: Box, inner: Box, *, slack: float = 0.15) -> bool:
    """Whether `inner`'s centre lies inside `outer`, widened by `slack` of its size."""
    ox1, oy1, ox2, oy2 = outer
    dx, dy = (ox2 - ox1) * slack, (oy2 - oy1) * slack
    cx, cy = (inner[0] + inner[2]) / 2.0, (inner[1] + inner[3]) / 2.0
    return ox1 - dx <= cx <= ox2 + dx and oy1 - dy <= cy <= oy2 + dy


# --- site-plan frame ------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalFrame:
    """Metres east/north of a point, on the sphere's tangent plane (good to millimetres over a
    building site)."""

    lon0: float
    lat0: float

    def to_metres(self, lon: float, lat: float) -> tuple[float, float]:
        k = math.pi / 180.0 * EARTH_RADIUS_M
        return (lon - self.lon0) * k * math.cos(math.radians(self.lat0)), (lat - self.lat0) * k

    def to_degrees(self, x: float, y: float) -> tuple[float, float]:
        k = math.pi / 180.0 * EARTH_RADIUS_M
        return self.lon0 + x / (k * math.cos(math.radians(self.lat0))), self.lat0 + y / k


# --- homography -----------------------------------------------------------------------------


def _normaliser(pts: np.ndarray) -> np.ndarray:
    """Hartley's normalisation: centroid to the origin, mean distance sqrt(2)."""
    centre = pts.mean(axis=0)
    spread = np.sqrt(((pts - centre) ** 2).sum(axis=1)).mean()
    s = math.sqrt(2) / spread if spread > 0 else 1.0
    return np.array([[s, 0, -s * centre[0]], [0, s, -s * centre[1]], [0, 0, 1.0]])


def _dlt(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    ts, td = _normaliser(src), _normaliser(dst)
    hs = np.c_[src, np.ones(len(src))] @ ts.T
    hd = np.c_[dst, np.ones(len(dst))] @ td.T
    rows = []
    for (x, y, _), (u, v, _) in zip(hs, hd, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, sing, vt = np.linalg.svd(np.asarray(rows))
    h = vt[-1].reshape(3, 3)
    # A second-smallest singular value near zero: the points do not fix a unique plane map.
    if sing[-2] < 1e-9 * sing[0]:
        raise GeometryError("标定点共线或重合，无法确定地面映射", "degenerate_points")
    h = np.linalg.inv(td) @ h @ ts
    h = h / np.abs(h).max()
    # The solution's sign is arbitrary: choose the one that puts the calibration points in
    # front of the camera (w > 0), whatever side of the horizon the image's origin lies on.
    w = np.c_[src, np.ones(len(src))] @ h[2]
    return -h if np.median(w) < 0 else h


def _collinear(pts: np.ndarray, tol: float) -> bool:
    centred = pts - pts.mean(axis=0)
    sing = np.linalg.svd(centred, compute_uv=False)
    return sing[-1] <= tol * max(sing[0], 1e-12)


@dataclass(frozen=True)
class Homography:
    """Image pixels (of an image `width` × `height`) → site-plan longitude/latitude."""

    matrix: tuple[tuple[float, float, float], ...]  # pixels -> local metres
    frame: LocalFrame
    width: int
    height: int
    rms_m: float

    def to_ground(
        self, x: float, y: float, *, width: int | None = None, height: int | None = None
    ) -> tuple[float, float] | None:
        """The ground point under pixel (x, y) of an image of `width` × `height` (the same
        camera at another resolution scales); None above the horizon."""
        if width and height and (width, height) != (self.width, self.height):
            x, y = x * self.width / width, y * self.height / height
        h = np.asarray(self.matrix)
        u, v, w = h @ np.array([x, y, 1.0])
        if w <= 1e-12 or not (math.isfinite(u) and math.isfinite(v)):
            return None  # the ray from the camera through this pixel never meets the ground
        return self.frame.to_degrees(u / w, v / w)

    def to_pixel(
        self, lon: float, lat: float, *, width: int | None = None, height: int | None = None
    ) -> tuple[float, float] | None:
        """The pixel where ground point (lon, lat) appears (the zone overlay); None behind the
        camera."""
        inv = np.linalg.inv(np.asarray(self.matrix))
        u, v, w = inv @ np.array([*self.frame.to_metres(lon, lat), 1.0])
        if w <= 1e-12 or not (math.isfinite(u) and math.isfinite(v)):
            return None
        x, y = u / w, v / w
        if width and height and (width, height) != (self.width, self.height):
            x, y = x * width / self.width, y * height / self.height
        return x, y

    def as_dict(self) -> dict:
        return {
            "matrix": [list(r) for r in self.matrix],
            "lon0": self.frame.lon0,
            "lat0": self.frame.lat0,
            "width": self.width,
            "height": self.height,
            "rms_m": self.rms_m,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Homography:
        return cls(
            matrix=tuple(tuple(float(v) for v in row) for row in d["matrix"]),
            frame=LocalFrame(float(d["lon0"]), float(d["lat0"])),
            width=int(d["width"]),
            height=int(d["height"]),
            rms_m=float(d["rms_m"]),
        )


def fit_homography(
    pairs: Sequence[Sequence[float]], *, width: int, height: int, max_rms_m: float = MAX_RMS_M
) -> Homography:
    """The homography from `pairs` of (pixel x, pixel y, longitude, latitude), at least four,
    no three of the image points or of the ground points on one line for four points."""
    if len(pairs) < MIN_POINTS:
        raise GeometryError(f"至少需要 {MIN_POINTS} 对标定点", "too_few_points")
    try:
        arr = np.asarray([[float(v) for v in p] for p in pairs], dtype=float)
    except (TypeError, ValueError):
        raise GeometryError("标定点须为数字：像素 x、像素 y、经度、纬度", "bad_points") from None
    if arr.ndim != 2 or arr.shape[1] != 4 or not np.isfinite(arr).all():
        raise GeometryError("每个标定点须有像素 x、像素 y、经度、纬度四个数", "bad_points")
    px, ll = arr[:, :2], arr[:, 2:]
    if (px[:, 0] < 0).any() or (px[:, 1] < 0).any() or (px[:, 0] > width).any():
        raise GeometryError("标定点的像素坐标须在图像范围内", "point_outside_image")
    if (px[:, 1] > height).any():
        raise GeometryError("标定点的像素坐标须在图像范围内", "point_outside_image")
    frame = LocalFrame(float(ll[:, 0].mean()), float(ll[:, 1].mean()))
    ground = np.asarray([frame.to_metres(lon, lat) for lon, lat in ll])
    if _collinear(px, 1e-3) or _collinear(ground, 1e-3):
        raise GeometryError("标定点共线或重合，无法确定地面映射", "degenerate_points")
    h = _dlt(px, ground)
    projected = np.c_[px, np.ones(len(px))] @ h.T
    if (projected[:, 2] <= 0).any():
        raise GeometryError(
            "标定点的对应关系不一致（有点被映射到地平线之后）", "inconsistent_points"
        )
    err = projected[:, :2] / projected[:, 2:] - ground
    rms = float(np.sqrt((err**2).sum(axis=1).mean()))
    if rms > max_rms_m:
        raise GeometryError(
            f"标定点彼此不一致（拟合误差 {rms:.1f} 米，超过 {max_rms_m:.0f} 米），请检查点位",
            "inconsistent_points",
        )
    matrix = tuple(tuple(float(v) for v in row) for row in h)
    return Homography(matrix, frame, int(width), int(height), round(rms, 3))


# --- polygons -------------------------------------------------------------------------------


def _in_ring(x: float, y: float, ring: Sequence[Sequence[float]]) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = float(ring[i][0]), float(ring[i][1])
        x2, y2 = float(ring[(i + 1) % n][0]), float(ring[(i + 1) % n][1])
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def point_in_polygon(lon: float, lat: float, polygon: dict) -> bool:
    """Whether the point lies inside a GeoJSON Polygon (its holes excluded); even-odd rule."""
    rings = (polygon or {}).get("coordinates") or []
    if not rings or not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])
