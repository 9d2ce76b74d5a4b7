"""The review queue in a real browser: the boxes land on the people in the picture (the SVG
scales with the image) and one click confirms without a reload (htmx). Drives Debian's
Chromium through Playwright; skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jianguan.hazard import services
from jianguan.hazard.models import HazardCandidate
from jianguan.hazard.tests.conftest import CALIBRATION, Det, run_pending

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


def test_boxes_over_the_image_and_one_click_confirm(
    live_server, chromium_path, site, shoot, detector, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    services.calibration_set(
        actor=site["actors"]["contractor"],
        camera=site["camera"],
        points=CALIBRATION,
        width=640,
        height=400,
    )
    detector.next = [[Det("no_helmet", 0.83, (320, 100, 384, 140))]]
    run_pending(shoot(15))
    c = HazardCandidate.objects.get(kind="no_helmet")
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{live_server.url}/hazard/")
            page.fill("#id_username", "reg1")
            page.fill("#id_password", "Persona-pass-2026")
            page.click("button[type=submit]")
            page.wait_for_url("**/hazard/")
            card = page.locator(f"#candidate-{c.pk}")
            img = card.locator(".hz-frame img")
            expect(img).to_be_visible()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
            )
            shown = img.bounding_box()
            box = card.locator('[data-box="no_helmet"] rect').bounding_box()
            # the box sits where the detection is: 50 %–60 % across, 25 %–35 % down
            assert abs((box["x"] - shown["x"]) / shown["width"] - 0.5) < 0.02
            assert abs((box["y"] - shown["y"]) / shown["height"] - 0.25) < 0.03
            assert abs(box["width"] / shown["width"] - 0.1) < 0.03
            if os.environ.get("HAZARD_SCREENSHOT"):
                page.screenshot(path=os.environ["HAZARD_SCREENSHOT"], full_page=True)
            card.locator('form[data-act="confirm"] button').click()
            expect(page.locator(f'#candidate-{c.pk}[data-status="confirmed"]')).to_be_visible()
            expect(page.locator(f"#candidate-{c.pk}")).to_contain_text("ZG-")
            page.goto(f"{live_server.url}/hazard/images/{c.best_image_id}/")
            expect(page.locator("#image-overlay [data-box=no_helmet]")).to_have_count(1)
            expect(page.locator("#image-overlay [data-zone]")).to_have_count(1)  # the pit
            expect(page.locator("#detections")).to_contain_text("83%")
            if os.environ.get("HAZARD_SCREENSHOT"):
                page.screenshot(path=os.environ["HAZARD_SCREENSHOT"] + ".image.png", full_page=True)
        finally:
            browser.close()
    assert not errors
    assert HazardCandidate.objects.get(pk=c.pk).order is not None
