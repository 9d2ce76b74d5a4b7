"""The final account by HTTP (API and pages) and the GB 50500 Excel export: refusals in
Chinese with stable codes, nothing changed; 403 before 400."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from jianguan.contracts.models import BoqItem
from jianguan.cost.settlement import services
from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine
from jianguan.cost.settlement.tests.factories import add_boq, complete

pytestmark = pytest.mark.django_db
J = "application/json"


def _as(client, actor):
    client.force_login(actor.user)
    return client


@pytest.fixture
def site(deal):
    contract = deal["contract"]
    BoqItem.objects.filter(contract=contract).delete()
    add_boq(
        contract,
        [
            ("010101001001", "土方开挖", "m3", "1000", "25.00"),
            ("010515001001", "现浇构件钢筋", "t", "50", "4800.00"),
        ],
    )
    return deal


def test_api_draft_submit_and_refusals(site, client):
    a, cid = site["actors"], site["contract"].pk
    base = "/api/v1/cost/settlement"
    c = _as(client, a["contractor"])
    r = c.post(f"{base}/contracts/{cid}/account")
    assert r.status_code == 409 and r.json()["code"] == "completion_not_accepted"
    assert "竣工验收" in r.json()["message"] and not FinalAccount.objects.exists()
    complete(site["project"])
    c = _as(client, a["owner"])  # 403 before the contract is even looked at
    assert c.post(f"{base}/contracts/{cid}/account").status_code == 403
    c = _as(client, a["contractor"])
    r = c.post(f"{base}/contracts/{cid}/account")
    assert r.status_code == 201
    body = r.json()
    fid = body["id"]
    assert body["submitted_amount"] == "265000.00"  # 25,000 + 240,000
    assert body["status_label"] == "编制中"
    # a code not in the contract: 400, nothing changed
    r = c.post(
        f"{base}/accounts/{fid}/quantities",
        data={
            "quantities": [
                {"code": "010101001001", "quantity": "1100"},
                {"code": "X1", "quantity": "1"},
            ]
        },
        content_type=J,
    )
    assert r.status_code == 400 and r.json()["code"] == "line_not_in_contract"
    assert FinalAccountLine.objects.get(account_id=fid, code="010101001001").quantity == D("1000")
    for bad in ("NaN", "-1", "Infinity"):
        r = c.post(
            f"{base}/accounts/{fid}/quantities",
            data={"quantities": [{"code": "010101001001", "quantity": bad}]},
            content_type=J,
        )
        assert r.status_code == 400, bad
        r = c.post(
            f"{base}/accounts/{fid}/lines",
            data={"kind": "claim", "name": "索赔", "amount": bad},
            content_type=J,
        )
        assert r.status_code == 400, bad
    r = c.post(
        f"{base}/accounts/{fid}/quantities",
        data={"quantities": [{"code": "010101001001", "quantity": "1100"}]},
        content_type=J,
    )
    assert r.status_code == 200 and r.json()["submitted_amount"] == "267500.00"
    r = c.post(
        f"{base}/accounts/{fid}/lines",
        data={"kind": "deduction", "name": "甲供材", "amount": "7500"},
        content_type=J,
    )
    assert r.status_code == 201 and r.json()["claimed_amount"] == "-7500.00"
    line_id = r.json()["id"]
    assert c.delete(f"{base}/accounts/{fid}/lines/{line_id}").status_code == 204
    # the owner does not see the contractor's draft before it is submitted
    c = _as(client, a["owner"])
    r = c.post(f"{base}/accounts/{fid}/actions", data={"action": "submit"}, content_type=J)
    assert r.status_code == 404
    assert c.get(f"{base}/accounts").json() == []
    c = _as(client, a["contractor"])
    r = c.post(f"{base}/accounts/{fid}/actions", data={"action": "submit"}, content_type=J)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["review_due_on"]
    # payments: 403 for the contractor before the body; 409 before signing for the owner
    r = c.post(f"{base}/accounts/{fid}/payments", data={"amount": "NaN"}, content_type=J)
    assert r.status_code == 403
    c = _as(client, a["owner"])
    r = c.post(f"{base}/accounts/{fid}/payments", data={"amount": "1"}, content_type=J)
    assert r.status_code == 409
    r = c.post(f"{base}/accounts/{fid}/actions", data={"action": "sign"}, content_type=J)
    assert r.status_code == 409  # nothing to sign before the amount is confirmed
    r = c.post(f"{base}/accounts/{fid}/actions", data={"action": "accept"}, content_type=J)
    assert r.status_code == 200 and r.json()["status"] == "owner_reviewed"
    # another owner sees nothing
    c = _as(client, a["other_owner"])
    assert c.get(f"{base}/accounts/{fid}").status_code == 404
    assert c.get(f"{base}/accounts").json() == []


def test_pages_and_excel_export(site, client):
    a, contract = site["actors"], site["contract"]
    complete(site["project"])
    gc = a["contractor"]
    account = services.final_account_create(actor=gc, contract=contract)
    services.final_account_line_add(
        actor=gc, account=account, kind="claim", name="窝工索赔", amount="1000"
    )
    c = _as(client, gc)
    page = c.get(f"/cost/settlement/accounts/{account.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "竣工结算汇总" in html and "266,000.00" in html and "提交发包人审核" in html
    # a page post with a code not in the contract: 400 with the message, nothing changed
    r = c.post(
        f"/cost/settlement/accounts/{account.pk}/act/",
        {"action": "quantities", "quantities": "999 1"},
    )
    assert r.status_code == 400 and "合同工程量清单中没有项目编码 999" in r.content.decode()
    r = c.post(f"/cost/settlement/accounts/{account.pk}/act/", {"action": "submit"})
    assert r.status_code == 302
    # the owner's page shows the review form with its clock
    c = _as(client, a["owner"])
    html = c.get(f"/cost/settlement/accounts/{account.pk}/").content.decode()
    assert "发包人审核" in html and "审核通过，送结算审计" in html
    assert c.get(f"/cost/settlement/contracts/{contract.pk}/").status_code == 200
    assert c.get("/cost/settlement/").status_code == 200
    r = c.get(f"/cost/settlement/accounts/{account.pk}/export.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [
        "竣工结算汇总表",
        "分部分项工程和单价措施项目清单与计价表",
        "其他项目",
    ]
    summary = [row for row in book["竣工结算汇总表"].iter_rows(values_only=True)]
    total = next(row for row in summary if row[1] == "竣工结算总价合计")
    assert total[2] == 266000.0  # 25,000 + 240,000 + 1,000
    detail = list(book["分部分项工程和单价措施项目清单与计价表"].iter_rows(values_only=True))
    assert detail[2][:3] == ("序号", "项目编码", "项目名称")
    assert detail[3][1] == "010101001001" and detail[3][7] == 25000.0
    other = list(book["其他项目"].iter_rows(values_only=True))
    assert other[2][1] == "索赔" and other[2][4] == 1000.0
    # a stranger: 404
    c = _as(client, a["other_owner"])
    assert c.get(f"/cost/settlement/accounts/{account.pk}/").status_code == 404
