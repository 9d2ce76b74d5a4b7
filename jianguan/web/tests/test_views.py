"""Dashboard, sidebar by role, Chinese error pages and the health check."""

from __future__ import annotations

import json
import re
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.web import views as web_views

pytestmark = pytest.mark.django_db


def _counts(html: str) -> dict[str, int]:
    table = html[html.index('id="org-counts"') :]
    table = table[: table.index("</table>")]
    return {
        label: int(n)
        for label, n in re.findall(r"<a [^>]*>([^<]+)</a></td><td[^>]*>(\d+)</td>", table)
    }


def _nav(html: str) -> list[str]:
    return re.findall(r'data-nav="([a-z_]+)"', html)


def test_dashboard_shows_counts_by_kind_in_chinese(regulator, login_as):
    OrganisationFactory(kind="owner")
    OrganisationFactory(kind="owner")
    OrganisationFactory(kind="supervisor")
    OrganisationFactory(kind="insurer", is_active=False)
    response = login_as(regulator).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台" in html and "各类机构数量" in html
    assert html.count(">各类机构数量<") == 1  # once: the table and its chart share one panel
    counts = _counts(html)
    assert len(counts) == 12
    assert counts["建设单位"] == 2
    assert counts["行政监督部门"] == 1  # the regulator's own
    assert counts["监理单位"] == 1
    assert counts["保险公司"] == 0  # inactive organisations are not counted
    assert counts["施工总承包单位"] == 0
    assert 'id="org-total">4<' in html
    assert "reg，您好" in html
    # The chart gets the same figures as JSON.
    raw = re.search(r'id="org-chart-data" type="application/json">(.*?)</script>', html).group(1)
    chart = json.loads(raw)
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == counts


def test_dashboard_links_each_kind_to_the_filtered_list(regulator, contractor, login_as):
    html = login_as(regulator).get("/").content.decode()
    assert 'href="/accounts/organisations/?kind=general_contractor"' in html
    # The organisations by kind are the regulator's picture of the district, not a contractor's.
    html = login_as(contractor).get("/").content.decode()
    assert "各类机构数量" not in html and 'id="org-chart-data"' not in html


def test_sidebar_depends_on_roles(regulator, contractor, auditor, client, login_as):
    login_as(contractor)
    html = client.get("/").content.decode()
    nav = _nav(html)
    assert {"dashboard", "organisations", "rules", "calendar"} <= set(nav)
    assert "api" not in nav  # the API docs live on the help page, for developers
    assert "ledger" not in nav
    assert "可信存证" not in html
    assert client.get("/ledger/").status_code == 403
    client.post("/accounts/logout/")

    for persona in (regulator, auditor):
        login_as(persona)
        html = client.get("/").content.decode()
        assert "ledger" in _nav(html)
        assert "可信存证" in html
        assert client.get("/ledger/").status_code == 200
        client.post("/accounts/logout/")


def test_sidebar_marks_the_current_page(contractor, login_as):
    html = login_as(contractor).get("/accounts/organisations/").content.decode()
    active = re.findall(r'<li class="nav-item active">\s*<a class="nav-link" href="([^"]+)"', html)
    assert active == ["/accounts/organisations/"]


def test_switch_organisation(contractor, client, login_as):
    from jianguan.accounts import services
    from jianguan.accounts.models import User
    from jianguan.core.actor import SYSTEM

    other = OrganisationFactory(kind="supervisor", name="第二家监理公司")
    services.membership_grant(
        actor=SYSTEM,
        user=User.objects.get(pk=contractor.user_id),
        organisation=other,
        roles=["staff"],
    )
    login_as(contractor)
    html = client.get("/").content.decode()
    assert 'aria-label="切换机构"' in html
    response = client.post("/accounts/switch-organisation/", {"organisation": other.pk})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "当前机构：第二家监理公司" in html
    # Not a member: refused, the current organisation stays.
    stranger = OrganisationFactory(kind="regulator")
    client.post("/accounts/switch-organisation/", {"organisation": stranger.pk})
    html = client.get("/").content.decode()
    assert "您不是该机构的成员" in html
    assert "当前机构：第二家监理公司" in html
    assert client.get("/accounts/switch-organisation/").status_code == 405


def test_unknown_page_is_a_chinese_404(client, contractor, login_as):
    for c in (client, login_as(contractor)):
        response = c.get("/no-such-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert '<html lang="zh-CN">' in html
        assert "页面不存在" in html and "返回首页" in html


def test_403_page_is_chinese(contractor, login_as):
    response = login_as(contractor).get("/accounts/organisations/new/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "返回首页" in html


def test_400_and_500_handlers_are_chinese():
    request = RequestFactory().get("/somewhere/")
    response = web_views.bad_request(request)
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    response = web_views.server_error(request)
    assert response.status_code == 500 and "服务器内部错误" in response.content.decode()
    api_request = RequestFactory().get("/api/v1/x")
    response = web_views.server_error(api_request)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")


def test_500_page_renders_without_the_database():
    request = RequestFactory().get("/somewhere/")
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = web_views.server_error(request)
    assert response.status_code == 500
    assert "服务器内部错误" in response.content.decode()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable"
    assert body["detail"] == "OperationalError"
    # and healthy again afterwards
    assert client.get("/healthz").status_code == 200


def test_static_files_are_served_in_tests(client):
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200


def test_pages_load_nothing_from_the_internet(contractor, login_as):
    client = login_as(contractor)
    for url in ("/", "/accounts/organisations/", "/api/v1/docs"):
        html = client.get(url).content.decode()
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert refs, url
        external = [r for r in refs if re.match(r"(https?:)?//", r)]
        assert external == [], (url, external)


def test_dashboard_summarises_the_actors_projects(client, regulator, contractor, persona_password):
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.core.actor import SYSTEM
    from jianguan.projects.models import Project
    from jianguan.projects.services import project_create

    owner = OrganisationFactory(kind="owner")
    project = project_create(
        actor=SYSTEM,
        name="仪表盘测试项目",
        type="road",
        funding="government",
        budget="1000000",
        town=TownFactory(),
        longitude="116.33",
        latitude="39.72",
        owner=owner,
    )
    Project.objects.filter(pk=project.pk).update(warning_level=4)
    client.login(username="reg", password=persona_password)
    html = client.get("/").content.decode()
    assert "全区项目" in html and "仪表盘测试项目" in html and "红色预警" in html
    client.logout()
    client.login(username="gc", password=persona_password)
    html = client.get("/").content.decode()
    assert "仪表盘测试项目" not in html  # not a participant: not visible
