"""The schematic base map (static/projects/daxing.geojson, built by tools/build_daxing_basemap.py)
and the map page that draws it without reaching the internet."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from jianguan.accounts.demo import TOWNS as DEMO_TOWNS

ROOT = Path(__file__).resolve().parents[3]
BASEMAP = ROOT / "jianguan/projects/static/projects/daxing.geojson"
# Generous box around Daxing district (lon 116.2-116.72, lat 39.44-39.84).
WEST, SOUTH, EAST, NORTH = 116.15, 39.40, 116.80, 39.90
HAN = re.compile(r"^[\u4e00-\u9fff（），A-Z0-9]+$")


@pytest.fixture(scope="module")
def data():
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


def _kind(data, *kinds):
    return [f for f in data["features"] if f["properties"]["kind"] in kinds]


def test_file_is_small_and_says_it_is_schematic(data):
    assert BASEMAP.stat().st_size < 300_000
    assert data["type"] == "FeatureCollection"
    assert "示意" in data["attribution"] and "非测绘成果" in data["attribution"]
    west, south, east, north = data["bbox"]
    assert WEST < west < east < EAST and SOUTH < south < north < NORTH


def test_every_geometry_is_valid_named_in_chinese_and_inside_the_district(data):
    (district,) = _kind(data, "district")
    outline = shape(district["geometry"])
    assert outline.is_valid and outline.geom_type == "Polygon"
    near = outline.buffer(0.01)  # ~1 km: rivers on the border may run just outside it
    for f in data["features"]:
        geom = shape(f["geometry"])
        name = f["properties"]["name"]
        assert geom.is_valid and not geom.is_empty, name
        assert HAN.match(name), name
        w, s, e, n = geom.bounds
        assert WEST < w <= e < EAST and SOUTH < s <= n < NORTH, name
        assert near.contains(geom), name


def test_towns_and_subdistricts_tile_the_district(data):
    outline = shape(_kind(data, "district")[0]["geometry"])
    pieces = _kind(data, "town", "subdistrict")
    names = [f["properties"]["name"] for f in pieces]
    # The same 14 towns and 8 subdistricts as the demo district's Town rows.
    assert sorted(names) == sorted(name for name, *_ in DEMO_TOWNS)
    for f in pieces:
        suffix = "镇" if f["properties"]["kind"] == "town" else "街道"
        assert f["properties"]["name"].endswith(suffix)
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        # The name is drawn inside its own piece.
        assert shape(f["geometry"]).contains(Point(f["properties"]["label"]))
    shapes = [shape(f["geometry"]) for f in pieces]
    for a, b in itertools.combinations(shapes, 2):
        assert a.intersection(b).area < 1e-6
    assert sum(s.area for s in shapes) == pytest.approx(outline.area, rel=0.005)


def test_roads_and_rivers_are_lines_and_the_airport_a_point(data):
    roads = _kind(data, "expressway", "road")
    rivers = _kind(data, "river")
    assert {f["geometry"]["type"] for f in roads + rivers} == {"LineString"}
    road_names = {f["properties"]["name"] for f in roads}
    assert {"京开高速（G45）", "京台高速（G3）", "大兴机场高速", "六环路（G4501）"} <= road_names
    assert {"永定河", "凤河", "新凤河", "天堂河", "龙河", "大龙河"} <= {
        f["properties"]["name"] for f in rivers
    }
    (airport,) = _kind(data, "airport")
    assert (
        airport["geometry"]["type"] == "Point" and "大兴国际机场" in airport["properties"]["name"]
    )


def test_committed_file_is_what_the_tool_builds(data, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    import build_daxing_basemap

    built = build_daxing_basemap.build()
    assert json.loads(json.dumps(built, ensure_ascii=False)) == data


@pytest.mark.django_db
def test_map_page_draws_the_schematic_map_from_this_site(regulator, login_as, settings):
    settings.MAP_TILE_URL = ""
    html = login_as(regulator).get("/projects/map/").content.decode()
    config = json.loads(re.search(r'id="map-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["tiles"] == [] and config["basemap_url"].endswith("/projects/daxing.geojson")
    assert "非测绘成果" in config["basemap_attribution"]
    (south, west), (north, east) = config["district_bounds"]
    assert WEST < west < east < EAST and SOUTH < south < north < NORTH
    # No tile server, no CDN: nothing in the page points off the site.
    assert not re.search(r"https?://(?!www\.w3\.org)", html)
    assert "示意底图" in html


@pytest.mark.django_db
def test_with_tiles_configured_the_schematic_map_stays_as_an_overlay(regulator, login_as, settings):
    settings.MAP_TILE_URL = "https://t{s}.tianditu.example/vec_w/{z}/{x}/{y}?tk=KEY"
    html = login_as(regulator).get("/projects/map/").content.decode()
    config = json.loads(re.search(r'id="map-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["tiles"] == [settings.MAP_TILE_URL]
    assert config["basemap_url"].endswith("/projects/daxing.geojson")
