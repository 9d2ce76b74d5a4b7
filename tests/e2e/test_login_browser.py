"""A real browser logs in to the demo district and sees the Chinese dashboard.

Chromium (Debian's, through Playwright), the recorder and the login come from conftest.py.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from jianguan.accounts.forms import LOGIN_REFUSED
from tests.e2e.conftest import DESKTOP, LOCAL_HOSTS, save_shot

pytestmark = pytest.mark.browser


def test_regulator_logs_in_and_sees_the_dashboard(live_server, browser, recorder, tmp_path):
    from playwright.sync_api import expect

    call_command("seed_demo", stdout=io.StringIO())

    page = browser.new_page(**DESKTOP)
    csp = recorder.watch(page)
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

    shot = save_shot(page, tmp_path, "dashboard.png")
    assert shot.stat().st_size > 20_000

    expect(page).to_have_title("工作台 · 大兴区工程建设管理平台")
    expect(page.locator("h2.page-title")).to_have_text("工作台")
    expect(page.get_by_text("各类机构数量")).to_be_visible()
    counts = page.locator("#org-counts")
    expect(counts).to_contain_text("施工总承包单位")
    expect(counts.locator("tr", has_text="施工总承包单位").locator("td").nth(1)).to_have_text("8")
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
    # (building the OpenAPI document of every route takes seconds on a loaded machine)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("建管云", timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible()
    page.goto(live_server.url + "/")
    violations = csp.violations()

    hosts = recorder.hosts()
    requested = recorder.requested
    # Only the site's own static files must load (the wrong password is a deliberate 400).
    failed = [f for f in recorder.failed if "/static/" in f]
    console_errors = recorder.console_errors
    assert hosts, "the page made no HTTP requests at all?"
    assert hosts <= LOCAL_HOSTS, f"requests left the machine: {sorted(hosts - LOCAL_HOSTS)}"
    assert any("/static/vendor/tabler/" in url for url in requested)
    assert failed == []
    # "Failed to load resource" is the browser reporting the deliberate 400 of the wrong
    # password and the absent /favicon.ico; anything else is a script error.
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
    csp.assert_clean(violations)
