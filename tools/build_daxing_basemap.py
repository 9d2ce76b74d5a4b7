"""Build the schematic base map of Daxing district that the one map draws when no tile server is
configured: jianguan/projects/static/projects/daxing.geojson.

    .venv/bin/python tools/build_daxing_basemap.py

Nothing here is survey data (示意底图，非测绘成果). The outline, roads and rivers are hand-drawn
approximations in CGCS2000 ≈ WGS84 lon/lat, a few hundred metres out at best; town boundaries are
not drawn from any source at all but derived: a Voronoi tessellation of the town seats (the demo
district's seats, jianguan/accounts/demo.py), with the small urban subdistricts (街道) carved out
as discs. Good enough to tell where a project is; never good enough to tell which side of a
boundary it is on. Re-run after changing the data below and commit both files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import Point, Polygon, mapping

sys.path.insert(0, str(Path(__file__).resolve().parent))
from basemap_geometry import clip_line, label_point, rounded, snap, tessellate

OUT = Path(__file__).resolve().parent.parent / "jianguan/projects/static/projects/daxing.geojson"
ATTRIBUTION = "大兴区示意底图，非测绘成果"

# District outline, clockwise from the north-west corner on the 永定河 (lon, lat). The west side
# follows the river (the border with 房山区), the north side 丰台区, the east side 通州区, the
# south and south-east sides 河北省廊坊市.
OUTLINE = [
    (116.208, 39.785), (116.245, 39.790), (116.275, 39.795), (116.300, 39.805),
    (116.318, 39.822), (116.345, 39.830), (116.375, 39.826), (116.405, 39.832),
    (116.435, 39.840), (116.465, 39.836), (116.490, 39.822), (116.515, 39.818),
    (116.545, 39.808), (116.565, 39.790), (116.575, 39.765), (116.585, 39.735),
    (116.600, 39.712), (116.630, 39.697), (116.670, 39.682), (116.700, 39.664),
    (116.718, 39.640), (116.700, 39.618), (116.665, 39.606), (116.625, 39.594),
    (116.590, 39.577), (116.560, 39.555), (116.530, 39.532), (116.500, 39.512),
    (116.470, 39.494), (116.440, 39.478), (116.412, 39.465), (116.388, 39.453),
    (116.370, 39.440), (116.340, 39.443), (116.318, 39.455), (116.298, 39.472),
    (116.280, 39.497), (116.265, 39.525), (116.252, 39.555), (116.243, 39.585),
    (116.236, 39.620), (116.228, 39.655), (116.220, 39.690), (116.212, 39.725),
    (116.206, 39.755),
]  # fmt: skip

# Town seats (镇), lon/lat, as in jianguan/accounts/demo.py so that the demo's projects, which are
# placed around their town's seat, land in their own town.
TOWNS = {
    "西红门镇": (116.33, 39.79), "旧宫镇": (116.45, 39.81), "黄村镇": (116.31, 39.72),
    "瀛海镇": (116.46, 39.76), "亦庄镇": (116.50, 39.78), "青云店镇": (116.50, 39.67),
    "长子营镇": (116.58, 39.63), "采育镇": (116.65, 39.65), "安定镇": (116.49, 39.60),
    "礼贤镇": (116.45, 39.55), "榆垡镇": (116.32, 39.52), "庞各庄镇": (116.32, 39.63),
    "北臧村镇": (116.24, 39.70), "魏善庄镇": (116.40, 39.64),
}  # fmt: skip

# Subdistricts (街道): seat and a radius in km. The first six are 大兴新城 (黄村), the last two
# the 亦庄 development zone.
SUBDISTRICTS = {
    "兴丰街道": (116.330, 39.733, 1.6), "林校路街道": (116.342, 39.742, 1.6),
    "清源街道": (116.320, 39.743, 1.8), "观音寺街道": (116.350, 39.721, 1.8),
    "高米店街道": (116.330, 39.760, 2.0), "天宫院街道": (116.320, 39.690, 2.6),
    "荣华街道": (116.510, 39.798, 2.6), "博兴街道": (116.520, 39.772, 2.6),
}  # fmt: skip

# Roads: (name, kind, points). "expressway" draws wider than "road".
ROADS = [
    ("京开高速（G45）", "expressway", [
        (116.352, 39.850), (116.337, 39.795), (116.318, 39.748), (116.306, 39.700),
        (116.312, 39.645), (116.322, 39.585), (116.316, 39.525), (116.302, 39.430)]),
    ("京开公路（G106）", "road", [
        (116.362, 39.850), (116.346, 39.795), (116.338, 39.760), (116.330, 39.700),
        (116.330, 39.640), (116.334, 39.585), (116.330, 39.520), (116.322, 39.430)]),
    ("京台高速（G3）", "expressway", [
        (116.415, 39.850), (116.425, 39.780), (116.435, 39.720), (116.440, 39.640),
        (116.446, 39.570), (116.458, 39.430)]),
    ("大兴机场高速", "expressway", [
        (116.384, 39.850), (116.389, 39.760), (116.394, 39.650), (116.402, 39.560),
        (116.410, 39.520)]),
    ("南中轴路", "road", [(116.3935, 39.850), (116.3935, 39.760), (116.3975, 39.690)]),
    ("五环路", "expressway", [
        (116.260, 39.835), (116.300, 39.815), (116.340, 39.807), (116.380, 39.806),
        (116.420, 39.812), (116.470, 39.822), (116.520, 39.850)]),
    ("六环路（G4501）", "expressway", [
        (116.195, 39.738), (116.260, 39.712), (116.320, 39.696), (116.400, 39.690),
        (116.470, 39.705), (116.530, 39.725), (116.575, 39.760), (116.600, 39.800)]),
    ("京沪高速（京津塘，G2）", "expressway", [
        (116.450, 39.850), (116.500, 39.812), (116.545, 39.783), (116.600, 39.748)]),
    ("大兴机场北线高速", "expressway", [
        (116.260, 39.560), (116.320, 39.562), (116.380, 39.560), (116.440, 39.566),
        (116.520, 39.576), (116.600, 39.590), (116.700, 39.600)]),
    ("兴华大街", "road", [(116.338, 39.775), (116.338, 39.735), (116.340, 39.695)]),
]  # fmt: skip

# Rivers: (name, points), downstream.
RIVERS = [
    ("永定河", [
        (116.203, 39.800), (116.209, 39.755), (116.215, 39.725), (116.223, 39.690),
        (116.231, 39.655), (116.239, 39.620), (116.246, 39.585), (116.255, 39.555),
        (116.268, 39.525), (116.283, 39.497), (116.301, 39.472), (116.321, 39.455),
        (116.345, 39.432)]),
    ("凉水河", [(116.430, 39.845), (116.480, 39.815), (116.530, 39.800), (116.580, 39.790)]),
    ("新凤河", [
        (116.290, 39.770), (116.350, 39.768), (116.400, 39.772), (116.450, 39.782),
        (116.500, 39.765), (116.550, 39.760), (116.585, 39.772)]),
    ("凤河", [
        (116.400, 39.755), (116.440, 39.720), (116.490, 39.690), (116.540, 39.662),
        (116.590, 39.645), (116.640, 39.628), (116.720, 39.605)]),
    ("天堂河", [
        (116.280, 39.720), (116.330, 39.662), (116.380, 39.612), (116.430, 39.580),
        (116.480, 39.540), (116.540, 39.495)]),
    ("龙河", [
        (116.380, 39.665), (116.440, 39.622), (116.490, 39.585), (116.550, 39.550),
        (116.610, 39.525)]),
    ("大龙河", [(116.460, 39.700), (116.510, 39.650), (116.560, 39.612), (116.630, 39.575)]),
]  # fmt: skip

# Still water drawn as a small polygon: (name, centre lon/lat, half-axes in degrees lon/lat).
WATER = [("念坛公园", (116.356, 39.705), (0.006, 0.0035))]

AIRPORT = ("北京大兴国际机场", (116.410, 39.509))


def _feature(geom, **properties) -> dict:
    g = mapping(geom)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": g["type"], "coordinates": rounded(g["coordinates"])},
    }


def _ellipse(centre, half_axes, n=16) -> Polygon:
    import math

    (x, y), (a, b) = centre, half_axes
    ring = [
        (x + a * math.cos(2 * math.pi * i / n), y + b * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]
    return Polygon(ring)


def build() -> dict:
    outline = Polygon(OUTLINE)
    assert outline.is_valid, "the outline crosses itself"
    features = [_feature(snap(outline), kind="district", name="大兴区")]
    pieces = tessellate(TOWNS, SUBDISTRICTS, outline)
    for name in [*TOWNS, *SUBDISTRICTS]:
        kind = "town" if name in TOWNS else "subdistrict"
        geom = pieces[name]
        features.append(_feature(geom, kind=kind, name=name, label=list(label_point(geom))))
    for name, centre, half in WATER:
        features.append(_feature(snap(_ellipse(centre, half)), kind="water", name=name))
    for name, points in RIVERS:
        for piece in clip_line(points, outline):
            features.append(_feature(piece, kind="river", name=name))
    for name, kind, points in ROADS:
        for piece in clip_line(points, outline, margin_km=0.2):
            features.append(_feature(piece, kind=kind, name=name))
    name, (lon, lat) = AIRPORT
    features.append(_feature(Point(lon, lat), kind="airport", name=name))
    west, south, east, north = outline.bounds
    return {
        "type": "FeatureCollection",
        "name": "daxing-schematic",
        "attribution": ATTRIBUTION,
        "bbox": [round(v, 4) for v in (west, south, east, north)],
        "features": features,
    }


def main() -> None:
    data = build()
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # One feature a line: small, and a change to one town reads as a one-line diff.
    body = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in data["features"]
    )
    head = text[: text.index('"features":[') + len('"features":[')]
    OUT.write_text(head + "\n" + body + "\n]}\n", encoding="utf-8")
    print(f"{OUT}: {len(data['features'])} features, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
