"""Register pages: list with filters and htmx partial, Excel export, the project page and its
actions, person page, create page, permissions."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services
from jianguan.projects.exports import HEADERS
from jianguan.projects.models import (
    Finding,
    KeyNode,
    Project,
    ProjectLead,
    ProjectWarning,
    WarningEvent,
)
from jianguan.projects.tests import views_fixtures as fx
from jianguan.projects.tests.views_fixtures import (
    HUANGCUN,
    PDF,
    REGISTER,
    _codes,
    _join_project,
)

# The shared fixtures, bound here so that pytest finds them for this module.
world = fx.world
_media = fx._media

pytestmark = pytest.mark.django_db

# --- register -------------------------------------------------------------------------------


def test_register_lists_visible_projects_with_counts(regulator, login_as, world):
    response = login_as(regulator).get(REGISTER)
    assert response.status_code == 200
    html = response.content.decode()
    assert "项目台账" in html
    assert _codes(html) == {world[k].code for k in "abc"}
    assert 'id="register-total">3<' in html
    chart = json.loads(
        re.search(r'id="register-chart-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert dict(zip(chart["stages"]["labels"], chart["stages"]["values"], strict=True))["立项"] == 3
    assert 'data-nav="projects"' in html and 'data-nav="project_map"' in html


def test_filters_and_search_narrow_the_list(regulator, login_as, world):
    client = login_as(regulator)
    a, b, c = world["a"], world["b"], world["c"]

    def codes(**params):
        return _codes(client.get(REGISTER, params).content.decode())

    assert codes(town=world["huangcun"].pk) == {a.code}
    assert codes(type="road") == {c.code}
    assert codes(funding="state_owned") == {b.code}
    assert codes(owner=world["owner_a"].pk) == {a.code, c.code}
    assert codes(q="中学") == {b.code}
    assert codes(q=c.code) == {c.code}
    assert codes(q="不存在的项目") == set()
    Project.objects.filter(pk=b.pk).update(warning_level=4)
    assert codes(warning_level=4) == {b.code}
    assert codes(warning_level=0) == {a.code, c.code}
    Project.objects.filter(pk=a.pk).update(stage="design")
    assert codes(stage="design") == {a.code}
    Project.objects.filter(pk=c.pk).update(created_at=now() - dt.timedelta(days=40))
    since = (now() - dt.timedelta(days=5)).date().isoformat()
    assert codes(created_from=since) == {a.code, b.code}
    assert codes(created_to=(now() - dt.timedelta(days=30)).date().isoformat()) == {c.code}
    # Invalid values are ignored (never a 500) and say so in Chinese.
    response = client.get(REGISTER, {"stage": "bogus", "created_from": "2026-13-45"})
    assert response.status_code == 200
    assert _codes(response.content.decode()) == {a.code, b.code, c.code}


def test_sorting_and_pagination(regulator, login_as, world):
    owner, town = world["owner_a"], world["huangcun"]
    for i in range(25):
        services.project_create(
            actor=SYSTEM,
            name=f"批量项目{i:02d}",
            type="other",
            funding="government",
            budget=str(1000 + i),
            town=town,
            longitude=HUANGCUN[0],
            latitude=HUANGCUN[1],
            owner=owner,
        )
    client = login_as(regulator)
    first = client.get(REGISTER).content.decode()
    assert len(_codes(first)) == 25
    assert "共 28 个项目，第 1/2 页" in first
    second = client.get(REGISTER, {"page": 2}).content.decode()
    assert len(_codes(second)) == 3
    cheapest = client.get(REGISTER, {"sort": "budget"}).content.decode()
    rows = re.findall(r'<tr data-project="([^"]+)"', cheapest)
    assert Project.objects.get(code=rows[0]).budget == Decimal("1000.00")
    dearest = client.get(REGISTER, {"sort": "-budget"}).content.decode()
    assert re.findall(r'<tr data-project="([^"]+)"', dearest)[0] == world["c"].code
    # Sort links keep the filters and drop the page number.
    html = client.get(REGISTER, {"type": "other", "page": 2}).content.decode()
    assert 'href="?type=other&amp;sort=name"' in html


def test_htmx_request_gets_only_the_results_partial(regulator, login_as, world):
    client = login_as(regulator)
    response = client.get(REGISTER, {"town": world["jiugong"].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and 'id="register-filter"' not in html
    assert _codes(html) == {world["b"].code}
    assert 'id="register-chart-data"' in html  # the summary follows the filter
    assert f"/projects/export.xlsx?town={world['jiugong'].pk}" in html
    # The browser history gets the tidy URL (no empty parameters).
    response = client.get(
        REGISTER, {"q": "", "town": world["jiugong"].pk, "stage": ""}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Push-Url"] == f"/projects/?town={world['jiugong'].pk}"


# --- export ---------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def test_export_has_chinese_headers_and_only_the_filtered_rows(regulator, login_as, world):
    response = login_as(regulator).get("/projects/export.xlsx", {"owner": world["owner_a"].pk})
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and ".xlsx" in disposition
    assert f"_{today_local():%Y%m%d}.xlsx" in disposition  # 项目台账_YYYYMMDD.xlsx
    assert "filename*=utf-8''%E9%A1%B9%E7%9B%AE%E5%8F%B0%E8%B4%A6_" in disposition
    ws = _workbook(response)
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[0][0] == "项目编号" and "批复概算（元）" in rows[0]
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {world["a"].code, world["c"].code}
    col = HEADERS.index("批复概算（元）")
    assert body[world["c"].code][col] == pytest.approx(98765432.10)
    assert body[world["a"].code][HEADERS.index("乡镇街道")] == "黄村镇"
    assert body[world["a"].code][HEADERS.index("当前阶段")] == "立项"
    budget_cell = ws.cell(row=2, column=col + 1)
    assert budget_cell.number_format == "#,##0.00"
    assert isinstance(budget_cell.value, int | float)


def test_export_writes_a_formula_like_name_as_text(regulator, login_as, world):
    Project.objects.filter(pk=world["b"].pk).update(name='=HYPERLINK("http://x.example","点我")')
    ws = _workbook(login_as(regulator).get("/projects/export.xlsx", {"q": world["b"].code}))
    cell = ws.cell(row=2, column=HEADERS.index("项目名称") + 1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x.example","点我")'


def test_contractor_export_holds_only_its_projects(contractor, login_as, world):
    _join_project(contractor, world["b"])
    client = login_as(contractor)
    ws = _workbook(client.get("/projects/export.xlsx"))
    rows = list(ws.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [world["b"].code]
    assert _codes(client.get(REGISTER).content.decode()) == {world["b"].code}


# --- project page -----------------------------------------------------------------------------


def _to_tendering(project):
    services.project_update(actor=SYSTEM, project=project, approval_document="京兴发改〔2026〕1号")
    services.project_transition(actor=SYSTEM, project=project, target="design")
    services.project_update(actor=SYSTEM, project=project, design_review_document="审2026-001")
    services.project_transition(actor=SYSTEM, project=project, target="tendering")
    return Project.objects.get(pk=project.pk)


def test_project_page_shows_header_timeline_nodes_and_history(regulator, login_as, world):
    a = world["a"]
    html = login_as(regulator).get(f"/projects/{a.pk}/").content.decode()
    assert a.code in html and a.name in html
    assert "阶段进度（计划与实际）" in html
    assert "关键节点与联合检查" in html and "桩基完成" in html
    assert "五方责任主体项目负责人" in html
    assert 'data-testid="ledger-history"' in html and "project.created" in html
    assert "下一阶段：<strong>设计</strong>" in html
    assert "须录入立项批复文件" in html  # unmet guard previewed before any attempt


def test_refused_transition_shows_unmet_guards_in_chinese_and_changes_nothing(
    regulator, login_as, world
):
    project = _to_tendering(world["a"])
    before = (LedgerEntry.objects.count(), Project.objects.get(pk=project.pk).stage)
    response = login_as(regulator).post(
        f"/projects/{project.pk}/transition/", {"target": "construction"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不能进入“施工”阶段，以下条件尚未满足：" in html
    assert 'data-error="guards_unmet"' in html
    for guard in ("须取得施工许可证", "须签订施工合同", "五方责任主体项目负责人须全部备案"):
        assert guard in html
    assert "《中华人民共和国建筑法》第七条" in html
    assert (LedgerEntry.objects.count(), Project.objects.get(pk=project.pk).stage) == before


def test_skipping_a_stage_is_refused_in_chinese(regulator, login_as, world):
    a = world["a"]
    response = login_as(regulator).post(f"/projects/{a.pk}/transition/", {"target": "settlement"})
    assert response.status_code == 400
    assert "不能从“立项”直接进入“结算”" in response.content.decode()
    assert Project.objects.get(pk=a.pk).stage == "approval"


def test_documents_then_transition_succeeds(regulator, login_as, world):
    a = world["a"]
    client = login_as(regulator)
    response = client.post(
        f"/projects/{a.pk}/documents/", {"approval_document": "京兴发改〔2026〕8号"}
    )
    assert response.status_code == 302
    response = client.post(f"/projects/{a.pk}/transition/", {"target": "design"})
    assert response.status_code == 302 and response["Location"].endswith("#stages")
    assert Project.objects.get(pk=a.pk).stage == "design"
    html = client.get(response["Location"]).content.decode()
    assert "项目已进入“设计”阶段" in html


def test_contractor_sees_no_action_forms_and_cannot_transition(contractor, login_as, world):
    b = world["b"]
    _join_project(contractor, b)
    client = login_as(contractor)
    html = client.get(f"/projects/{b.pk}/").content.decode()
    assert 'id="transition-button"' not in html and 'id="lead-form"' not in html
    response = client.post(f"/projects/{b.pk}/transition/", {"target": "design"})
    assert response.status_code == 403
    assert "无权执行此操作" in response.content.decode()
    assert Project.objects.get(pk=b.pk).stage == "approval"
    # A project it does not take part in is not found.
    assert client.get(f"/projects/{world['a'].pk}/").status_code == 404


def _lead_post(party="owner", name="王建国", cert="京1112020000001", auth=None, commit=None):
    return {
        "party": party,
        "person_name": name,
        "certificate_number": cert,
        "phone": "",
        "started_on": "2026-01-05",
        "authorisation": auth or SimpleUploadedFile("授权书.pdf", PDF, "application/pdf"),
        "commitment": commit or SimpleUploadedFile("承诺书.pdf", PDF + b"2", "application/pdf"),
    }


def test_lead_upload_of_a_non_pdf_is_refused_in_chinese(regulator, login_as, world):
    a = world["a"]
    before = (ProjectLead.objects.count(), LedgerEntry.objects.count())
    text = SimpleUploadedFile("授权书.pdf", b"just some text, not a pdf", "application/pdf")
    response = login_as(regulator).post(f"/projects/{a.pk}/leads/", _lead_post(auth=text))
    assert response.status_code == 400
    html = response.content.decode()
    assert "法定代表人授权书须为 PDF、JPEG 或 PNG 文件" in html
    assert (ProjectLead.objects.count(), LedgerEntry.objects.count()) == before


def test_lead_filing_and_replacement_keep_both_with_sm3(regulator, login_as, world):
    import hashlib

    a = world["a"]
    client = login_as(regulator)
    response = client.post(f"/projects/{a.pk}/leads/", _lead_post())
    assert response.status_code == 302
    second = _lead_post(name="李明", cert="京1112020000002")
    second["started_on"] = "2026-03-01"
    assert client.post(f"/projects/{a.pk}/leads/", second).status_code == 302
    html = client.get(f"/projects/{a.pk}/").content.decode()
    assert hashlib.new("sm3", PDF).hexdigest() in html
    assert 'data-lead-current="1"' in html and 'data-lead-replaced="1"' in html
    assert "已更换为李明" in html and "2026-01-05 至 2026-03-01" in html
    # The person page keeps the replaced lead forever (lifetime responsibility).
    old = ProjectLead.objects.get(person__name="王建国")
    page = client.get(f"/projects/people/{old.person_id}/").content.decode()
    assert a.code in page and "已更换" in page and "接任：李明" in page
    assert "2026-01-05 至 2026-03-01" in page
    # The filed file is served back to those who may see the project.
    doc = client.get(f"/projects/{a.pk}/leads/{old.pk}/authorisation/")
    assert doc.status_code == 200 and b"".join(doc.streaming_content) == PDF


def test_person_page_is_scoped_to_visible_projects(contractor, regulator, login_as, world):
    a = world["a"]
    services.lead_file(
        actor=SYSTEM,
        project=a,
        party="owner",
        person_name="赵六",
        certificate_number="X1",
        authorisation=SimpleUploadedFile("a.pdf", PDF),
        commitment=SimpleUploadedFile("c.pdf", PDF),
        started_on=dt.date(2026, 1, 1),
    )
    person = ProjectLead.objects.get(project=a).person
    assert login_as(contractor).get(f"/projects/people/{person.pk}/").status_code == 404


def test_participant_add_refuses_a_wrong_kind_in_chinese(regulator, login_as, world):
    a = world["a"]
    designer = OrganisationFactory(kind="designer", name="北京兴城设计院")
    client = login_as(regulator)
    response = client.post(
        f"/projects/{a.pk}/participants/", {"role": "supervisor", "organisation": designer.pk}
    )
    assert response.status_code == 400
    assert "不能担任监理单位" in response.content.decode()
    response = client.post(
        f"/projects/{a.pk}/participants/", {"role": "designer", "organisation": designer.pk}
    )
    assert response.status_code == 302
    assert "北京兴城设计院" in client.get(f"/projects/{a.pk}/").content.decode()


def test_key_node_inspection_fail_with_findings_then_open_findings_shown(
    regulator, login_as, world
):
    a = world["a"]
    Project.objects.filter(pk=a.pk).update(stage="construction")
    client = login_as(regulator)
    node = KeyNode.objects.filter(project=a).order_by("sequence").first()
    response = client.post(f"/projects/{a.pk}/nodes/{node.pk}/inspect/", {"result": "failed"})
    assert response.status_code == 400
    assert "不通过时须填写检查发现的问题" in response.content.decode()
    response = client.post(
        f"/projects/{a.pk}/nodes/{node.pk}/inspect/",
        {"result": "failed", "findings": "桩身完整性检测报告缺失\n部分桩顶标高不足"},
    )
    assert response.status_code == 302
    assert Finding.objects.filter(project=a, closed_at__isnull=True).count() == 2
    html = client.get(f"/projects/{a.pk}/").content.decode()
    assert 'data-open-findings="2"' in html and "桩身完整性检测报告缺失" in html
    assert "第 1 轮" in html


def test_warning_is_explained(regulator, login_as, world):
    a = world["a"]
    at = now()
    warning = ProjectWarning.objects.create(
        project=a,
        rule_code="schedule_slip",
        level=4,
        reason="施工阶段计划 2026-03-01 完成，已滞后 95 天（红色阈值 90 天）",
        raised_at=at,
    )
    WarningEvent.objects.create(warning=warning, kind="raised", level=2, reason="滞后 35 天", at=at)
    WarningEvent.objects.create(
        warning=warning, kind="escalated", level=4, reason="滞后 95 天", at=at
    )
    Project.objects.filter(pk=a.pk).update(warning_level=4)
    html = login_as(regulator).get(f"/projects/{a.pk}/").content.decode()
    assert "为什么是红色？" in html
    assert "已滞后 95 天（红色阈值 90 天）" in html
    assert "升级" in html and "触发" in html


def test_completion_signature_through_the_page(world, client, persona_password):
    from jianguan.accounts import services as accounts
    from jianguan.accounts.actors import actor_for

    a = world["a"]
    user = accounts.user_create(
        actor=SYSTEM, username="ownsign", password=persona_password, display_name="签章人"
    )
    accounts.membership_grant(
        actor=SYSTEM, user=user, organisation=world["owner_a"], roles=["staff", "signer"]
    )
    services.lead_file(
        actor=SYSTEM,
        project=a,
        party="owner",
        person_name="钱七",
        authorisation=SimpleUploadedFile("a.pdf", PDF),
        commitment=SimpleUploadedFile("c.pdf", PDF),
        started_on=dt.date(2026, 1, 1),
    )
    Project.objects.filter(pk=a.pk).update(stage="construction")
    assert actor_for(user).can("projects.sign_completion")
    client.post("/accounts/login/", {"username": "ownsign", "password": persona_password})
    html = client.get(f"/projects/{a.pk}/").content.decode()
    assert 'id="completion-form"' in html
    response = client.post(
        f"/projects/{a.pk}/completion/", {"party": "owner", "signed_on": "2026-01-10"}
    )
    assert response.status_code == 302
    html = client.get(f"/projects/{a.pk}/").content.decode()
    assert "钱七" in html and "2026-01-10" in html
    again = client.post(
        f"/projects/{a.pk}/completion/", {"party": "owner", "signed_on": "2026-01-10"}
    )
    assert again.status_code == 409 and "该责任主体已签署" in again.content.decode()


# --- create -----------------------------------------------------------------------------------


def _create_post(world, **over):
    data = {
        "name": "大兴新城道路二期",
        "type": "road",
        "funding": "government",
        "budget": "5600000.00",
        "town": world["huangcun"].pk,
        "owner": world["owner_a"].pk,
        "longitude": "116.340000",
        "latitude": "39.730000",
        "site_polygon": "",
        "design_life_years": "50",
        "description": "",
        "plan_construction_start": "2026-05-01",
        "plan_construction_end": "2027-05-01",
    }
    data.update(over)
    return data


def test_create_page_registers_a_project(regulator, login_as, world):
    client = login_as(regulator)
    html = client.get("/projects/new/").content.decode()
    assert 'id="minimap"' in html and "vendor/leaflet/leaflet.js" in html
    assert "marker-icon.png" in html  # the explicit Leaflet icon paths
    response = client.post("/projects/new/", _create_post(world))
    assert response.status_code == 302
    project = Project.objects.get(name="大兴新城道路二期")
    assert response["Location"] == f"/projects/{project.pk}/"
    stage = project.stages.get(stage="construction")
    assert stage.planned_end == dt.date(2027, 5, 1)


def test_create_refuses_bad_input_in_chinese_and_writes_nothing(regulator, login_as, world):
    client = login_as(regulator)
    before = (Project.objects.count(), LedgerEntry.objects.count())
    response = client.post(
        "/projects/new/", _create_post(world, longitude="39.73", latitude="116.34")
    )
    assert response.status_code == 400
    assert "不在中国境内" in response.content.decode()
    response = client.post(
        "/projects/new/",
        _create_post(world, site_polygon='{"type": "Point", "coordinates": [1, 2]}'),
    )
    assert response.status_code == 400
    assert "用地范围须为 GeoJSON 的 Polygon 或 MultiPolygon" in response.content.decode()
    response = client.post(
        "/projects/new/",
        _create_post(
            world, plan_construction_start="2027-05-01", plan_construction_end="2026-05-01"
        ),
    )
    assert response.status_code == 400
    assert "施工的结束日期早于开始日期" in response.content.decode()
    assert (Project.objects.count(), LedgerEntry.objects.count()) == before


def test_contractor_cannot_open_the_create_page(contractor, login_as):
    response = login_as(contractor).get("/projects/new/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "登记项目" in html


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(REGISTER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/projects/map/points.json").status_code == 302


def test_actions_refuse_another_party_with_403_before_reading_the_form(contractor, login_as, world):
    """The general contractor sees the project but is not the owner's side, no inspector, and
    holds no five-party lead yet: every action is a 403 with an empty form, never the form's 400."""
    a = world["a"]
    Project.objects.filter(pk=a.pk).update(stage="construction")
    _join_project(contractor, a)
    node = KeyNode.objects.filter(project=a).order_by("sequence").first()
    client = login_as(contractor)
    assert client.get(f"/projects/{a.pk}/").status_code == 200
    for path in ("participants", "leads", "documents", f"nodes/{node.pk}/inspect", "completion"):
        response = client.post(f"/projects/{a.pk}/{path}/", {})
        assert response.status_code == 403, (path, response.status_code)


def test_an_inspector_still_gets_the_forms_400(regulator, login_as, world):
    a = world["a"]
    Project.objects.filter(pk=a.pk).update(stage="construction")
    node = KeyNode.objects.filter(project=a).order_by("sequence").first()
    client = login_as(regulator)
    assert client.post(f"/projects/{a.pk}/nodes/{node.pk}/inspect/", {}).status_code == 400
    assert client.post(f"/projects/{a.pk}/participants/", {}).status_code == 400
