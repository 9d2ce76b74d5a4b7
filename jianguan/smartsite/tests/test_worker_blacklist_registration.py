"""Registering a person on the personal blacklist: the registration goes through (placement and
the gate refuse the person), but the labour officer is told at once, with the entry's reason
and term, on the page, in the API's answer and on the import's row."""

from __future__ import annotations

import datetime as dt
import io
import json

from jianguan.core.timeutil import today_local
from jianguan.smartsite.tests.workers_helpers import id_number, site  # noqa: F401
from jianguan.smartsite.workers import services
from jianguan.smartsite.workers.blacklist import services as blacklist_services
from jianguan.smartsite.workers.blacklist.selectors import registration_warnings
from jianguan.smartsite.workers.models import Placement, Worker

LISTED = id_number(dt.date(1976, 3, 15), seq=515)
LISTED_TOO = id_number(dt.date(1979, 5, 20), seq=519)
CLEAR = id_number(dt.date(1988, 9, 9), seq=516)
CLEAR_TOO = id_number(dt.date(1989, 10, 10), seq=520)
REASON = "冒用他人身份证件登记"
UNTIL = today_local() + dt.timedelta(days=400)


def _list(site, number=LISTED, **extra):  # noqa: F811
    return blacklist_services.worker_blacklist_add(
        actor=site["actors"]["regulator"],
        id_number=number,
        name="吴建国",
        basis="real_name_fraud",
        article="《建筑工人实名制管理办法（试行）》第二十条",
        reason=REASON,
        **{"valid_until": UNTIL, **extra},
    )


def _says_reason_and_term(text: str) -> bool:
    return (
        "黑名单" in text
        and REASON in text
        and f"{today_local():%Y年%m月%d日}至{UNTIL:%Y年%m月%d日}" in text
        and "不能进场" in text
    )


def test_the_registration_page_warns_and_still_registers(login, site):  # noqa: F811
    _list(site)
    client = login(site["actors"]["labour"])
    url = f"/smartsite/projects/{site['project'].pk}/workers/"
    form = {"trade": "electrician", "employer": site["orgs"]["labour"].pk}
    r = client.post(url, {**form, "name": "吴建国", "id_number": LISTED}, follow=True)
    assert r.status_code == 200
    page = r.content.decode()
    assert 'class="alert alert-warning"' in page and _says_reason_and_term(page), page[-3000:]
    assert Worker.objects.filter(name="吴建国").exists() and not Placement.objects.exists()
    r = client.post(url, {**form, "name": "郑清白", "id_number": CLEAR}, follow=True)
    assert r.status_code == 200 and "alert-warning" not in r.content.decode()


def test_the_api_answers_the_registration_with_the_warning(client, bearer, site):  # noqa: F811
    _list(site)
    labour = bearer(site["actors"]["labour"])
    body = {"name": "吴建国", "id_number": LISTED, "trade": "mason"}
    r = client.post("/api/v1/smartsite/workers", data=json.dumps(body),
                    content_type="application/json", headers=labour)  # fmt: skip
    assert r.status_code == 201, r.content
    (warning,) = r.json()["blacklist_warnings"]
    assert _says_reason_and_term(warning) and LISTED not in warning
    body = {"name": "郑清白", "id_number": CLEAR, "trade": "mason"}
    r = client.post("/api/v1/smartsite/workers", data=json.dumps(body),
                    content_type="application/json", headers=labour)  # fmt: skip
    assert r.status_code == 201 and r.json()["blacklist_warnings"] == []


def _workbook(clear: str, listed: str) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "身份证号", "工种"])
    book.active.append(["郑清白", clear, "钢筋工"])
    book.active.append(["吴建国", listed, "普工"])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "workers.xlsx"
    return buf


def test_the_import_carries_the_warning_on_the_row(client, bearer, login, site):  # noqa: F811
    _list(site)
    _list(site, LISTED_TOO)
    r = client.post(
        "/api/v1/smartsite/workers/import",
        {"file": _workbook(CLEAR, LISTED)},
        headers=bearer(site["actors"]["labour"]),
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["created"] == 2 and out["errors"] == []
    (warning,) = out["warnings"]
    assert (warning["row"], warning["column"], warning["code"]) == (
        3,
        "身份证号",
        "worker_blacklisted",
    )
    assert _says_reason_and_term(warning["message"])
    # the page shows the row's warning the same way
    client = login(site["actors"]["labour"])
    url = f"/smartsite/projects/{site['project'].pk}/import/"
    r = client.post(
        url, {"employer": site["orgs"]["labour"].pk, "file": _workbook(CLEAR_TOO, LISTED_TOO)}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "成功 2 行" in page and 'id="import-warnings"' in page
    assert 'data-row="3"' in page and _says_reason_and_term(page)


def test_only_an_entry_that_bars_now_or_later_warns(site):  # noqa: F811
    entry = _list(site)
    later = id_number(dt.date(1970, 1, 1), seq=517)
    _list(site, later, valid_from=today_local() + dt.timedelta(days=30))
    over = id_number(dt.date(1971, 1, 1), seq=518)
    _list(site, over, valid_from=today_local() - dt.timedelta(days=60),
          valid_until=today_local() - dt.timedelta(days=1))  # fmt: skip
    blacklist_services.worker_blacklist_lift(
        actor=site["actors"]["regulator"], entry=entry, reason="经复核撤销"
    )
    labour = site["actors"]["labour"]

    def register(number, name):
        worker = services.worker_register(
            actor=labour,
            employer=site["orgs"]["labour"],
            name=name,
            id_number=number,
            trade="mason",
        )
        return registration_warnings(worker, today_local())

    assert register(LISTED, "吴建国") == []  # lifted
    assert register(over, "王过期") == []  # term over
    (pending,) = register(later, "冯将至")  # not yet in force: bars from its first day
    assert f"{today_local() + dt.timedelta(days=30):%Y年%m月%d日}至{UNTIL:%Y年%m月%d日}" in pending
