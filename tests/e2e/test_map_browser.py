"""The one map on a phone (390×844) with no tile server configured: the schematic base map is
drawn (town polygons as SVG paths, from the site's own static file), the project markers are
on it, and no town name that can be seen covers a marker, before and after zooming in.
Chromium, the recorder and the login come from conftest.py."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
from jianguan.core.actor import SYSTEM
from tests.e2e.conftest import LOCAL_HOSTS, log_in, save_shot
from tests.e2e.csp import CspWatch

BASEMAP = Path(__file__).resolve().parents[2] / "jianguan/projects/static/projects/daxing.geojson"

pytestmark = pytest.mark.browser
# Subdistricts of the new town (大兴新城), where the zoomed-in half of the test looks.
NEW_TOWN = ("兴丰街道", "林校路街道", "清源街道")

# Boxes of the visible town names and of the markers (pins, clusters), in page pixels.
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: e.textContent}; };
  const shown = (e) => !e.classList.contains('jg-label-hidden')
    && getComputedStyle(e).visibility === 'visible' && e.getBoundingClientRect().width > 0;
  const m = document.getElementById('map').getBoundingClientRect();
  return {
    map: {left: m.left, top: m.top, right: m.right, bottom: m.bottom},
    labels: [...document.querySelectorAll('#map .jg-town-label')].filter(shown).map(box),
    markers: [...document.querySelectorAll('#map .leaflet-marker-pane .leaflet-marker-icon')]
      .filter((e) => getComputedStyle(e).opacity !== '0').map(box),
  };
}"""


def _projects() -> int:
    """Projects right on the spots where town names are drawn, so that the names must give way,
    and a few beside them."""
    from jianguan.projects import services

    owner = OrganisationFactory(kind="owner", name="北京大兴投资建设有限公司")
    features = json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]
    towns = [f["properties"] for f in features if f["properties"]["kind"] == "town"][:8]
    towns += [f["properties"] for f in features if f["properties"]["name"] in NEW_TOWN]
    count = 0
    for i, props in enumerate(towns):
        town = TownFactory(name=props["name"])
        lon, lat = props["label"]
        for j, (dx, dy) in enumerate([(0, 0), (0.004, 0.001)] if i % 2 else [(0, 0)]):
            services.project_create(
                actor=SYSTEM,
                name=f"{props['name']}测试工程{j + 1}",
                type="road",
                funding="government",
                budget=Decimal("1000000.00"),
                town=town,
                longitude=f"{lon + dx:.6f}",
                latitude=f"{lat + dy:.6f}",
                owner=owner,
            )
            count += 1
    return count


def _intersections(boxes: dict) -> list[tuple[str, dict]]:
    def hit(a, b):
        return (
            a["left"] < b["right"]
            and b["left"] < a["right"]
            and a["top"] < b["bottom"]
            and b["top"] < a["bottom"]
        )

    frame = boxes["map"]
    cut = [
        (lab["text"], frame)
        for lab in boxes["labels"]
        if lab["left"] < frame["left"] or lab["right"] > frame["right"]
        or lab["top"] < frame["top"] or lab["bottom"] > frame["bottom"]
    ]  # fmt: skip
    return cut + [
        (lab["text"], m) for lab in boxes["labels"] for m in boxes["markers"] if hit(lab, m)
    ]


def _settled(page):
    # The collision pass runs 60 and 400 ms after the last move, zoom or cluster animation.
    page.wait_for_function("() => document.getElementById('map').dataset.labels !== undefined")
    page.wait_for_timeout(900)


def test_phone_map_draws_the_schematic_base_map_and_names_avoid_markers(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    regulator,
    persona_password,
    settings,
):
    settings.MAP_TILE_URL = ""
    from playwright.sync_api import expect

    total = _projects()
    page = browser.new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    csp = recorder.watch(page)
    log_in(page, live_server.url, regulator.username, persona_password, "/projects/map/")
    page.wait_for_function(f"() => document.getElementById('map').dataset.loaded === '{total}'")
    page.wait_for_function("() => document.getElementById('map').dataset.basemap === 'schematic'")
    _settled(page)

    # The base map: district, 14 towns and 8 subdistricts as SVG paths, roads, rivers.
    base = page.locator("#map .leaflet-jgBase-pane svg")
    expect(base.locator("path.jg-base-town")).to_have_count(14)
    expect(base.locator("path.jg-base-subdistrict")).to_have_count(8)
    assert base.locator("path.jg-base-river").count() >= 6
    assert base.locator("path.jg-base-expressway").count() >= 6
    expect(page.locator("#map .jg-airport")).to_have_count(1)
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text(
        "示意底图，非测绘成果"
    )

    # The phone layout: the map spans the screen, the zoom buttons take a finger, the
    # filters wait behind their button.
    width = page.locator("#map").bounding_box()["width"]
    assert width >= 385, width
    zoom_in = page.locator("#map .leaflet-control-zoom-in").bounding_box()
    assert zoom_in["width"] >= 44 and zoom_in["height"] >= 44, zoom_in
    expect(page.locator("#map-filter")).to_be_hidden()
    page.click("#map-tools-toggle")
    expect(page.locator("#map-filter")).to_be_visible()
    expect(page.locator("#tool-near")).to_be_visible()
    page.click("#map-tools-toggle")
    _settled(page)

    boxes = page.evaluate(BOXES)
    assert boxes["markers"], "no marker on the map"
    assert len(boxes["labels"]) >= 5, boxes["labels"]
    assert _intersections(boxes) == []
    save_shot(page, tmp_path, "map-phone.png")

    # Zoomed in on 黄村 (clusters split, subdistrict names join): still no name on a pin.
    page.evaluate("() => JGProjectMap.map.setView([39.738, 116.332], 13)")
    _settled(page)
    boxes = page.evaluate(BOXES)
    assert boxes["markers"] and boxes["labels"]
    assert any(lab["text"].endswith("街道") for lab in boxes["labels"]), boxes["labels"]
    assert _intersections(boxes) == []
    save_shot(page, tmp_path, "map-phone-zoomed.png")

    csp.assert_clean(csp.violations())

    failed, requested = recorder.failed, recorder.requested
    assert failed == [], failed
    # A failed load is reported by `failed` above (which lets the absent favicon pass).
    assert recorder.script_errors() == []
    hosts = recorder.hosts()
    assert hosts <= LOCAL_HOSTS, hosts  # nothing from the internet: no tiles, no CDN
    assert any(u.endswith("/static/projects/daxing.geojson") for u in requested)


# A 1×1 PNG served for every tile request, so the tiled case needs no tile server.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082"
)


def test_with_tiles_the_schematic_map_is_an_overlay_in_the_layer_control(
    transactional_db,
    live_server,
    browser,
    regulator,
    persona_password,
    settings,
):
    settings.MAP_TILE_URL = "https://t{s}.tiles.example/vec_w/{z}/{x}/{y}.png"
    settings.MAP_TILE_SUBDOMAINS = "01"
    from playwright.sync_api import expect

    _projects()
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True)
    tiles: list[str] = []
    page.route(
        "https://*.tiles.example/**",
        lambda route: (
            tiles.append(route.request.url),
            route.fulfill(status=200, content_type="image/png", body=PNG),
        ),
    )
    csp = CspWatch(page)
    log_in(page, live_server.url, regulator.username, persona_password, "/projects/map/")
    expect(page.locator("#map img.leaflet-tile").first).to_be_attached()
    assert tiles
    # The schematic layer is offered, not drawn: the tiles are the base map.
    expect(page.locator("#map path.jg-base-town")).to_have_count(0)
    # Leaflet opens the control on hover (or a tap on touch screens).
    page.hover("#map .leaflet-control-layers")
    page.get_by_text("示意底图（乡镇、道路、河流）").click()
    expect(page.locator("#map path.jg-base-town")).to_have_count(14)
    csp.assert_clean(csp.violations())
