"""Onboarding in a real browser (issue 16 part 5): an enterprise applies from the login page,
the regulator approves it, the new administrator sets its password through the one-time link
and invites a staff member, who sets a password, logs in and finds the login in its personal
centre.

Chromium and the login come from conftest.py. Builds only the regulator (no demo district),
so it runs in seconds.
"""

from __future__ import annotations

import pytest

from jianguan.accounts.onboarding.demo import LICENCE_PDF
from tests.e2e.conftest import log_in
from tests.e2e.csp import CspWatch

REGULATOR_PASSWORD = "Regulator-Daxing-1"
ADMIN_EMAIL = "zhaoyun@anding-lw.example.cn"
ADMIN_PASSWORD = "Anding-Laowu-2026"
STAFF_PASSWORD = "Gongdi-Jingban-88"

pytestmark = pytest.mark.browser


def _regulator() -> None:
    from jianguan.accounts import services
    from jianguan.accounts.tests.factories import _code
    from jianguan.core.actor import SYSTEM

    org = services.organisation_create(
        actor=SYSTEM,
        name="北京市大兴区工程建设管理中心",
        kind="regulator",
        credit_code=_code(1),
        legal_representative="王建国",
    )
    user = services.user_create(
        actor=SYSTEM, username="regulator", password=REGULATOR_PASSWORD, display_name="王监管"
    )
    services.membership_grant(
        actor=SYSTEM, user=user, organisation=org, roles=["org_admin", "admin", "staff"]
    )


def _set_password(page, link: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(link)
    expect(page.locator("h2")).to_have_text("设置密码")
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.click("button[type=submit]")
    expect(page.locator("#password-set")).to_have_text("密码已设置")


def test_apply_review_approve_invite_and_log_in(live_server, browser, tmp_path, settings):
    from playwright.sync_api import expect

    from jianguan.accounts.tests.factories import _code

    settings.PUBLIC_BASE_URL = live_server.url  # the one-time links point at this server
    settings.MEDIA_ROOT = tmp_path / "media"
    _regulator()
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(LICENCE_PDF)
    base = live_server.url

    # 1. The enterprise applies, starting from the login page.
    applicant = browser.new_page(locale="zh-CN")
    csp = CspWatch(applicant)
    applicant.goto(base + "/accounts/login/")
    applicant.click("#apply-link")
    expect(applicant.locator("h2")).to_have_text("企业入驻申请")
    applicant.fill("#id_name", "北京安定劳务有限公司")
    applicant.select_option("#id_kind", "labour_subcontractor")
    applicant.fill("#id_credit_code", "not-a-code")
    applicant.fill("#id_legal_representative", "赵子龙")
    applicant.fill("#id_admin_name", "赵云")
    applicant.fill("#id_admin_phone", "13911112222")
    applicant.fill("#id_admin_email", ADMIN_EMAIL)
    applicant.set_input_files("#id_licence", str(licence))
    applicant.click("button[type=submit]")
    # A wrong credit code is named in Chinese on its field.
    expect(applicant.locator('[data-field-error="credit_code"]')).to_be_visible()
    applicant.fill("#id_credit_code", _code(777))
    applicant.set_input_files("#id_licence", str(licence))
    applicant.click("button[type=submit]")
    expect(applicant.locator("#apply-submitted")).to_be_visible()
    expect(applicant.locator("#application-status")).to_have_text("待审核")
    status_url = applicant.url

    # 2. The regulator finds it under 入驻审核 and approves it.
    regulator = browser.new_page(locale="zh-CN")
    log_in(regulator, base, "regulator", REGULATOR_PASSWORD)
    regulator.click('[data-nav="onboarding"]')
    regulator.locator("#applications a").first.click()
    regulator.select_option("#id_decision", "approve")
    regulator.click("button:has-text('提交审核结论')")
    expect(regulator.locator("#approved-link")).to_be_visible()
    admin_link = regulator.locator("#approved-link code").inner_text().strip()

    applicant.goto(status_url)
    expect(applicant.locator("#application-status")).to_have_text("已通过")

    # 3. The administrator sets its password, logs in, invites a staff member.
    admin = browser.new_page(locale="zh-CN")
    _set_password(admin, admin_link, ADMIN_PASSWORD)
    log_in(admin, base, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.click('[data-nav="staff"]')
    admin.click("text=开通账户")
    admin.fill("#id_display_name", "钱经办")
    admin.fill("#id_username", "qianjingban")
    admin.fill("#id_phone", "13933334444")
    admin.check("input[name=roles][value=staff]")
    admin.click("button:has-text('开通')")
    expect(admin.locator("#staff-username")).to_have_text("qianjingban")
    staff_link = admin.locator("#set-password-link").inner_text().strip()

    # 4. The staff member sets a password, logs in and sees its login history.
    staff = browser.new_page(locale="zh-CN")
    _set_password(staff, staff_link, STAFF_PASSWORD)
    log_in(staff, base, "qianjingban", STAFF_PASSWORD)
    expect(staff.locator(".jg-org-name")).to_have_text("北京安定劳务有限公司")
    staff.click('[aria-label="用户菜单"]')
    staff.click('[data-nav="me"]')
    expect(staff.locator("h2.page-title")).to_have_text("个人中心")
    expect(staff.locator("#login-history tbody tr")).to_have_count(1)
    # Not an administrator: no staff pages for it.
    expect(staff.locator('[data-nav="staff"]')).to_have_count(0)
    violations = csp.violations()
    csp.assert_clean(violations)
