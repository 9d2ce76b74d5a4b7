"""Collaboration on a phone: the general contractor's site manager opens a task on a 390 px
screen, assigns it to a colleague by name, and the colleague (the field worker) ticks the
checklist, uploads a photo from the camera input, comments and hands the task over for
acceptance; the manager accepts it. No horizontal scrolling, no script or CSP error, every
request to the site itself."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image

from jianguan.core.actor import SYSTEM
from tests.e2e.conftest import LOCAL_HOSTS, log_in, save_shot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True}


def _project(make_persona):
    from jianguan.accounts.models import User
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.projects.services import participant_add, project_create
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()
    owner = OrganisationFactory(kind="owner", name="大兴区教育委员会")
    gc_org = OrganisationFactory(kind="general_contractor", name="北京建工集团")
    project = project_create(
        actor=SYSTEM,
        name="大兴区第一小学扩建工程",
        type="building",
        funding="government",
        budget=Decimal("35600000.00"),
        town=TownFactory(name="黄村镇"),
        longitude="116.3312",
        latitude="39.7268",
        owner=owner,
    )
    participant_add(actor=SYSTEM, project=project, organisation=gc_org, role="general_contractor")
    manager = make_persona("gc_manager", roles=("admin", "staff"), organisation=gc_org)
    worker = make_persona("gc_field", roles=("staff",), organisation=gc_org)
    User.objects.filter(pk=manager.user_id).update(display_name="陈项目")
    User.objects.filter(pk=worker.user_id).update(display_name="马现场")
    return project, manager, worker


def _photo(path) -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"{page.url} scrolls sideways ({width} px)"


def test_a_task_from_the_phone_to_acceptance(
    transactional_db, live_server, browser, recorder, tmp_path, make_persona, persona_password
):
    from playwright.sync_api import expect

    from jianguan.collab.tasks.models import Task

    project, manager, worker = _project(make_persona)
    base = live_server.url
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()

    page = browser.new_page(**PHONE)
    csp = recorder.watch(page)
    new = f"/collab/tasks/projects/{project.pk}/new/"
    log_in(page, base, manager.username, persona_password, new)
    page.fill("#task-form [name=title]", "塔吊基础复测")
    page.select_option("#task-form [name=assignee]", label="马现场")
    page.fill("#task-form [name=due_on]", due)
    page.fill("#task-form [name=checklist]", "复测标高\n拍照留存")
    _fits_the_phone(page)
    page.click("#task-form button[type=submit]")
    task = Task.objects.get(title="塔吊基础复测")
    page.wait_for_url(f"**/collab/tasks/{task.pk}/")
    expect(page.locator("#task-facts")).to_contain_text("马现场")
    expect(page.locator("#task-status")).to_have_text("待办")

    field = browser.new_page(**PHONE)
    field_csp = recorder.watch(field)
    log_in(field, base, worker.username, persona_password, f"/collab/tasks/{task.pk}/")
    _fits_the_phone(field)
    for _ in range(2):  # each tick reloads the page; the first open item is the next one
        field.locator("#checklist button[aria-label=完成]").first.click()
        field.wait_for_load_state()
    expect(field.locator("#checklist button[aria-label=取消完成]")).to_have_count(2)
    field.set_input_files("#attachments input[type=file]", _photo(tmp_path / "base.jpg"))
    field.click("#attachments button[type=submit]")
    expect(field.locator("#attachments img.ct-photo")).to_have_count(1)
    field.fill("#comments textarea[name=body]", "标高复测合格，照片已上传")
    field.click("#comments button[type=submit]")
    expect(field.locator("#comments")).to_contain_text("标高复测合格")
    field.click("#moves button[value=in_review]")
    expect(field.locator("#task-status")).to_have_text("待验收")
    save_shot(field, tmp_path, "collab-task-phone.png")

    page.goto(f"{base}/collab/tasks/{task.pk}/")
    page.click("#moves button[value=done]")
    expect(page.locator("#task-status")).to_have_text("已完成")
    _fits_the_phone(page)
    task.refresh_from_db()
    assert task.status == "done"
    assert task.attachments.count() == 1 and task.checklist.filter(done=True).count() == 2

    assert recorder.failed == [], recorder.failed
    assert recorder.script_errors() == [], recorder.script_errors()
    assert recorder.hosts() <= LOCAL_HOSTS
    csp.assert_clean()
    field_csp.assert_clean()
