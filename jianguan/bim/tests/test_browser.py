"""The clash page in a real browser: the module script loads the vendored three.js under the
site's CSP (no inline script), fetches the payload and draws the clash (A red, B blue) on a
WebGL canvas, with no script error and no CSP violation. WebGL without a GPU is Chromium's
SwiftShader. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jianguan.bim.tests.test_views import bim, world  # noqa: F401
from tests.e2e.csp import CspWatch

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # a Chromium kept elsewhere
pytestmark = pytest.mark.browser
# software WebGL: the CI container has no GPU
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]

# The drawn canvas copied into a 2D canvas and sampled: how many pixels are clearly red (A),
# clearly blue (B); the viewer keeps its drawing buffer so the copy sees the last frame.
COUNT_COLOURS = """
canvas => {
  const c = document.createElement("canvas");
  c.width = canvas.width; c.height = canvas.height;
  const g = c.getContext("2d");
  g.drawImage(canvas, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let red = 0, blue = 0;
  for (let i = 0; i < d.length; i += 4) {
    const [r, gr, b] = [d[i], d[i + 1], d[i + 2]];
    if (r > 120 && r > 2 * gr && r > 2 * b) red++;
    if (b > 120 && b > 1.4 * r && b > 1.2 * gr) blue++;
  }
  return {red, blue, width: c.width, height: c.height};
}
"""


def _script_error(message) -> bool:
    return message.type == "error" and not message.text.startswith("Failed to load resource")


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


def test_clash_page_draws_the_clash(live_server, chromium_path, bim, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    url = f"{live_server.url}/bim/clashes/{bim['clash'].pk}/"
    errors: list[str] = []
    failed: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
        try:
            # a phone: the viewer must fit and answer to touch
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True
            )
            page = context.new_page()
            csp = CspWatch(page)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # a failed response is in `failed` (where the absent favicon is let off)
            page.on("console", lambda m: errors.append(m.text) if _script_error(m) else None)
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            page.goto(f"{live_server.url}/accounts/login/?next=/bim/clashes/{bim['clash'].pk}/")
            page.fill("#id_username", "own1")
            page.fill("#id_password", "Persona-pass-2026")
            page.click("button[type=submit]")
            page.wait_for_url(url)
            viewer = page.locator("#viewer")
            expect(viewer).to_have_attribute("data-state", "ready", timeout=20_000)
            canvas = viewer.locator("canvas")
            expect(canvas).to_have_count(1)
            shown = canvas.bounding_box()
            assert shown["width"] <= 390 and shown["height"] > 150
            colours = canvas.evaluate(COUNT_COLOURS)
            assert colours["red"] > 200 and colours["blue"] > 50, colours
            assert viewer.get_attribute("data-elements") == "3"  # beam, pipe, the wall nearby
            if os.environ.get("BIM_SCREENSHOT"):
                page.screenshot(path=os.environ["BIM_SCREENSHOT"], full_page=True)
            page.locator("[data-viewer-fit]").click()  # re-fit draws again without error
            page.goto(f"{live_server.url}/bim/revisions/{bim['st'].pk}/3d/")  # the whole model
            expect(page.locator("#viewer")).to_have_attribute("data-state", "ready")
            expect(page.locator("#viewer")).to_have_attribute("data-elements", "4")
            if os.environ.get("BIM_SCREENSHOT"):
                page.screenshot(path=os.environ["BIM_SCREENSHOT"] + ".3d.png", full_page=True)
                for name, path in (
                    ("set", f"/bim/clash-sets/{bim['cs'].pk}/?grouped=1"),
                    ("models", f"/bim/projects/{bim['project'].pk}/"),
                    ("summary", f"/bim/revisions/{bim['st'].pk}/"),
                ):
                    page.goto(live_server.url + path)
                    page.screenshot(
                        path=f"{os.environ['BIM_SCREENSHOT']}.{name}.png", full_page=True
                    )
            csp.assert_clean(csp.violations())
        finally:
            browser.close()
    assert errors == [] and [u for u in failed if not u.endswith("/favicon.ico")] == []


def test_upload_page_sends_the_file_in_chunks(
    live_server,
    chromium_path,
    bim,  # noqa: F811
    monkeypatch,
    settings,
    tmp_path,
):
    """The upload page's script against the real API: several chunks, then the revision page."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from jianguan.bim import builders as ib
    from jianguan.bim.models import ModelRevision
    from jianguan.bim.tests.test_services import ifc_bytes, sm3

    data = ifc_bytes(ib.clash_model())
    settings.BIM_CHUNK_BYTES = 2048  # several chunks even for a small model
    assert len(data) > 3 * 2048
    path = tmp_path / "结构-A02.ifc"
    path.write_bytes(data)
    project = bim["project"].pk
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
            csp = CspWatch(page)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if _script_error(m) else None)
            chunks: list[str] = []
            page.on("request", lambda r: chunks.append(r.url) if "/chunks" in r.url else None)
            page.goto(f"{live_server.url}/accounts/login/?next=/bim/projects/{project}/upload/")
            page.fill("#id_username", "own1")
            page.fill("#id_password", "Persona-pass-2026")
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/bim/projects/{project}/upload/")
            page.select_option("#id_discipline", "structure")
            page.fill("#id_label", "A02")
            page.set_input_files("#id_file", str(path))
            page.click("#upload-button")
            page.wait_for_url(f"{live_server.url}/bim/revisions/*/", timeout=60_000)
            assert "A02" in page.content()
            csp.assert_clean(csp.violations())
        finally:
            browser.close()
    assert errors == []
    assert len(chunks) == -(-len(data) // 2048)
    r = ModelRevision.objects.get(project_id=project, label="A02")
    assert r.size == len(data) and r.sm3 == sm3(data) and r.file_name == "结构-A02.ifc"
