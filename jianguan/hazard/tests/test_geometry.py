"""The pure geometry: the ground homography from 4+ points, its inverse for the zone overlay,
point in polygon, and where a person's feet are."""

from __future__ import annotations

import pytest

from jianguan.hazard import geometry

PAIRS = [
    [100, 300, 116.3300, 39.7260],
    [540, 300, 116.3310, 39.7260],
    [620, 400, 116.3310, 39.7255],
    [20, 400, 116.3300, 39.7255],
]


def test_homography_maps_its_points_and_back():
    h = geometry.fit_homography(PAIRS, width=640, height=400)
    assert h.rms_m < 0.01
    for x, y, lon, lat in PAIRS:
        glon, glat = h.to_ground(x, y)
        assert abs(glon - lon) < 1e-7 and abs(glat - lat) < 1e-7
        px, py = h.to_pixel(lon, lat)
        assert abs(px - x) < 1e-4 and abs(py - y) < 1e-4
    # the same camera at twice the resolution: pixels scale
    assert h.to_ground(200, 600, width=1280, height=800) == pytest.approx(h.to_ground(100, 300))
    assert geometry.Homography.from_dict(h.as_dict()).to_ground(320, 350) == pytest.approx(
        h.to_ground(320, 350)
    )


def test_more_points_fit_by_least_squares_and_the_horizon_is_nowhere():
    lon, lat = geometry.fit_homography(PAIRS, width=640, height=400).to_ground(320, 350)
    extra = [*PAIRS, [320, 350, lon + 3e-6, lat - 3e-6]]  # a click off by a few decimetres
    h = geometry.fit_homography(extra, width=640, height=400)
    assert 0 < h.rms_m < 1.0
    # high above the perspective's far edge: the sky, not the ground
    assert h.to_ground(320, -5000) is None


@pytest.mark.parametrize(
    ("pairs", "code"),
    [
        (PAIRS[:3], "too_few_points"),
        (
            [
                [0, 0, 116.33, 39.72],
                [10, 10, 116.331, 39.721],
                [20, 20, 116.332, 39.722],
                [30, 30, 116.333, 39.723],
            ],
            "degenerate_points",
        ),
        ([[*p[:2], 116.33, 39.72] for p in PAIRS], "degenerate_points"),
        ([[1000, 0, 116.33, 39.72], *PAIRS[1:]], "point_outside_image"),
        ([["a", 0, 1, 2], *PAIRS[1:]], "bad_points"),
        ([[0, 0, 1], *PAIRS[1:]], "bad_points"),
        (
            [*PAIRS, [320, 350, 116.3330, 39.7250], [320, 380, 116.3290, 39.7270]],
            "inconsistent_points",
        ),
    ],
)
def test_bad_calibrations_are_refused_with_a_code(pairs, code):
    with pytest.raises(geometry.GeometryError) as exc:
        geometry.fit_homography(pairs, width=640, height=400)
    assert exc.value.code == code and exc.value.message


def test_point_in_polygon_with_a_hole():
    square = {
        "type": "Polygon",
        "coordinates": [
            [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
            [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
        ],
    }
    assert geometry.point_in_polygon(1, 1, square)
    assert not geometry.point_in_polygon(5, 5, square)  # in the hole
    assert not geometry.point_in_polygon(11, 5, square)
    assert not geometry.point_in_polygon(1, 1, {})


def test_feet_and_containment():
    assert geometry.foot_point((10, 20, 30, 100)) == (20, 100)
    assert geometry.foot_from_head((10, 20, 20, 30)) == (15, 30 + 6.5 * 10)
    assert geometry.contains((0, 0, 100, 200), (40, 0, 60, 20))
    assert not geometry.contains((0, 0, 100, 200), (300, 0, 320, 20))
