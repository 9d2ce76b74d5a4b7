"""The finance bureau's dashboard in a real browser: the claim waiting for its review is on
the dashboard (to-do list and review panel), and one click opens it.

Chromium, the recorder and the login come from conftest.py; the `deal` fixture of the
contracts tests sets up the parties and a signed contract (seed_demo would take minutes); the
claim is filed and passed through the supervisor and the owner by the services.
"""

from __future__ import annotations

import pytest

from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claims
from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.contracts.tests.test_claims import new_claim
from jianguan.projects.tests.test_services import world  # noqa: F401  (used by `deal`)
from tests.e2e.conftest import DESKTOP, LOCAL_HOSTS, log_in, save_shot

PASSWORD = "Persona-pass-2026"

pytestmark = pytest.mark.browser


def test_finance_sees_its_claim_review_on_the_dashboard_and_opens_it(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    deal,  # noqa: F811
):
    from playwright.sync_api import expect

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

    page = browser.new_page(**DESKTOP)
    csp = recorder.watch(page)
    log_in(page, base, actors["finance"].username, PASSWORD)

    # The to-do list comes first and names the claim; the review panel counts it.
    expect(page.locator("#todo-list")).to_contain_text(claim.number)
    panel = page.locator('[data-panel="contracts_reviews"]')
    expect(panel).to_be_visible()
    expect(panel.locator("#review-queue-count")).to_have_text("1")
    expect(panel.locator("#review-queue")).to_contain_text(claim.contract.project.name)
    # The finance bureau's dashboard is its own: no district picture, no project matrix.
    expect(page.locator('[data-panel="organisations"]')).to_have_count(0)
    expect(page.locator('[data-panel="projects"]')).to_have_count(0)
    save_shot(page, tmp_path, "dashboard-finance.png")

    panel.locator(f'#review-queue a[href="{claim_path}"]').click()
    page.wait_for_url(base + claim_path)
    expect(page.locator("body")).to_contain_text(claim.number)
    violations = csp.violations()

    hosts = recorder.hosts()
    assert hosts <= LOCAL_HOSTS
    assert recorder.failed == []
    csp.assert_clean(violations)
