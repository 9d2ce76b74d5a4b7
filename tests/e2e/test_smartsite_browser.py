"""The smart site in a browser: the contractor draws a danger zone by clicking the site plan and
uploads a drone photo that lands inside the red line; the regulator's environment page shows
the site red and a new alert arrives in its list without a reload. Chromium, the recorder and
the login come from conftest.py."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image

from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import now, to_local
from tests.e2e.conftest import LOCAL_HOSTS, log_in, save_shot

pytestmark = pytest.mark.browser

LON, LAT = 116.3312, 39.7268
SITE = {
    "type": "Polygon",
    "coordinates": [
        [
            [116.330, 39.726],
            [116.333, 39.726],
            [116.333, 39.728],
            [116.330, 39.728],
            [116.330, 39.726],
        ]
    ],
}


def _drone_photo(path) -> str:
    img = Image.new("RGB", (320, 200), (150, 190, 225))
    exif = Image.Exif()
    exif[306] = to_local(now() - dt.timedelta(hours=1)).strftime("%Y:%m:%d %H:%M:%S")
    exif[0x8825] = {
        1: "N",
        2: (39.0, 43.0, 37.0),
        3: "E",
        4: (116.0, 19.0, 48.0),
    }  # 39.7270, 116.3300+
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return str(path)


def _site(make_persona):
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.projects.services import participant_add, project_create
    from jianguan.rules.services import rules_sync_from_data
    from jianguan.smartsite.alerts import settings as alert_settings

    rules_sync_from_data()
    alert_settings.forget()
    owner = OrganisationFactory(kind="owner", name="大兴区教育委员会")
    gc_org = OrganisationFactory(kind="general_contractor", name="北京建工集团")
    project = project_create(
        actor=SYSTEM,
        name="大兴区第一小学扩建工程",
        type="building",
        funding="government",
        budget=Decimal("35600000.00"),
        town=TownFactory(name="黄村镇"),
        longitude=str(LON),
        latitude=str(LAT),
        owner=owner,
        site_polygon=SITE,
    )
    participant_add(actor=SYSTEM, project=project, organisation=gc_org, role="general_contractor")
    gc = make_persona("gc_site", roles=("admin", "staff"), organisation=gc_org)
    regulator = make_persona("reg_site", "regulator", ("staff", "inspector"))
    return project, gc, regulator


def _ingest_night_noise(project, leq: str, minutes_ago: int) -> None:
    from jianguan.smartsite import hj212
    from jianguan.smartsite.alerts.services import alerts_from_readings
    from jianguan.smartsite.monitors.models import Device
    from jianguan.smartsite.monitors.services import Incoming, device_register, readings_ingest

    device = Device.objects.filter(project=project).first()
    if device is None:
        device, _ = device_register(actor=SYSTEM, project=project, mn="E2E-ENV-01", name="东侧场界")
    at = to_local(now() - dt.timedelta(minutes=minutes_ago))
    text = hj212.build_frame(
        qn=f"{at:%Y%m%d%H%M%S}000",
        st="39",
        cn="2011",
        pw="",
        mn=device.mn,
        flag=5,
        cp={"DataTime": f"{at:%Y%m%d%H%M%S}", "Leq-Rtd": Decimal(leq), "a34002-Rtd": Decimal("95")},
    )
    result = readings_ingest(
        actor=SYSTEM,
        items=[Incoming(source="hj212", text=text, mn=device.mn, parsed=hj212.parse(text))],
    )
    alerts_from_readings(result.readings)


def test_contractor_draws_a_zone_and_uploads_and_the_regulator_watches_alerts_arrive(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    make_persona,
    persona_password,
    settings,
):
    settings.MAP_TILE_URL = ""
    from playwright.sync_api import expect

    project, gc, regulator = _site(make_persona)
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    csp = recorder.watch(page)
    log_in(page, live_server.url, gc.username, persona_password, f"/projects/{project.pk}/")
    page.click("[data-project-link=site_images]")
    page.wait_for_url(f"**/smartsite/projects/{project.pk}/site/")
    expect(page.locator("#site-map .leaflet-overlay-pane path")).not_to_have_count(0)

    # Draw: open the form, click three corners on the plan, name it, save.
    page.click("#zone-draw summary")
    box = page.locator("#site-map").bounding_box()
    for fx, fy in ((0.40, 0.40), (0.60, 0.40), (0.50, 0.60)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    expect(page.locator("#zone-points")).to_have_text("已选 3 个点")
    page.fill("#zone-form [name=name]", "塔吊回转半径")
    page.select_option("#zone-form [name=kind]", "lifting")
    page.click("#zone-form button[type=submit]")
    expect(page.locator("#zones")).to_contain_text("塔吊回转半径")
    expect(page.locator("#zones")).to_contain_text("起重吊装区")

    # Upload a drone photo with GPS inside the red line.
    page.locator("#upload-form").evaluate("f => f.closest('details').open = true")
    page.select_option("#upload-form [name=kind]", "drone")
    page.set_input_files("#upload-form [name=files]", _drone_photo(tmp_path / "DJI_0001.JPG"))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#gallery")).to_contain_text("无人机航拍")
    expect(page.locator("#gallery")).to_contain_text("用地范围内")
    expect(page.locator("#site-map .leaflet-overlay-pane path")).not_to_have_count(0)
    save_shot(page, tmp_path, "smartsite-images.png")

    # The regulator's live page: the site is red, and a new alert shows up by itself.
    _ingest_night_noise(project, "88.0", minutes_ago=2)
    reg = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    reg_csp = recorder.watch(reg)
    log_in(reg, live_server.url, regulator.username, persona_password, "/smartsite/environment/")
    expect(reg.locator("[data-level-count=red]")).to_have_text("1")
    assert (
        reg.locator("#env-sites th").first.evaluate("e => getComputedStyle(e).textTransform")
        == "none"
    )
    expect(reg.locator("#env-alerts-list")).to_contain_text("大兴区第一小学扩建工程")
    before = reg.locator("#env-alerts-list [data-alert]").count()
    from jianguan.smartsite.alerts.models import EnvAlert

    EnvAlert.objects.update(status="closed")  # the episode ends; the next reading opens another
    _ingest_night_noise(project, "90.0", minutes_ago=1)
    expect(reg.locator("#env-alerts-list [data-alert]")).to_have_count(before, timeout=25_000)
    newest = EnvAlert.objects.order_by("-pk").first()
    expect(reg.locator(f"#env-alerts-list [data-alert='{newest.pk}']")).to_have_count(
        1, timeout=25_000
    )
    save_shot(reg, tmp_path, "smartsite-environment.png")

    assert recorder.failed == [], recorder.failed
    assert recorder.script_errors() == [], recorder.script_errors()
    assert recorder.hosts() <= LOCAL_HOSTS
    csp.assert_clean()
    reg_csp.assert_clean()
