"""A payment claim through the double review (双审双控) in a real browser.

The contractor files a claim on the new-claim page; an inflated quantity fails the automatic
check on the page and the claim stays a draft until corrected. The supervisor and the owner
approve through the services (their pages are covered by the view tests); the finance bureau
takes the claim from its worklist, cuts a line with a reason and approves; the auditor then
reviews blind to that cut (the page says why) and sees it only after submitting.

Chromium, the recorder and the login come from conftest.py; the `deal` fixture of the contracts tests sets
up the project, the parties and a signed 5-line contract (no seed_demo: too slow).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.contracts import workflow
from jianguan.contracts.claims import reviews as review_services
from jianguan.contracts.models import BoqItem, PaymentClaim, ReviewCut
from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.core.timeutil import today_local
from jianguan.projects.tests.test_services import world  # noqa: F401  (used by `deal`)
from tests.e2e.conftest import DESKTOP, LOCAL_HOSTS, log_in, save_shot

PASSWORD = "Persona-pass-2026"
CUT_REASON = "复核扣减重复计算部分"
QUANTITY_CHECK = "累计申报工程量不超过合同工程量"
INDEPENDENT_NOTE = "财政评审结果在审计复审提交前对审计单位不可见"

pytestmark = pytest.mark.browser


def flash(page):
    """The page's first success message (contract pages currently show each one twice: once
    from web/base.html and once from contracts/contract_base.html)."""
    return page.locator(".alert-success").first


def _approve_through_services(deal, claim, persona):  # noqa: F811
    actor = deal["actors"][persona]
    review = review_services.review_start(actor=actor, claim=claim)
    review_services.review_submit(actor=actor, review=review, decision="approve", opinion="同意")


def test_claim_through_finance_and_independent_audit_review(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    deal,  # noqa: F811
):
    from playwright.sync_api import expect

    contract = deal["contract"]
    actors = deal["actors"]
    item = BoqItem.objects.filter(contract=contract).order_by("sequence").first()
    assert item.current_quantity == Decimal("138.500")
    end = today_local()
    start = end - dt.timedelta(days=20)
    base = live_server.url

    def login_as(username: str, next_path: str):
        """A fresh browser context (own cookies) logged in through the real login page."""
        page = browser.new_page(**DESKTOP)
        recorder.watch(page)
        log_in(page, base, username, PASSWORD, next_path)
        return page.context, page

    # 1. The contractor: claims tab → new claim with an inflated quantity.
    ctx, page = login_as(actors["contractor"].username, f"/contracts/{contract.pk}/")
    # The money chart is drawn by contracts/money_chart.js (no inline script).
    expect(page.locator("#contract-chart canvas")).to_have_count(1)
    page.goto(f"{base}/contracts/{contract.pk}/claims/")
    expect(page.locator("#claims-table")).to_contain_text("暂无进度款申请")
    page.click("#new-claim")
    page.wait_for_url(f"{base}/contracts/{contract.pk}/claims/new/")
    expect(page.get_by_role("heading", name="新建进度款申请")).to_be_visible()
    page.fill("#id_period_start", start.isoformat())
    page.fill("#id_period_end", end.isoformat())
    page.fill(f"input[name=q_{item.pk}]", "999")
    page.fill(f"input[name=n_{item.pk}]", "第一期计量单")
    expect(page.locator("#filled-count")).to_have_text("1")  # counted on change
    page.get_by_role("button", name="保存草稿并校验").click()
    page.wait_for_url(f"{base}/contracts/claims/*/")
    claim = PaymentClaim.objects.get(contract=contract)
    claim_url = f"{base}/contracts/claims/{claim.pk}/"
    assert page.url == claim_url
    quantity_check = page.locator('#claim-checks [data-check="quantity_exceeds_boq"]')
    expect(quantity_check).to_have_attribute("data-passed", "0")
    expect(quantity_check).to_contain_text(QUANTITY_CHECK)
    expect(quantity_check).to_contain_text("累计申报 999")

    # Submitting anyway: the checks fail on the page, the claim stays a draft.
    page.click("#submit-claim")
    expect(page.locator("#claim-error")).to_contain_text("自动校验未通过")
    expect(page.locator("#claim-error")).to_contain_text(QUANTITY_CHECK)
    expect(quantity_check).to_have_attribute("data-passed", "0")
    claim.refresh_from_db()
    assert claim.status == workflow.C_DRAFT and claim.round == 0

    # Correct the quantity on the same page, save, submit: every check passes.
    page.get_by_role("link", name="修改申请").click()
    page.wait_for_url(f"{base}/contracts/{contract.pk}/claims/new/?claim={claim.pk}")
    expect(page.get_by_role("heading", name=f"修改进度款申请 {claim.number}")).to_be_visible()
    expect(page.locator(f"input[name=q_{item.pk}]")).to_have_value("999")
    page.fill(f"input[name=q_{item.pk}]", "100")
    page.get_by_role("button", name="保存草稿并校验").click()
    page.wait_for_url(claim_url)
    expect(quantity_check).to_have_attribute("data-passed", "1")
    page.click("#submit-claim")
    page.wait_for_url(claim_url)
    expect(flash(page)).to_contain_text(f"已提交进度款申请 {claim.number}")
    expect(page.locator("#claim-checks .card-title")).to_have_text("自动校验（提交时结果）")
    checks = page.locator("#claim-checks [data-check]")
    assert checks.count() >= 4
    expect(page.locator('#claim-checks [data-passed="0"]')).to_have_count(0)
    expect(quantity_check).to_contain_text(QUANTITY_CHECK)
    claim.refresh_from_db()
    assert claim.status == workflow.C_SUPERVISOR and claim.round == 1
    assert claim.lines.get().cumulative_quantity == Decimal("100.000")
    ctx.close()

    # 2. The supervisor and the owner approve (services, to save time).
    _approve_through_services(deal, claim, "supervisor")
    _approve_through_services(deal, claim, "owner")
    claim.refresh_from_db()
    assert claim.status == workflow.C_FINANCE

    # The finance bureau: worklist → claim → start, cut one line, approve.
    ctx, page = login_as(actors["finance"].username, "/contracts/worklist/")
    expect(page.locator("#pending-count")).to_have_text("1")
    row = page.locator(f'#worklist-pending tr[data-claim="{claim.pk}"]')
    expect(row).to_contain_text("财政评审")
    row.get_by_role("link", name=claim.number).click()
    page.wait_for_url(claim_url)
    page.click("#start-review")
    page.wait_for_url(claim_url)
    expect(page.locator("#review-panel .card-title")).to_contain_text("财政")
    line = claim.lines.get()
    page.select_option("#id_line", str(line.pk))
    page.fill("#id_accepted_quantity", "90")
    page.fill("#id_reason", CUT_REASON)
    page.get_by_role("button", name="记录审减").click()
    page.wait_for_url(claim_url)
    expect(page.locator("#own-cuts")).to_contain_text(CUT_REASON)
    page.select_option("#id_decision", "approve")
    page.fill("#id_opinion", "财政评审同意，核减部分见审减明细")
    page.get_by_role("button", name="提交审核意见").click()
    page.wait_for_url(claim_url)
    expect(flash(page)).to_have_text("已提交审核意见")
    claim.refresh_from_db()
    assert claim.status == workflow.C_AUDIT
    assert ReviewCut.objects.get(line=line).reason == CUT_REASON
    ctx.close()

    # 3. The auditor reviews blind to the finance cut, and is told why.
    ctx, page = login_as(actors["auditor"].username, f"/contracts/claims/{claim.pk}/")
    expect(page.locator("#hidden-note")).to_contain_text(INDEPENDENT_NOTE)
    expect(page.locator("#hidden-note")).to_contain_text("独立复审")
    assert CUT_REASON not in page.locator("body").inner_text()
    assert CUT_REASON not in page.content()
    expect(page.locator('#submitted-reviews [data-review-stage="finance"]')).to_have_count(0)
    page.wait_for_load_state("networkidle")
    shot = save_shot(page, tmp_path, "claim-auditor.png")
    assert shot.stat().st_size > 30_000

    page.click("#start-review")
    page.wait_for_url(claim_url)
    expect(page.locator("#review-submit-form")).to_be_visible()
    assert CUT_REASON not in page.content()
    page.select_option("#id_decision", "approve")
    page.fill("#id_opinion", "审计复审同意")
    page.get_by_role("button", name="提交审核意见").click()
    page.wait_for_url(claim_url)
    expect(flash(page)).to_have_text("已提交审核意见")
    finance = page.locator('#submitted-reviews [data-review-stage="finance"]')
    expect(finance).to_contain_text(CUT_REASON)
    expect(page.locator("#hidden-note")).to_have_count(0)
    expect(page.locator("#certificate-link")).to_be_visible()
    page.wait_for_load_state("networkidle")
    save_shot(page, tmp_path, "claim-auditor-after.png")
    claim.refresh_from_db()
    assert claim.status == workflow.C_APPROVED
    assert claim.lines.get().approved_cumulative_quantity == Decimal("90.000")
    ctx.close()

    hosts = recorder.hosts()
    requested, failed = recorder.requested, recorder.failed
    assert hosts, "the pages made no HTTP requests at all?"
    assert hosts <= LOCAL_HOSTS, f"requests left the machine: {sorted(hosts - LOCAL_HOSTS)}"
    assert any("/static/" in u for u in requested)
    # The one deliberate failure: submitting the inflated claim (400, checks failed).
    assert failed == [f"400 POST /contracts/claims/{claim.pk}/submit/"]
    # "Failed to load resource" is the browser reporting that deliberate 400 (and a missing
    # favicon); anything else is a script error.
    assert recorder.script_errors() == []
    for watch in recorder.watches:  # every document under the CSP, and no violation reported
        watch.assert_clean()
