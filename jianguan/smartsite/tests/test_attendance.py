"""From registration to attendance through the API, and the gate's bad input: unknown device,
wrong key, unregistered person, no contract; the alerts, the headcount and the per-day rows."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite.tests.workers_helpers import id_number, site  # noqa: F401
from jianguan.smartsite.workers.models import AttendanceDay, EntryAlert

URL = "/api/v1/smartsite"


def call(client, method, path, headers=None, body=None):
    kwargs = {"content_type": "application/json"} if body is not None else {}
    if body is not None:
        kwargs["data"] = json.dumps(body, default=str)
    return getattr(client, method)(URL + path, headers=headers or {}, **kwargs)


@pytest.fixture
def gate(client, bearer, site):  # noqa: F811
    gc = bearer(site["actors"]["gc"])
    r = call(
        client,
        "post",
        f"/projects/{site['project'].pk}/gate-devices",
        gc,
        {"name": "东门人脸闸机", "serial": "GATE-001"},
    )
    assert r.status_code == 201, r.content
    return {"X-Device-Key": r.json()["key"]}


def test_registration_to_attendance_end_to_end(client, bearer, site, gate):  # noqa: F811
    labour = bearer(site["actors"]["labour"])
    pid = site["project"].pk
    number = id_number(dt.date(1980, 3, 8))
    r = call(
        client,
        "post",
        "/workers",
        labour,
        {"name": "李四", "id_number": number, "trade": "mason", "bank_card": "6217000010001234567"},
    )
    assert r.status_code == 201, r.content
    worker = r.json()
    assert worker["id_number"] == number  # the employer's labour officer sees it whole
    assert worker["trade_label"] == "砌筑工"
    today = today_local()
    r = call(
        client,
        "post",
        f"/projects/{pid}/contracts",
        labour,
        {"worker_id": worker["id"], "start": str(today - dt.timedelta(days=10))},
    )
    assert r.status_code == 201, r.content
    # an entry before placement is refused (and alerted)
    r = call(client, "post", "/gate-events", gate, {"id_number": number, "direction": "in"})
    assert r.status_code == 409 and r.json()["code"] == "not_placed"
    r = call(client, "post", f"/projects/{pid}/placements", labour, {"worker_id": worker["id"]})
    assert r.status_code == 201, r.content
    morning = dt.datetime.combine(today, dt.time(7, 30)).astimezone(dt.UTC)
    evening = morning + dt.timedelta(hours=9, minutes=15)
    if evening > dt.datetime.now(dt.UTC):
        morning -= dt.timedelta(days=1)
        evening -= dt.timedelta(days=1)
    for direction, at in (("in", morning), ("out", evening)):
        r = call(
            client,
            "post",
            "/gate-events",
            gate,
            {"id_number": number, "direction": direction, "at": at.isoformat()},
        )
        assert r.status_code == 201, r.content
    day = AttendanceDay.objects.get()
    assert day.minutes == 9 * 60 + 15 and day.events == 2
    r = call(
        client,
        "get",
        f"/projects/{pid}/attendance?start={day.day}&end={day.day}",
        bearer(site["actors"]["gc"]),
    )
    assert r.status_code == 200 and r.json()[0]["minutes"] == 555
    r = call(client, "get", f"/projects/{pid}/headcount?day={day.day}", labour)
    assert r.json()["total"] == 1
    assert r.json()["by_trade"] == [{"label": "砌筑工", "count": 1}]
    assert r.json()["by_employer"] == [{"label": "北京兴业劳务公司", "count": 1}]
    # the roster: the owner sees the masked number, the regulator the whole
    r = call(client, "get", f"/projects/{pid}/workers", bearer(site["actors"]["owner"]))
    assert r.json()[0]["worker_id_number"] == number[:6] + "********" + number[14:]
    r = call(client, "get", f"/projects/{pid}/workers", bearer(site["actors"]["regulator"]))
    assert r.json()[0]["worker_id_number"] == number
    # another contractor does not see the roster at all
    r = call(client, "get", f"/projects/{pid}/workers", bearer(site["actors"]["other_gc"]))
    assert r.status_code == 404
    types = set(LedgerEntry.objects.values_list("type", flat=True))
    assert {
        "smartsite.worker_registered",
        "smartsite.contract_signed",
        "smartsite.worker_placed",
        "smartsite.gate_device_registered",
        "smartsite.entry_refused",
    } <= types


def test_a_gate_event_from_an_unknown_device_or_with_a_wrong_key_is_401(client, gate):
    number = id_number(dt.date(1980, 3, 8))
    for headers in ({}, {"X-Device-Key": "gk_wrong"}, {"X-Device-Key": gate["X-Device-Key"] + "x"}):
        r = call(client, "post", "/gate-events", headers, {"id_number": number, "direction": "in"})
        assert r.status_code == 401
        assert r.json()["code"] == "device_unauthorized" and "密钥" in r.json()["message"]
    assert not EntryAlert.objects.exists()


def test_unregistered_and_contractless_people_are_refused_and_alerted(
    client,
    bearer,
    site,  # noqa: F811
    gate,
):
    stranger = id_number(dt.date(1979, 1, 2), seq=777)
    r = call(client, "post", "/gate-events", gate, {"id_number": stranger, "direction": "in"})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "worker_not_registered" and "实名" in body["message"]
    labour = bearer(site["actors"]["labour"])
    number = id_number(dt.date(1982, 5, 5))
    call(
        client, "post", "/workers", labour, {"name": "王五", "id_number": number, "trade": "welder"}
    )
    r = call(client, "post", "/gate-events", gate, {"id_number": number, "direction": "in"})
    assert r.status_code == 409 and r.json()["code"] == "no_contract"
    alerts = list(EntryAlert.objects.order_by("pk"))
    assert [a.reason for a in alerts] == ["worker_not_registered", "no_contract"]
    assert alerts[0].person_masked == stranger[:6] + "********" + stranger[14:]
    assert stranger not in bytes(LedgerEntry.objects.last().leaf_input).decode()
    # the alerts reach the GC's labour officer and the regulator (list and to-do), no one else
    for who, seen in (("gc", 2), ("regulator", 2), ("other_gc", 0), ("owner", 0)):
        r = call(client, "get", "/alerts", bearer(site["actors"][who]))
        assert r.status_code == 200 and len(r.json()) == seen, who
    from jianguan.core.todo import todo_for

    kinds = [i.kind for i in todo_for(site["actors"]["gc"], today_local())]
    assert kinds.count("smartsite.entry_alert") == 2
    assert not [
        i for i in todo_for(site["actors"]["other_gc"], today_local()) if i.module == "smartsite"
    ]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"id_number": "110115198203050001", "direction": "in"}, "bad_id_number"),
        ({"id_number": "x", "direction": "sideways"}, "validation_error"),
        ({"direction": "in"}, "validation_error"),
    ],
)
def test_bad_gate_bodies_are_400(client, gate, body, code):
    r = call(client, "post", "/gate-events", gate, body)
    assert r.status_code == 400 and r.json()["code"] == code


def test_the_gate_is_rate_limited(client, gate, settings, monkeypatch):
    settings.SMARTSITE_GATE_EVENTS_PER_MINUTE = 3
    monkeypatch.setattr("jianguan.core.ratelimit._now_minute", lambda: 29_000_000)
    number = id_number(dt.date(1979, 1, 2), seq=777)
    codes = [
        call(
            client, "post", "/gate-events", gate, {"id_number": number, "direction": "in"}
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [409, 409, 409] and codes[3:] == [429, 429]


def test_excel_import_reports_bad_rows_and_imports_good_ones(client, bearer, site):  # noqa: F811
    from openpyxl import Workbook

    good = id_number(dt.date(1990, 1, 1), seq=101)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    young = id_number(today_local().replace(year=today_local().year - 15), seq=102)
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "工种", "手机号"])
    sheet.append(["赵一", good, "钢筋工", 13800000001])
    sheet.append(["钱二", bad_check, "木工", ""])
    sheet.append(["孙三", young, "普工", ""])
    sheet.append(["", "", "", ""])
    sheet.append(["李四", good, "普工", ""])
    sheet.append(["周五", id_number(dt.date(1991, 2, 2), seq=103), "电工", ""])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "workers.xlsx"
    r = client.post(
        URL + "/workers/import", {"file": buf}, headers=bearer(site["actors"]["labour"])
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["rows"] == 5 and out["created"] == 2
    errors = {(e["row"], e["column"], e["code"]) for e in out["errors"]}
    assert errors == {
        (3, "身份证号", "id_number_check_digit"),
        (3, "工种", "bad_trade"),
        (4, "身份证号", "worker_under_age"),
        (6, "身份证号", "duplicate_identity"),
    }
    assert all(e["message"] for e in out["errors"])


def test_a_file_that_is_not_a_workbook_is_400(client, bearer, site):  # noqa: F811
    buf = io.BytesIO(b"not an excel file")
    buf.name = "workers.xlsx"
    r = client.post(
        URL + "/workers/import", {"file": buf}, headers=bearer(site["actors"]["labour"])
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_workbook"


def test_training_and_certificate_through_the_api(client, bearer, site):  # noqa: F811
    labour = bearer(site["actors"]["labour"])
    pid = site["project"].pk
    number = id_number(dt.date(1984, 8, 8), seq=321)
    worker = call(
        client, "post", "/workers", labour, {"name": "吴八", "id_number": number, "trade": "welder"}
    ).json()
    r = call(
        client,
        "post",
        f"/projects/{pid}/trainings",
        labour,
        {
            "worker_id": worker["id"],
            "kind": "three_level",
            "title": "三级安全教育",
            "held_on": str(today_local()),
            "hours": "24",
        },
    )
    assert r.status_code == 201 and r.json()["kind_label"] == "三级安全教育"
    body = {
        "worker_id": worker["id"],
        "kind": "special_operation",
        "name": "熔化焊接与热切割作业",
        "number": "T110",
    }
    r = call(client, "post", f"/projects/{pid}/certificates", labour, body)
    assert r.status_code == 201 and r.json()["kind_label"] == "特种作业操作证"
    # the owner sees the project but records nothing; another contractor does not see it
    r = call(client, "post", f"/projects/{pid}/certificates", bearer(site["actors"]["owner"]), body)
    assert r.status_code == 403
    r = call(
        client, "post", f"/projects/{pid}/certificates", bearer(site["actors"]["other_gc"]), body
    )
    assert r.status_code == 404
    r = call(client, "post", f"/projects/{pid}/trainings", labour, {**body, "kind": "nap"})
    assert r.status_code == 400


def test_a_manual_entry_is_ledgered_with_who_said_so(db):
    from jianguan.smartsite.tests.wages_helpers import build_wage_site
    from jianguan.smartsite.workers.models import AttendanceEvent

    s = build_wage_site(open_account=False, rates=False)
    manual = AttendanceEvent.objects.filter(source="manual")
    entries = LedgerEntry.objects.filter(type="smartsite.attendance_recorded_manually")
    assert manual.count() == entries.count() == 12  # 3 + 2 + 1 days, in and out
    event = manual.first()
    entry = entries.filter(object_id=str(event.pk)).get()
    leaf = bytes(entry.leaf_input).decode()
    assert event.direction in leaf and s["project"].code in leaf
    assert entry.actor_user == s["actors"]["gc"].username  # who said so
    assert event.worker.id_number_index in leaf  # the blind index, never the number
