"""A regulator filters the register (台账) in a real browser, opens a project and reads why it
is red; the one map draws the visible projects. Chromium, the recorder and the login come from
conftest.py."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import now
from tests.e2e.conftest import DESKTOP, LOCAL_HOSTS, log_in, save_shot

REASON = "施工阶段计划 2026-03-01 完成，已滞后 95 天，超过红色预警阈值 90 天"

pytestmark = pytest.mark.browser


def _projects():
    from jianguan.projects import services
    from jianguan.projects.models import Project, ProjectWarning, WarningEvent

    owner = OrganisationFactory(kind="owner", name="北京大兴投资建设有限公司")
    huangcun = TownFactory(name="黄村镇", latitude=Decimal("39.72"), longitude=Decimal("116.31"))
    jiugong = TownFactory(name="旧宫镇", latitude=Decimal("39.81"), longitude=Decimal("116.45"))
    made = {}
    for key, name, town, lon, lat in [
        ("school", "旧宫镇第二中学新建工程", jiugong, "116.452", "39.801"),
        ("road", "黄村镇兴华大街改造工程", huangcun, "116.331", "39.729"),
        ("park", "黄村镇念坛公园提升工程", huangcun, "116.345", "39.715"),
    ]:
        made[key] = services.project_create(
            actor=SYSTEM,
            name=name,
            type="building" if key == "school" else "road",
            funding="government",
            budget=Decimal("45600000.00"),
            town=town,
            longitude=lon,
            latitude=lat,
            owner=owner,
        )
    school = made["school"]
    at = now()
    warning = ProjectWarning.objects.create(
        project=school, rule_code="schedule_slip", level=4, reason=REASON, raised_at=at
    )
    WarningEvent.objects.create(
        warning=warning, kind="raised", level=2, reason="滞后 35 天，黄色预警", at=at
    )
    WarningEvent.objects.create(warning=warning, kind="escalated", level=4, reason=REASON, at=at)
    Project.objects.filter(pk=school.pk).update(warning_level=4)
    Project.objects.filter(pk=made["park"].pk).update(warning_level=2)
    return made, jiugong


def _second_membership(actor):
    """The regulator also works for an owner, so the header offers the organisation switcher."""
    from jianguan.accounts import services
    from jianguan.accounts.models import User

    org = OrganisationFactory(kind="owner", name="测试区教委")
    user = User.objects.get(username=actor.username)
    services.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=["staff"])
    return org


def test_regulator_filters_opens_a_project_and_reads_its_warning(
    transactional_db, live_server, browser, recorder, tmp_path, regulator, persona_password
):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    made, jiugong = _projects()
    school = made["school"]
    page = browser.new_page(**DESKTOP)
    csp = recorder.watch(page)
    log_in(page, live_server.url, regulator.username, persona_password, "/projects/")
    expect(page.locator("h2.page-title")).to_have_text("项目台账")
    rows = page.locator("#register-table tbody tr[data-project]")
    expect(rows).to_have_count(3)
    expect(page.locator("#stage-chart canvas")).to_have_count(1)

    # Filter by town: htmx swaps the results and pushes the URL.
    page.select_option("#id_town", str(jiugong.pk))
    expect(rows).to_have_count(1)
    page.wait_for_function("() => location.search.includes('town=" + str(jiugong.pk) + "')")
    expect(page.locator("#register-total")).to_have_text("1")
    expect(rows.first).to_contain_text(school.name)
    expect(rows.first.locator(".jg-warning")).to_have_text("红色预警")
    expect(page.locator("#level-chart canvas")).to_have_count(1)  # redrawn after swap

    # Then search by name within the town: still the school; a miss shows the empty row.
    page.fill("#id_q", "公园")
    expect(page.get_by_text("没有符合条件的项目")).to_be_visible()
    page.fill("#id_q", "中学")
    # Wait for htmx to swap AND push the URL: a pushState that lands during the
    # click's navigation would cancel it.
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === '中学'")
    page.wait_for_load_state("networkidle")
    expect(rows).to_have_count(1)
    save_shot(page, tmp_path, "register.png")

    link = rows.first.locator("a").first
    link.click()
    try:
        page.wait_for_url(f"{live_server.url}/projects/{school.pk}/", timeout=10_000)
    except PlaywrightTimeout:
        # A late htmx swap's pushState can cancel the click's navigation (seen once in
        # CI on a loaded machine): the person clicks again.
        link.click()
        page.wait_for_url(f"{live_server.url}/projects/{school.pk}/")
    expect(page.locator("#project-code")).to_have_text(school.code)
    why = page.locator("#warnings")
    expect(why.locator(".card-title")).to_have_text("为什么是红色？")
    expect(why.locator(".jg-warning-reason")).to_have_text(REASON)
    expect(why.locator("#warning-events")).to_contain_text("升级")
    expect(page.locator('[data-testid="ledger-history"]')).to_contain_text("project.created")
    shot = save_shot(page, tmp_path, "project.png")
    assert shot.stat().st_size > 30_000

    # The one map draws every visible project, clustered and coloured.
    page.goto(live_server.url + "/projects/map/")
    page.wait_for_function("() => document.getElementById('map').dataset.loaded === '3'")
    expect(page.locator("#map-legend")).to_contain_text("红色预警")
    expect(page.locator("#map-count")).to_have_text("共 3 个项目")
    # Point + radius query: click beside the school's pin (the pin itself takes its own
    # clicks for its popup); the list shows the school, and only it.
    page.click("#tool-near")
    point = page.evaluate("() => JGProjectMap.map.latLngToContainerPoint([39.801, 116.452])")
    page.locator("#map").click(position={"x": point["x"] + 25, "y": point["y"] + 10})
    results = page.locator("#query-results [data-code]")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-code", school.code)
    expect(page.locator("#query-count")).to_have_text("1 个")
    save_shot(page, tmp_path, "map.png")

    # The create page's mini-map: a click drops Leaflet's default marker, whose image
    # address came from leaflet-icons.js's data- attributes (no inline script).
    page.goto(live_server.url + "/projects/new/")
    page.locator("#minimap").click(position={"x": 120, "y": 120})
    expect(page.locator("#minimap img.leaflet-marker-icon")).to_have_attribute(
        "src", re.compile(r"/static/vendor/leaflet/images/marker-icon")
    )
    expect(page.locator("#minimap-coords")).not_to_have_text("尚未选择位置")

    # The organisation switcher submits on change (data-autosubmit, web/jianguan.js).
    second = _second_membership(regulator)
    page.goto(live_server.url + "/")
    names = {regulator.organisation_id: "测试监管中心", second.pk: second.name}
    current = page.locator(".jg-org-name").inner_text()
    target = next(pk for pk, name in names.items() if name != current)
    with page.expect_navigation():
        page.select_option('select[name="organisation"]', str(target))
    expect(page.locator(".jg-org-name")).to_have_text(names[target])
    violations = csp.violations()

    hosts = recorder.hosts()
    failed = recorder.failed
    assert hosts <= LOCAL_HOSTS, f"requests left the machine: {sorted(hosts - LOCAL_HOSTS)}"
    assert failed == []
    # HTTP failures are checked above (a missing favicon is the only one allowed).
    assert recorder.script_errors() == []
    csp.assert_clean(violations)
