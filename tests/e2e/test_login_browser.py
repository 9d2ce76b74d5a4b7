"""A real browser logs in to the demo district and sees the Chinese dashboard.

Drives Debian's Chromium through Playwright (`playwright install` cannot download here).
Without /usr/bin/chromium the test is skipped, unless REQUIRE_BROWSER=1 (CI) makes that a
failure.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from jianguan.accounts.forms import LOGIN_REFUSED
from tests.e2e.csp import CspWatch

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


def test_regulator_logs_in_and_sees_the_dashboard(
    live_server, chromium_path, tmp_path, monkeypatch
):
    # Playwright's sync API runs an event loop in this thread; the ORM calls below (and the
    # live server's) are ordinary synchronous code, so tell Django not to refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    call_command("seed_demo", stdout=io.StringIO())

    requested: list[str] = []
    failed: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            csp = CspWatch(page)
            page.on("request", lambda request: requested.append(request.url))
            page.on(
                "response",
                lambda response: (
                    failed.append(f"{response.status} {response.url}")
                    if response.status >= 400 and "/static/" in response.url
                    else None
                ),
            )
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )

            page.goto(live_server.url + "/")
            # Anonymous: sent to the Chinese login page.
            expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")
            expect(page.locator("h2")).to_have_text("登录您的账户")

            page.fill("#id_username", "regulator")
            page.fill("#id_password", "wrong-password-1")
            page.click("button[type=submit]")
            expect(page.locator("#login-error")).to_have_text(LOGIN_REFUSED)

            page.fill("#id_username", "regulator")
            page.fill("#id_password", settings.DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(live_server.url + "/")
            page.wait_for_load_state("networkidle")

            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            if os.environ.get("SCREENSHOT_DIR"):
                Path(os.environ["SCREENSHOT_DIR"], "dashboard.png").write_bytes(shot.read_bytes())
            assert shot.stat().st_size > 20_000

            expect(page).to_have_title("工作台 · 大兴区工程建设管理平台")
            expect(page.locator("h2.page-title")).to_have_text("工作台")
            expect(page.get_by_text("各类机构数量")).to_be_visible()
            counts = page.locator("#org-counts")
            expect(counts).to_contain_text("施工总承包单位")
            expect(
                counts.locator("tr", has_text="施工总承包单位").locator("td").nth(1)
            ).to_have_text("8")
            expect(page.locator("#org-total")).to_have_text("40")
            expect(page.locator(".jg-user-name")).to_have_text("王监管")
            # The sidebar is shown (and offers the ledger to a regulator), the user menu works.
            sidebar = page.locator("aside.navbar-vertical")
            expect(sidebar).to_be_visible()
            expect(sidebar.locator('[data-nav="ledger"]')).to_have_text("可信存证")
            expect(sidebar.locator('[data-nav="organisations"]')).to_have_text("机构名录")
            page.click('[aria-label="用户菜单"]')
            expect(page.get_by_role("button", name="退出登录")).to_be_visible()
            # The chart was drawn, so the vendored ECharts loaded and ran (from a static file:
            # the Content-Security-Policy runs no inline script).
            expect(page.locator("#org-chart canvas")).to_have_count(1)

            # Ninja's Swagger page works under the same policy (its own static assets).
            page.goto(live_server.url + "/api/v1/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("建管云")
            expect(page.locator(".opblock").first).to_be_visible()
            page.goto(live_server.url + "/")
            violations = csp.violations()

        finally:
            browser.close()

    hosts = {
        urlsplit(url).hostname for url in requested if urlsplit(url).scheme in ("http", "https")
    }
    assert hosts, "the page made no HTTP requests at all?"
    assert hosts <= LOCAL_HOSTS, f"requests left the machine: {sorted(hosts - LOCAL_HOSTS)}"
    assert any("/static/vendor/tabler/" in url for url in requested)
    assert failed == []
    # "Failed to load resource" is the browser reporting the deliberate 400 of the wrong
    # password and the absent /favicon.ico; anything else is a script error.
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
    csp.assert_clean(violations)
