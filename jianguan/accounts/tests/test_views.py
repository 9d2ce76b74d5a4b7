"""Organisation pages: list with filters (and its htmx partial), create form, detail."""

from __future__ import annotations

import re

import pytest

from jianguan.accounts import credit_code as cc
from jianguan.accounts.models import Organisation
from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory, _code
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

NEW = "/accounts/organisations/new/"
LIST = "/accounts/organisations/"


def _form(**overrides):
    data = {
        "name": "北京京南建设工程有限公司",
        "kind": "general_contractor",
        "credit_code": _code(77),
        "legal_representative": "郑永刚",
        "contact_name": "",
        "contact_phone": "",
        "address": "",
        "town": "",
    }
    data.update(overrides)
    return data


def _state():
    return Organisation.objects.count(), LedgerEntry.objects.count()


def _field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'data-field-error="{field}">(.*?)</div>', html)


def test_create_form_is_chinese(regulator, login_as):
    response = login_as(regulator).get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("登记机构", "统一社会信用代码", "法定代表人", "施工总承包单位", "所在乡镇街道"):
        assert text in html


def test_create_refuses_a_wrong_check_character(regulator, login_as):
    client = login_as(regulator)
    good = _code(77)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = _state()
    response = client.post(NEW, _form(credit_code=bad))
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_errors(html, "credit_code") == ["统一社会信用代码校验位错误，请核对后重新输入"]
    assert "is-invalid" in html
    assert _state() == before


def test_create_refuses_forbidden_letters_with_the_validator_message(regulator, login_as):
    client = login_as(regulator)
    before = _state()
    response = client.post(NEW, _form(credit_code="91110115O00000010X"))
    assert response.status_code == 400
    [message] = _field_errors(response.content.decode(), "credit_code")
    assert message.startswith("统一社会信用代码含有不允许的字符：O")
    assert _state() == before


def test_create_refuses_a_short_code_in_chinese(regulator, login_as):
    response = login_as(regulator).post(NEW, _form(credit_code="91110115"))
    assert response.status_code == 400
    [message] = _field_errors(response.content.decode(), "credit_code")
    assert "18" in message
    assert re.search(r"[\u4e00-\u9fff]", message)


def test_create_refuses_missing_fields(regulator, login_as):
    before = _state()
    response = login_as(regulator).post(NEW, _form(name="", legal_representative=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_errors(html, "name") and _field_errors(html, "legal_representative")
    assert _state() == before


def test_create_refuses_a_duplicate_credit_code(regulator, login_as):
    existing = OrganisationFactory()
    before = _state()
    response = login_as(regulator).post(NEW, _form(credit_code=existing.credit_code.lower()))
    assert response.status_code == 400
    assert "该统一社会信用代码已登记" in response.content.decode()
    assert _state() == before


def test_create_succeeds_and_the_detail_page_shows_the_history(regulator, login_as):
    town = TownFactory(name="旧宫镇")
    client = login_as(regulator)
    before_entries = LedgerEntry.objects.count()
    code = cc.build("9", "1", "110115", "55667788")
    response = client.post(NEW, _form(credit_code=code.lower(), town=str(town.pk)))
    assert response.status_code == 302
    org = Organisation.objects.get(credit_code=code)
    assert response["Location"] == f"/accounts/organisations/{org.pk}/"
    assert org.town == town
    assert LedgerEntry.objects.count() == before_entries + 1

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "已登记机构：北京京南建设工程有限公司" in html  # the success message
    assert "施工总承包单位" in html and code in html and "旧宫镇" in html
    panel = html[html.index('data-testid="ledger-history"') :]
    assert "履历" in panel
    assert "organisation.created" in panel
    assert "暂无存证记录" not in panel


def test_detail_of_an_unknown_organisation_is_a_chinese_404(contractor, login_as):
    client = login_as(contractor)
    for pk in ("123456", "9223372036854775808", "99999999999999999999"):
        response = client.get(f"/accounts/organisations/{pk}/")
        assert response.status_code == 404, pk
        html = response.content.decode()
        assert "页面不存在" in html
        assert "机构不存在" in html


def test_list_filters_by_kind_and_q(contractor, login_as):
    OrganisationFactory(kind="owner", name="北京市大兴区教育委员会")
    OrganisationFactory(kind="owner", name="北京市大兴区卫生健康委员会")
    OrganisationFactory(kind="supervisor", name="北京兴正工程监理有限公司")
    client = login_as(contractor)

    html = client.get(LIST).content.decode()
    assert "共 4 家" in html

    html = client.get(LIST, {"kind": "owner"}).content.decode()
    assert "共 2 家" in html
    assert "教育委员会" in html and "卫生健康委员会" in html
    assert "监理有限公司" not in html

    html = client.get(LIST, {"q": "监理"}).content.decode()
    assert "共 1 家" in html and "北京兴正工程监理有限公司" in html

    html = client.get(LIST, {"q": "教育", "kind": "supervisor"}).content.decode()
    assert "没有符合条件的机构" in html

    # A nonsense kind is ignored rather than answered with an error.
    assert client.get(LIST, {"kind": "alien"}).status_code == 200


def test_htmx_request_gets_only_the_results_partial(contractor, login_as):
    OrganisationFactory(kind="owner", name="北京市大兴区教育委员会")
    client = login_as(contractor)
    full = client.get(LIST, {"kind": "owner"}).content.decode()
    partial = client.get(LIST, {"kind": "owner"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    html = partial.content.decode().strip()
    assert html.startswith('<div id="results">')
    assert "<html" not in html and "<form" not in html and "主菜单" not in html
    assert "北京市大兴区教育委员会" in html and "共 1 家" in html
    assert "<html" in full and '<div id="results">' in full


def test_list_paginates(contractor, login_as):
    for i in range(30):
        OrganisationFactory(kind="owner", name=f"北京测试建设单位{i:02d}")
    client = login_as(contractor)
    html = client.get(LIST, {"kind": "owner"}).content.decode()
    assert "共 30 家，第 1/2 页" in html
    assert "kind=owner&page=2" in html
    html = client.get(LIST, {"kind": "owner", "page": "2"}).content.decode()
    assert "第 2/2 页" in html
    assert client.get(LIST, {"page": "zzz"}).status_code == 200


def test_create_button_only_for_those_who_may_create(regulator, contractor, client, login_as):
    login_as(contractor)
    assert NEW not in client.get(LIST).content.decode()
    client.post("/accounts/logout/")
    login_as(regulator)
    assert NEW in client.get(LIST).content.decode()
