"""The wages API end to end: registration and attendance (through the workers API) → account
→ rates → payroll → confirmation → signatures → payment; refusals as 4xx with stable codes."""

from __future__ import annotations

import datetime as dt
import json

from jianguan.core.timeutil import SHANGHAI, today_local
from jianguan.smartsite.tests.wages_helpers import last_month
from jianguan.smartsite.tests.workers_helpers import id_number, site  # noqa: F401

URL = "/api/v1/smartsite"


def call(client, method, path, headers, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    return getattr(client, method)(URL + path, headers=headers, **kwargs)


def test_worker_registration_to_payment_through_the_api(client, bearer, site):  # noqa: F811
    gc, labour = bearer(site["actors"]["gc"]), bearer(site["actors"]["labour"])
    reg, other = bearer(site["actors"]["regulator"]), bearer(site["actors"]["other_gc"])
    pk, month = site["project"].pk, last_month()
    p = f"/projects/{pk}"
    r = call(client, "post", "/workers", labour, {
        "name": "刘春生", "id_number": id_number(dt.date(1979, 5, 6), 321), "trade": "mason",
        "bank_card": "6228480012345678901",
    })  # fmt: skip
    assert r.status_code == 201, r.content
    worker_id = r.json()["id"]
    r = call(client, "post", f"{p}/contracts", labour, {
        "worker_id": worker_id, "start": str(month - dt.timedelta(days=5)),
    })  # fmt: skip
    assert r.status_code == 201, r.content
    r = call(client, "post", f"{p}/placements", labour, {"worker_id": worker_id, "on": str(month)})
    assert r.status_code == 201, r.content
    for day in (1, 2, 5, 6):
        for direction, hour in (("in", 7), ("out", 17)):
            at = dt.datetime.combine(month.replace(day=day), dt.time(hour), tzinfo=SHANGHAI)
            r = call(client, "post", f"{p}/attendance", labour, {
                "worker_id": worker_id, "direction": direction, "at": at.isoformat(),
            })  # fmt: skip
            assert r.status_code == 201, r.content

    account = {
        "bank": "中国建设银行北京大兴支行", "account_number": "11050123456789", "opened_on": str(month),
        "pay_day": 10, "labour_officer_name": "钱专管", "labour_officer_phone": "13911112222",
    }  # fmt: skip
    assert call(client, "post", f"{p}/wage-account", labour, account).status_code == 403
    r = call(client, "post", f"{p}/wage-account", gc, {**account, "pay_day": 40})
    assert r.status_code == 400 and r.json()["code"] == "bad_pay_day"
    r = call(client, "post", f"{p}/wage-account", gc, account)
    assert r.status_code == 200 and r.json()["account_masked"] == "1105******6789"
    r = call(client, "post", f"{p}/pay-rates", labour, {"trade": "mason", "daily_rate": "-300"})
    assert r.status_code == 400 and r.json()["code"] == "bad_rate"
    r = call(client, "post", f"{p}/pay-rates", labour, {"trade": "mason", "daily_rate": "380.00"})
    assert r.status_code == 201, r.content
    future = {"employer_id": site["orgs"]["labour"].pk, "month": "2999-01"}
    r = call(client, "post", f"{p}/payrolls", gc, future)
    assert r.status_code == 400 and r.json()["code"] == "future_month"
    r = call(client, "post", f"{p}/payrolls", gc, {**future, "month": f"{month:%Y-%m}"})
    assert r.status_code == 201, r.content
    payroll = r.json()
    assert payroll["total"] == "1520.00" and payroll["lines"][0]["days"] == 4
    q = f"{p}/payrolls/{payroll['id']}"
    pay = {"worker_id": worker_id, "amount": "1000", "paid_on": str(today_local()),
           "bank_reference": "CCB-001"}  # fmt: skip
    r = call(client, "post", f"{q}/payments", gc, pay)
    assert r.status_code == 400 and r.json()["code"] == "not_signed"
    r = call(client, "post", f"{q}/confirm", gc)
    assert r.status_code == 403 and r.json()["code"] == "not_employer"
    assert call(client, "post", f"{q}/confirm", labour).json()["status"] == "confirmed"
    r = client.post(
        URL + f"{q}/signatures",
        {"sheet": _file(b"%PDF-1.7 signed"), "signed_on": str(today_local())},
        headers=gc,
    )
    assert r.status_code == 200 and r.json()["status"] == "signed", r.content
    r = call(client, "post", f"{q}/payments", gc, {**pay, "amount": "2000"})
    assert r.status_code == 400 and r.json()["code"] == "overpayment"
    r = call(client, "post", f"{q}/payments", gc, pay)
    assert r.status_code == 201 and r.json()["owed"] == "520.00"
    assert r.json()["status_label"] == "部分发放"
    # reads: the regulator sees it, another contractor is told the project does not exist
    assert call(client, "get", q, reg).json()["lines"][0]["payments"][0]["bank_reference"]
    assert call(client, "get", q, other).status_code == 404
    board = call(client, "get", f"{p}/wage-notice", labour).json()
    assert board["labour_officer_name"] == "钱专管" and board["pay_day"] == 10
    assert call(client, "get", "/wage-arrears", reg).json() == []


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("sheet.pdf", data, "application/pdf")


def test_the_arrears_routes_keep_their_operation_ids_after_moving_into_arrears(client):
    # Clients are generated from these ids; the routes moved from wages/api.py to
    # wages/arrears/api.py and must still publish the old ones.
    spec = client.get("/api/v1/openapi.json").json()
    ids = {
        f"{method.upper()} {path}": (op["operationId"], op["tags"])
        for path, ops in spec["paths"].items()
        if path.startswith(URL + "/wage-arrears")
        for method, op in ops.items()
    }
    old, tags = "jianguan_smartsite_wages_api_", ["智慧工地：农民工工资"]
    assert ids == {
        f"GET {URL}/wage-arrears": (old + "wage_arrears", tags),
        f"POST {URL}/wage-arrears/{{arrears_id}}/decision": (old + "wage_arrears_decide", tags),
    }
