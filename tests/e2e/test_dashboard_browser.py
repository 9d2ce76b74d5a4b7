"""The finance bureau's dashboard in a real browser: the claim waiting for its review is on
the dashboard (to-do list and review panel), and one click opens it.

Same Chromium launch as test_login_browser; the `deal` fixture of the contracts tests sets up
the parties and a signed contract (seed_demo would take minutes); the claim is filed and
passed through the supervisor and the owner by the services.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claims
from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.contracts.tests.test_claims import new_claim
from jianguan.projects.tests.test_services import world  # noqa: F401  (used by `deal`)
from tests.e2e.csp import CspWatch

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
PASSWORD = "Persona-pass-2026"

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


def test_finance_sees_its_claim_review_on_the_dashboard_and_opens_it(
    transactional_db,
    live_server,
    chromium_path,
    tmp_path,
    monkeypatch,
    deal,  # noqa: F811
):
    # Playwright's sync API runs an event loop in this thread; the ORM calls here (and the
    # live server's) are ordinary synchronous code, so tell Django not to refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()
    actors = deal["actors"]
    claim = new_claim(deal)
    claims.claim_submit(actor=actors["contractor"], claim=claim)
    for persona in ("supervisor", "owner"):
        review = reviews.review_start(actor=actors[persona], claim=claim)
        reviews.review_submit(actor=actors[persona], review=review, opinion="同意")
    claim.refresh_from_db()
    assert claim.status == "finance"
    base = live_server.url
    claim_path = f"/contracts/claims/{claim.pk}/"

    requested: list[str] = []
    failed: list[str] = []
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
                lambda r: (
                    failed.append(f"{r.status} {urlsplit(r.url).path}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            page.goto(f"{base}/accounts/login/?next=/")
            page.fill("#id_username", actors["finance"].username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")

            # The to-do list comes first and names the claim; the review panel counts it.
            expect(page.locator("#todo-list")).to_contain_text(claim.number)
            panel = page.locator('[data-panel="contracts_reviews"]')
            expect(panel).to_be_visible()
            expect(panel.locator("#review-queue-count")).to_have_text("1")
            expect(panel.locator("#review-queue")).to_contain_text(claim.contract.project.name)
            # The finance bureau's dashboard is its own: no district picture, no project matrix.
            expect(page.locator('[data-panel="organisations"]')).to_have_count(0)
            expect(page.locator('[data-panel="projects"]')).to_have_count(0)
            shot = tmp_path / "dashboard-finance.png"
            page.screenshot(path=str(shot), full_page=True)
            if os.environ.get("SCREENSHOT_DIR"):
                Path(os.environ["SCREENSHOT_DIR"], shot.name).write_bytes(shot.read_bytes())

            panel.locator(f'#review-queue a[href="{claim_path}"]').click()
            page.wait_for_url(base + claim_path)
            expect(page.locator("body")).to_contain_text(claim.number)
            violations = csp.violations()
        finally:
            browser.close()

    hosts = {urlsplit(u).hostname for u in requested if urlsplit(u).scheme in ("http", "https")}
    assert hosts <= LOCAL_HOSTS
    assert failed == []
    csp.assert_clean(violations)
