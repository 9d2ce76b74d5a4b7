"""Sign PDF, one map (points, spatial queries, boundary upload) and the public list."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.actor import SYSTEM
from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services
from jianguan.projects.models import (
    DistrictBoundary,
    Project,
)
from jianguan.projects.tests import views_fixtures as fx
from jianguan.projects.tests.views_fixtures import (
    HUANGCUN,
    PDF,
    _join_project,
)
from tests.needs import available

# The shared fixtures, bound here so that pytest finds them for this module.
world = fx.world
_media = fx._media

pytestmark = pytest.mark.django_db

# --- sign PDF ---------------------------------------------------------------------------------


def test_sign_pdf_is_a_chinese_pdf(regulator, login_as, world, tmp_path):
    a = world["a"]
    services.lead_file(
        actor=SYSTEM,
        project=a,
        party="owner",
        person_name="孙责任",
        authorisation=SimpleUploadedFile("a.pdf", PDF),
        commitment=SimpleUploadedFile("c.pdf", PDF),
        started_on=dt.date(2026, 1, 1),
    )
    response = login_as(regulator).get(f"/projects/{a.pk}/sign.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF") and len(data) > 2000
    # the Chinese font is embedded (a subset), not merely named as STSong-Light was
    assert b"/Type /Page" in data and b"+WenQuanYiMicroHei" in data
    assert b"STSong-Light" not in data and b"/FontFile2" in data
    if available(shutil.which("pdftotext") is not None, "pdftotext not installed"):
        path = tmp_path / "sign.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        squashed = re.sub(r"\s+", "", text)
        for expected in (
            "建设工程质量责任永久性标牌",
            a.name,
            a.code,
            "北京市大兴区黄村镇",
            "建设单位",
            "北京大兴投资建设有限公司",
            "孙责任",
            "监理单位",
            "尚未竣工验收",
        ):
            assert expected in squashed, expected
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"Pages:\s+1", info)
        assert re.search(r"Page size:\s+841\.89 x 595\.27", info)  # A4 landscape


# --- one map ----------------------------------------------------------------------------------


def test_map_page_and_points_show_only_visible_projects(contractor, regulator, login_as, world):
    _join_project(contractor, world["c"])
    client = login_as(contractor)
    html = client.get("/projects/map/").content.decode()
    assert 'id="map"' in html and "leaflet.markercluster.js" in html
    assert "marker-icon.png" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    data = client.get("/projects/map/points.json").json()
    assert data["fields"][:4] == ["id", "lon", "lat", "level"]
    assert [row[0] for row in data["rows"]] == [world["c"].pk]
    assert data["rows"][0][1] == pytest.approx(116.5) and data["stages"]["approval"] == "立项"
    client.post("/accounts/logout/")
    everything = login_as(regulator).get("/projects/map/points.json").json()
    assert {row[0] for row in everything["rows"]} == {world[k].pk for k in "abc"}


def test_map_uses_the_tile_setting_when_given(regulator, login_as, settings, world):
    settings.MAP_TILE_URL = "https://t{s}.tianditu.example/vec_w/{z}/{x}/{y}?tk=KEY"
    html = login_as(regulator).get("/projects/map/").content.decode()
    assert "tianditu.example" in html


def _square(lon, lat, half=0.01):
    lon, lat = float(lon), float(lat)
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def test_within_polygon_returns_the_project_inside(regulator, login_as, world):
    client = login_as(regulator)
    data = client.get("/projects/map/within.json", {"polygon": _square(*HUANGCUN)}).json()
    assert data["count"] == 1
    assert [p["code"] for p in data["projects"]] == [world["a"].code]
    assert data["projects"][0]["url"] == f"/projects/{world['a'].pk}/"
    big = client.get("/projects/map/within.json", {"polygon": _square(116.42, 39.68, 0.2)}).json()
    assert {p["code"] for p in big["projects"]} == {world[k].code for k in "abc"}
    bad = client.get("/projects/map/within.json", {"polygon": '{"type": "Polygon"}'})
    assert bad.status_code == 400 and re.search(r"[\u4e00-\u9fff]", bad.json()["message"])
    assert client.get("/projects/map/within.json", {"polygon": "not json"}).status_code == 400


def test_near_returns_projects_within_radius_nearest_first(regulator, login_as, world):
    client = login_as(regulator)
    lon, lat = HUANGCUN
    near = client.get("/projects/map/near.json", {"lon": lon, "lat": lat, "radius": 2000}).json()
    assert [p["code"] for p in near["projects"]] == [world["a"].code]
    assert near["projects"][0]["distance_m"] == pytest.approx(0, abs=1)
    wider = client.get("/projects/map/near.json", {"lon": lon, "lat": lat, "radius": 15000}).json()
    assert [p["code"] for p in wider["projects"]] == [world["a"].code, world["b"].code]
    assert 11000 < wider["projects"][1]["distance_m"] < 14000
    widest = client.get("/projects/map/near.json", {"lon": lon, "lat": lat, "radius": 30000}).json()
    assert [p["code"] for p in widest["projects"]] == [world[k].code for k in "abc"]
    bad = client.get("/projects/map/near.json", {"lon": 200, "lat": 39, "radius": 100})
    assert bad.status_code == 400 and "不在中国境内" in bad.json()["message"]
    bad = client.get("/projects/map/near.json", {"lon": lon, "lat": lat, "radius": -5})
    assert bad.status_code == 400


def test_spatial_queries_respect_visibility(contractor, login_as, world):
    _join_project(contractor, world["b"])
    client = login_as(contractor)
    data = client.get("/projects/map/within.json", {"polygon": _square(116.42, 39.68, 0.2)}).json()
    assert [p["code"] for p in data["projects"]] == [world["b"].code]
    lon, lat = HUANGCUN
    near = client.get("/projects/map/near.json", {"lon": lon, "lat": lat, "radius": 2000}).json()
    assert near["count"] == 0


def test_boundary_upload_by_the_regulator_admin(regulator, contractor, login_as, world):
    client = login_as(regulator)
    before = LedgerEntry.objects.count()
    feature = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": json.loads(_square(116.4, 39.7, 0.3))}
        ],
    }
    response = client.post(
        "/projects/map/boundary/", {"name": "大兴区", "text": json.dumps(feature)}
    )
    assert response.status_code == 302
    boundary = DistrictBoundary.objects.get()
    assert boundary.geojson["type"] == "Polygon"
    assert LedgerEntry.objects.count() == before + 1
    assert "大兴区" in client.get("/projects/map/").content.decode()
    bad = client.post(
        "/projects/map/boundary/",
        {
            "name": "错",
            "text": json.dumps(
                {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
            ),
        },
    )
    assert bad.status_code == 400 and "超出中国境内" in bad.content.decode()
    assert DistrictBoundary.objects.count() == 1
    client.post("/accounts/logout/")
    assert login_as(contractor).get("/projects/map/boundary/").status_code == 403


# --- public -----------------------------------------------------------------------------------


def test_public_page_shows_basic_information_only(client, world):
    Project.objects.filter(pk=world["c"].pk).update(is_public=False)
    response = client.get("/public/projects/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world["a"].code in html and world["a"].name in html and "黄村镇" in html
    assert world["c"].code not in html
    for secret in (
        "北京大兴投资建设有限公司",
        "大兴区教育委员会",
        "123.46",
        "1,234,567",
        "1234567",
    ):
        assert secret not in html
    assert "概算" not in html and "建设单位" not in html
    found = client.get("/public/projects/", {"q": "中学"}).content.decode()
    assert world["b"].code in found and world["a"].code not in found
    partial = client.get(
        "/public/projects/", {"q": "中学"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith('<div id="results"')
