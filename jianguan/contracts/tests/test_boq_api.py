"""工程量清单 over the API and on the BoQ tab: list with search and paging, import with row
errors, export, and the people who may not."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jianguan.contracts.models import BoqItem, Contract
from jianguan.contracts.tests.factories import boq_rows, make_contract
from jianguan.contracts.tests.test_boq import rows, xlsx
from jianguan.ledger.models import LedgerEntry

URL = "/api/v1/contracts/{}/boq"


def _file(content, name="清单.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def draft(deal):
    c = make_contract(
        project=deal["project"],
        employer=deal["orgs"]["owner"],
        contractor=deal["orgs"]["general_contractor"],
        supervisor=deal["orgs"]["supervisor"],
        items=0,
        status="draft",
        price=sum((r["amount"] for r in boq_rows(30)), Decimal(0)),
    )
    return {**deal, "draft": c}


def test_import_list_search_and_export(client, draft, bearer):
    c, h = draft["draft"], bearer(draft["actors"]["contractor"])
    r = client.post(URL.format(c.pk), {"file": _file(xlsx(rows(30)))}, headers=h)
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["count"] == 30 and Decimal(body["total"]) == c.price and body["warnings"] == []
    r = client.get(URL.format(c.pk) + "?limit=10&offset=20", headers=h)
    page = r.json()
    assert r.status_code == 200 and page["count"] == 30 and len(page["items"]) == 10
    assert page["items"][0]["sequence"] == 21 and Decimal(page["total_amount"]) == c.price
    r = client.get(URL.format(c.pk) + "?q=清单项目7", headers=h)
    assert {i["name"] for i in r.json()["items"]} == {"清单项目7"}
    assert r.json()["count"] == 1
    # anyone party to the contract reads it; the supervisor too
    r = client.get(URL.format(c.pk), headers=bearer(draft["actors"]["supervisor"]))
    assert r.status_code == 200 and r.json()["total_lines"] == 30
    r = client.get(URL.format(c.pk) + ".xlsx", headers=h)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert quote("工程量清单") in r["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == 31


def test_row_errors_come_back_and_nothing_changes(client, draft, bearer):
    c, h = draft["draft"], bearer(draft["actors"]["owner"])
    data = rows(4)
    data[1][1] = ""  # missing code
    data[3][1] = data[0][1]  # duplicate
    data[2][7] = data[2][7] + Decimal("5")  # amount off
    data[0][4] = "斤"  # unknown unit
    before = LedgerEntry.objects.count()
    r = client.post(URL.format(c.pk), {"file": _file(xlsx(data))}, headers=h)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "boq_invalid" and "错误" in body["message"]
    got = {(d["row"], d["column"]) for d in body["details"]}
    assert got == {(3, "项目编码"), (5, "项目编码"), (4, "合价"), (2, "计量单位")}
    assert all(d["message"] for d in body["details"])
    assert c.boq_items.count() == 0 and LedgerEntry.objects.count() == before
    for content in (b"\x00\x01 not a workbook", b"PK\x03\x04broken"):
        r = client.post(URL.format(c.pk), {"file": _file(content, "x.docx")}, headers=h)
        assert r.status_code == 400 and r.json()["code"] == "boq_invalid"
    r = client.post(URL.format(c.pk), {}, headers=h)
    assert r.status_code == 400 and r.json()["code"] == "validation_error"


def test_signed_contract_is_409_and_strangers_404(client, draft, bearer):
    signed = draft["contract"]
    h = bearer(draft["actors"]["owner"])
    r = client.post(URL.format(signed.pk), {"file": _file(xlsx(rows(2)))}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "boq_locked"
    assert "变更" in r.json()["message"] and signed.boq_items.count() == 5
    stranger = bearer(draft["actors"]["other_owner"])
    for url in (URL.format(signed.pk), URL.format(signed.pk) + ".xlsx"):
        r = client.get(url, headers=stranger)
        assert r.status_code == 404 and r.json()["code"] == "contract_not_found"
    r = client.post(URL.format(draft["draft"].pk), {"file": _file(xlsx(rows(2)))}, headers=stranger)
    assert r.status_code == 404
    r = client.post(
        URL.format(draft["draft"].pk),
        {"file": _file(xlsx(rows(2)))},
        headers=bearer(draft["actors"]["supervisor"]),
    )
    assert r.status_code == 403
    assert client.get(URL.format(99999999999999999999), headers=h).status_code == 404
    for bad in ("?limit=5000", "?offset=-1", "?q=" + "x" * 101, "?changed=maybe"):
        r = client.get(URL.format(signed.pk) + bad, headers=h)
        assert r.status_code == 400 and r.json()["code"] == "validation_error"


def test_changed_lines_are_marked(client, draft, bearer):
    signed = draft["contract"]
    item = signed.boq_items.get(sequence=2)
    BoqItem.objects.filter(pk=item.pk).update(current_quantity=item.quantity + 10)
    h = bearer(draft["actors"]["owner"])
    r = client.get(URL.format(signed.pk) + "?changed=true", headers=h)
    assert [i["sequence"] for i in r.json()["items"]] == [2]
    assert r.json()["items"][0]["changed"] is True
    assert Decimal(r.json()["current_amount"]) == signed.price + 10 * item.unit_rate


# --- the page -------------------------------------------------------------------------------


def test_tab_lists_pages_and_imports(client, draft):
    c = draft["draft"]
    client.force_login(draft["actors"]["owner"].user)
    url = reverse("contracts:boq", args=[c.pk])
    r = client.get(url)
    page = r.content.decode()
    assert r.status_code == 200 and 'id="form-boq-import"' in page and "暂无清单" in page
    data = rows(4)
    data[1][1] = ""
    r = client.post(url, {"file": _file(xlsx(data))})
    page = r.content.decode()
    assert r.status_code == 400 and "缺少项目编码" in page and "处错误" in page
    assert 'id="boq-errors"' in page and c.boq_items.count() == 0
    r = client.post(url, {"file": _file(xlsx(rows(30)))}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "已导入 30 条" in page
    assert Contract.objects.get(pk=c.pk).boq_items.count() == 30
    r = client.get(url + "?q=清单项目12")
    assert "清单项目12" in r.content.decode() and "清单项目13" not in r.content.decode()
    r = client.get(url + "?page=2&size=20")
    assert "清单项目21" in r.content.decode() and "清单项目3<" not in r.content.decode()
    r = client.get(reverse("contracts:boq_export", args=[c.pk]))
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]


def test_tab_for_signed_contract_and_strangers(client, draft):
    signed = draft["contract"]
    item = signed.boq_items.get(sequence=3)
    BoqItem.objects.filter(pk=item.pk).update(current_quantity=item.quantity + 1)
    client.force_login(draft["actors"]["supervisor"].user)
    r = client.get(reverse("contracts:boq", args=[signed.pk]))
    page = r.content.decode()
    assert r.status_code == 200 and 'id="form-boq-import"' not in page
    assert "table-warning" in page and item.code in page
    r = client.post(reverse("contracts:boq", args=[signed.pk]), {"file": _file(xlsx(rows(2)))})
    assert r.status_code in (403, 409) and signed.boq_items.count() == 5
    client.force_login(draft["actors"]["other_owner"].user)
    assert client.get(reverse("contracts:boq", args=[signed.pk])).status_code == 404
    assert client.get(reverse("contracts:boq_export", args=[signed.pk])).status_code == 404
