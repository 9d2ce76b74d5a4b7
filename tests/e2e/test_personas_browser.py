"""Each persona's day in a real browser (issue 16): log in through the login page, find the
work on 工作台 → 我的待办, open it, do it on the object's page, and see it leave the to-do list
(and appear under 最近已办) while the object's status changes.

- the owner (建设单位) reviews a payment claim at its stage of the double review;
- the supervisor (监理) decides a variation (监理审核);
- the auditor (审计) takes the claim's last review (审计复审);
- the general contractor answers a rectification order, and the regulator who issued it
  re-inspects and passes it;
- an expert scores the opened bids in its committee workspace and submits the sheets;
- a tender agency (招标代理, entrusted by the owner) answers a bidder's objection.

The finance bureau's review (test_contracts_browser, test_dashboard_browser) and the
regulator's district dashboard (test_login_browser) have their own tests.

Data: the contracts tests' `deal` (a project in construction and a signed contract) and the
experts tests' `scored` (a committee checked in on an opened tender), the tendering tests'
`agencies` (an agency beside the bidders), a few seconds each;
seed_demo would take minutes per test (a live server needs committed data, which the session
district rolls back).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jianguan.contracts import workflow
from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claims
from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.contracts.tests.test_claims import new_claim
from jianguan.contracts.tests.test_rule_boundaries_claims import _raise_amount
from jianguan.core.timeutil import today_local
from jianguan.experts.tests.test_scoring import scored  # noqa: F401  (shared fixture)
from jianguan.projects.tests.test_services import world  # noqa: F401  (used by `deal`)
from jianguan.tendering.tests.test_entrustment import _entrust, _publish_as, agencies  # noqa: F401
from jianguan.tendering.tests.test_services import _tender, market  # noqa: F401
from tests.e2e.conftest import DESKTOP, LOCAL_HOSTS, log_in, save_shot

PASSWORD = "Persona-pass-2026"

pytestmark = pytest.mark.browser


def _claim_at(deal, stage: str):  # noqa: F811
    """A submitted claim that the reviewers before `stage` have approved (services)."""
    actors = deal["actors"]
    claim = new_claim(deal)
    claims.claim_submit(actor=actors["contractor"], claim=claim)
    for status, persona in (
        (workflow.C_SUPERVISOR, "supervisor"),
        (workflow.C_OWNER, "owner"),
        (workflow.C_FINANCE, "finance"),
    ):
        claim.refresh_from_db()
        if claim.status == stage:
            break
        assert claim.status == status
        review = reviews.review_start(actor=actors[persona], claim=claim)
        reviews.review_submit(actor=actors[persona], review=review, opinion="同意")
    claim.refresh_from_db()
    assert claim.status == stage
    return claim


class Desk:
    """One persona's browser page, logged in, with the to-do list at hand."""

    def __init__(self, browser, recorder, base: str, username: str):
        self.base = base
        self.page = browser.new_page(**DESKTOP)
        self.csp = recorder.watch(self.page)
        log_in(self.page, base, username, PASSWORD)

    def todo(self, text: str):
        """The to-do row naming `text` (a number, a tender code)."""
        return self.page.locator("#todo-list tbody tr", has_text=text)

    def open_todo(self, text: str, label: str, path: str) -> None:
        """On the dashboard: the row is there, with its kind in words; one click opens it."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import expect

        expect(self.page.locator("h2.page-title")).to_have_text("工作台")
        row = self.todo(text)
        expect(row).to_have_count(1)
        expect(row.locator(".badge").first).to_have_text(label)
        link = row.get_by_role("link")
        # Let every request of the dashboard settle first: a late htmx swap's pushState
        # cancels a click's navigation (see test_register_browser).
        self.page.wait_for_load_state("networkidle")
        link.click()
        try:
            self.page.wait_for_url(self.base + path, timeout=10_000)
        except PlaywrightTimeout:
            link.click()
            self.page.wait_for_url(self.base + path)

    def back_to_dashboard(self, text: str) -> None:
        """The work is done: its row has left the list, and the action is under 最近已办."""
        from playwright.sync_api import expect

        self.page.goto(self.base + "/")
        expect(self.page.locator("#todo-list")).to_be_visible()
        expect(self.todo(text)).to_have_count(0)
        expect(self.page.locator("#done-list tbody tr").first).to_be_visible()
        # Objects are named in words: never Django's default "Sheet object (3)".
        expect(self.done()).not_to_contain_text(re.compile(r"object \(\d+\)"))

    def done(self):
        return self.page.locator("#done-list")

    def submit(self, button: str, path: str) -> None:
        """Click a submit button by its words and wait for the page it redirects to."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button).click()
        self.page.wait_for_url(self.base + path)

    def flash(self):
        """The first success message (contract pages show each one twice)."""
        return self.page.locator(".alert-success").first


def _no_surprises(recorder, failed=()) -> None:
    """Nothing left the machine, nothing failed but the refusals the test provoked, no script
    error, every page under the Content-Security-Policy with no violation."""
    assert recorder.hosts() <= LOCAL_HOSTS
    assert recorder.failed == list(failed), recorder.failed
    assert recorder.script_errors() == []
    for watch in recorder.watches:
        watch.assert_clean()


def test_owner_reviews_a_payment_claim_from_its_todo_list(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    deal,  # noqa: F811
):
    from playwright.sync_api import expect

    claim = _claim_at(deal, workflow.C_OWNER)
    path = f"/contracts/claims/{claim.pk}/"
    desk = Desk(browser, recorder, live_server.url, deal["actors"]["owner"].username)
    expect(desk.todo(claim.number)).to_contain_text("建设单位审核：进度款申请")
    save_shot(desk.page, tmp_path, "persona-owner.png")
    desk.open_todo(claim.number, "进度款待审核", path)
    page = desk.page
    expect(page.locator("[data-status]").first).to_have_text("建设单位审核中")

    desk.submit("开始审核", path)
    expect(page.locator("#review-panel .card-title")).to_contain_text("建设单位")
    page.select_option("#id_decision", "approve")
    page.fill("#id_opinion", "计量属实，同意报财政评审")
    desk.submit("提交审核意见", path)
    expect(desk.flash()).to_have_text("已提交审核意见")
    expect(page.locator("[data-status]").first).to_have_text("财政评审中")
    claim.refresh_from_db()
    assert claim.status == workflow.C_FINANCE

    desk.back_to_dashboard(claim.number)
    expect(desk.done().locator("tr", has_text="提交审核意见")).to_contain_text(
        "进度款审核 建设单位审核（第 1 轮）"
    )
    _no_surprises(recorder)


def test_supervisor_decides_a_variation_from_its_todo_list(
    transactional_db,
    live_server,
    browser,
    recorder,
    deal,  # noqa: F811
):
    from playwright.sync_api import expect

    variation = _raise_amount(deal, Decimal("12000.00"), 1)
    assert variation.status == workflow.V_SUBMITTED
    path = f"/contracts/variations/{variation.pk}/"
    desk = Desk(browser, recorder, live_server.url, deal["actors"]["supervisor"].username)
    expect(desk.todo(variation.number)).to_contain_text("监理审核：变更")
    desk.open_todo(variation.number, "变更待审批", path)
    page = desk.page
    expect(page.locator("#variation-status")).to_have_text("待监理审核")

    # 不同意 without a reason: refused in words (400), nothing decided.
    form = page.locator("#form-variation-decide")
    form.get_by_label("不同意", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交审批意见").click()
    expect(page.locator("#variation-error")).to_have_text("不同意时须填写审批意见")
    expect(page.locator("#variation-status")).to_have_text("待监理审核")
    variation.refresh_from_db()
    assert variation.status == workflow.V_SUBMITTED

    form.get_by_label("同意", exact=True).check()
    form.locator("#v-opinion").fill("现场核实新增工程属实，同意")
    desk.submit("提交审批意见", path)
    expect(page.locator("#variation-status")).to_have_text("待建设单位审批")
    expect(page.locator("#form-variation-decide")).to_have_count(0)
    variation.refresh_from_db()
    assert variation.status == workflow.V_SUPERVISOR_OK

    desk.back_to_dashboard(variation.number)
    expect(desk.done()).to_contain_text(variation.number)
    _no_surprises(recorder, [f"400 POST /contracts/variations/{variation.pk}/decide/"])


def test_auditor_takes_the_last_review_from_its_todo_list(
    transactional_db,
    live_server,
    browser,
    recorder,
    deal,  # noqa: F811
):
    from playwright.sync_api import expect

    claim = _claim_at(deal, workflow.C_AUDIT)
    path = f"/contracts/claims/{claim.pk}/"
    desk = Desk(browser, recorder, live_server.url, deal["actors"]["auditor"].username)
    desk.open_todo(claim.number, "进度款待审核", path)
    page = desk.page
    expect(page.locator("[data-status]").first).to_have_text("审计复审中")

    desk.submit("开始审核", path)
    page.select_option("#id_decision", "approve")
    page.fill("#id_opinion", "审计复审同意")
    desk.submit("提交审核意见", path)
    expect(desk.flash()).to_have_text("已提交审核意见")
    expect(page.locator("[data-status]").first).to_have_text("已审定待支付")
    expect(page.locator("#certificate-link")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == workflow.C_APPROVED

    desk.back_to_dashboard(claim.number)
    expect(desk.done().locator("tr", has_text="提交审核意见")).to_contain_text(
        "进度款审核 审计复审（第 1 轮）"
    )
    _no_surprises(recorder)


def test_contractor_answers_an_order_and_the_regulator_reinspects_it(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    deal,  # noqa: F811
):
    from playwright.sync_api import expect

    from jianguan.compliance import services as compliance
    from jianguan.compliance.models import RectificationOrder

    actors = deal["actors"]
    inspection = compliance.inspection_create(
        actor=actors["regulator"],
        project=deal["project"],
        kind="routine",
        inspected_on=today_local(),
    )
    order = compliance.finding_raise(
        actor=actors["regulator"],
        inspection=inspection,
        type="safety",
        severity="general",
        description="临边防护缺失",
        location="3号楼5层东侧",
        responsible_organisation=deal["orgs"]["general_contractor"],
    )
    path = f"/compliance/orders/{order.pk}/"
    evidence = tmp_path / "整改照片说明.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # The contractor: 整改待回复, with its due date, answered on the order's page.
    desk = Desk(browser, recorder, live_server.url, actors["contractor"].username)
    row = desk.todo(order.number)
    expect(row).to_contain_text(f"回复整改通知单 {order.number}")
    expect(row).to_contain_text(f"{order.due_on:%Y-%m-%d}")
    desk.open_todo(order.number, "整改待回复", path)
    page = desk.page
    expect(page.locator("h2.page-title")).to_contain_text("待整改")
    page.fill("#id_text", "已补设临边防护栏杆并验收")
    page.set_input_files("#id_files", str(evidence))
    desk.submit("提交回复", path)
    expect(desk.flash()).to_have_text("已回复整改情况，等待复查")
    expect(page.locator("h2.page-title")).to_contain_text("已回复待复查")
    expect(page.locator("#history")).to_contain_text("已补设临边防护栏杆并验收")
    order.refresh_from_db()
    assert order.status == "answered"
    desk.back_to_dashboard(order.number)
    expect(desk.done().locator("tr", has_text="回复")).to_contain_text(f"整改通知单 {order.number}")

    # The regulator who issued it: 整改待复查, passed on the same page.
    desk = Desk(browser, recorder, live_server.url, actors["regulator"].username)
    expect(desk.todo(order.number)).to_contain_text("已回复")
    desk.open_todo(order.number, "整改待复查", path)
    page = desk.page
    expect(page.locator("[data-evidence] a")).to_have_count(1)
    page.select_option("#id_result", "passed")
    page.fill("#id_note", "现场复查，防护栏杆已补设")
    desk.submit("登记复查结论", path)
    expect(desk.flash()).to_have_text("已登记复查结论")
    expect(page.locator("h2.page-title")).to_contain_text("复查通过")
    expect(page.locator("#history")).to_contain_text("通过")
    assert RectificationOrder.objects.get(pk=order.pk).status == "passed"
    desk.back_to_dashboard(order.number)
    _no_surprises(recorder)


def test_expert_scores_the_bids_in_its_committee_workspace(
    transactional_db,
    live_server,
    browser,
    recorder,
    tmp_path,
    scored,  # noqa: F811
):
    from playwright.sync_api import expect

    from jianguan.experts.models import Sheet

    committee, tender = scored["committee"], scored["tender"]
    seat = committee.members.select_related("expert").order_by("pk").first()
    expert = scored["actors"][seat.expert_id]
    bids = list(tender.bids.filter(status="opened").order_by("received_at"))
    path = f"/experts/committees/{committee.pk}/"

    desk = Desk(browser, recorder, live_server.url, expert.username)
    expect(desk.todo(tender.code)).to_contain_text(f"评审并提交评分表：{tender.title}")
    desk.open_todo(tender.code, "评分待提交", path)
    page = desk.page
    sheets = page.locator("#my-sheets")
    expect(sheets.locator("form:has(input[name=bid])")).to_have_count(len(bids))

    def sheet(bid):
        return sheets.locator(f'form:has(input[name=bid][value="{bid.pk}"])')

    def fill(bid, technical: str):
        form = sheet(bid)
        form.locator("input[name=score_T1]").fill(technical)
        form.locator("input[name=reason_T1]").fill("施工组织设计合理，进度计划可行")
        form.locator("input[name=score_T2]").fill("8")
        form.locator("input[name=reason_T2]").fill("质量安全措施完整")
        form.locator("input[name=score_C1]").fill("4")
        with page.expect_navigation():
            form.get_by_role("button", name="保存").click()
        page.wait_for_url(live_server.url + path)

    # Over the full marks: refused in words, nothing saved.
    fill(bids[0], "25")
    expect(page.locator(".alert-danger").first).to_contain_text(
        f"投标人 {bids[0].bidder.name}：「施工组织设计」得分 25 超出 0～20 分范围"
    )
    expect(sheet(bids[0])).not_to_contain_text("已保存")
    assert not Sheet.objects.filter(member=seat).exists()
    for i, bid in enumerate(bids):
        fill(bid, str(18 - i))
        expect(page.locator(".alert-success").first).to_have_text("已保存评分")
        expect(sheet(bid)).to_contain_text("已保存")
        # The saved sheet shows what was saved (it came back empty before).
        expect(sheet(bid).locator("input[name=score_T1]")).to_have_value(str(18 - i))
        expect(sheet(bid).locator("input[name=reason_T2]")).to_have_value("质量安全措施完整")
    save_shot(page, tmp_path, "persona-expert.png")
    desk.submit("提交全部评分表", path)
    expect(page.locator(".alert-success").first).to_have_text("已提交评分表")
    expect(sheets.get_by_role("button", name="提交全部评分表")).to_have_count(0)
    # Submitted: the expert still reads its scores, and can no longer change them.
    expect(sheet(bids[0]).locator("input[name=score_T1]")).to_have_value("18")
    expect(sheet(bids[0]).locator("input[name=score_T1]")).to_be_disabled()
    assert Sheet.objects.filter(member=seat, submitted_at__isnull=False).count() == len(bids)

    desk.back_to_dashboard(tender.code)
    _no_surprises(recorder)


def test_agency_answers_an_objection_from_its_todo_list(
    transactional_db,
    live_server,
    browser,
    recorder,
    agencies,  # noqa: F811
):
    from playwright.sync_api import expect

    from jianguan.tendering import services as tendering

    agency = agencies["agency"]
    _entrust(agencies)
    tender = _publish_as(agency, agencies, _tender(agencies, actor=agency))
    bidder = agencies["bidders"][0]
    objection = tendering.objection_file(actor=bidder, tender=tender, text="资格条件排斥潜在投标人")
    path = f"/tendering/{tender.pk}/"

    desk = Desk(browser, recorder, live_server.url, agency.username)
    row = desk.todo(tender.code)
    expect(row).to_contain_text(f"答复异议：{tender.title}")
    expect(row).to_contain_text(f"{objection.organisation.name}提出")
    desk.open_todo(tender.code, "异议待答复", path)
    page = desk.page
    form = page.locator(f'form[data-objection="{objection.pk}"]')
    expect(form).to_contain_text("资格条件排斥潜在投标人")
    form.locator("input[name=answer]").fill("资格条件依据招标文件范本设置，符合规定")
    with page.expect_navigation():
        form.get_by_role("button", name="答复异议").click()
    page.wait_for_url(live_server.url + path)
    expect(page.locator(".alert-success").first).to_have_text("已答复异议")
    expect(page.locator(f'form[data-objection="{objection.pk}"]')).to_have_count(0)
    objection.refresh_from_db()
    assert objection.answered_at is not None and objection.answer.startswith("资格条件依据")

    desk.back_to_dashboard(tender.code)
    _no_surprises(recorder)
