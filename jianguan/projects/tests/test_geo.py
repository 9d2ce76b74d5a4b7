"""Geometry checks (pure): coordinates in China, GeoJSON validity, metric distances."""

from decimal import Decimal

import pytest

from jianguan.projects import geo


def test_point_in_daxing_is_accepted_and_quantised():
    lon, lat = geo.check_point("116.3412345", "39.7263")
    assert lon == Decimal("116.341235") and lat == Decimal("39.726300")


@pytest.mark.parametrize(
    "lon,lat",
    [("39.72", "116.34"), ("-73.9", "40.7"), ("200", "39"), ("NaN", "39"), ("abc", "39")],
)
def test_points_outside_china_or_not_numbers_are_refused(lon, lat):
    with pytest.raises(geo.GeoError) as info:
        geo.check_point(lon, lat)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[116.30, 39.70], [116.36, 39.70], [116.36, 39.75], [116.30, 39.75], [116.30, 39.70]]
    ],
}


def test_polygon_valid_and_feature_unwrapped():
    assert geo.check_polygon(SQUARE)["type"] == "Polygon"
    assert (
        geo.check_polygon({"type": "Feature", "geometry": SQUARE, "properties": {}})["type"]
        == "Polygon"
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "Point", "coordinates": [116.3, 39.7]},
        {
            "type": "Polygon",
            "coordinates": [
                [[116.3, 39.7], [116.4, 39.8], [116.3, 39.8], [116.4, 39.7], [116.3, 39.7]]
            ],
        },
        {"type": "Polygon", "coordinates": "nope"},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        "not json",
        None,
    ],
)
def test_invalid_geojson_is_refused(bad):
    with pytest.raises(geo.GeoError):
        geo.check_polygon(bad)


def test_within_polygon_and_distance_in_metres():
    points = [("in", 116.33, 39.72), ("out", 116.50, 39.72)]
    assert geo.within_polygon(points, SQUARE) == ["in"]
    near = geo.within_distance(points, geo.Circle(116.33, 39.72, 1000))
    assert near == [("in", 0.0)]
    # 116.33 → 116.50 at 39.72°N is about 14.6 km.
    far = dict(geo.within_distance(points, geo.Circle(116.33, 39.72, 20_000)))
    assert 14_000 < far["out"] < 15_200
    with pytest.raises(geo.GeoError):
        geo.within_distance(points, geo.Circle(116.33, 39.72, 0))


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_polygon_with_a_non_finite_corner_is_refused_not_raised(bad):
    # a NaN first corner made GEOS raise on the unclosed ring: a 500 on every polygon route
    ring = [[bad, 39.7], [116.4, 39.7], [116.4, 39.8], [bad, 39.7]]
    with pytest.raises(geo.GeoError):
        geo.check_polygon({"type": "Polygon", "coordinates": [ring]})
