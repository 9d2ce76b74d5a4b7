"""The 实名制 pages: registration through the form, masking by role, the import page, the
attendance page, the project page's link, and another contractor kept out."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from jianguan.core.timeutil import today_local
from jianguan.smartsite.tests.workers_helpers import id_number, site  # noqa: F401
from jianguan.smartsite.workers import services
from jianguan.smartsite.workers.attendance import services as attendance_services
from jianguan.smartsite.workers.models import Placement, Worker

NUMBER = id_number(dt.date(1983, 4, 9), seq=246)


def _register_by_form(client, site, number=NUMBER):  # noqa: F811
    return client.post(
        f"/smartsite/projects/{site['project'].pk}/workers/",
        {
            "name": "陈六",
            "id_number": number,
            "trade": "electrician",
            "employer": site["orgs"]["labour"].pk,
            "bank_card": "6222021234567890123",
            "contract_start": str(today_local()),
        },
    )


def test_register_contract_and_place_through_the_page(login, site):  # noqa: F811
    client = login(site["actors"]["labour"])
    r = _register_by_form(client, site)
    assert r.status_code == 302, r.content.decode()[:2000]
    placement = Placement.objects.get()
    assert placement.worker.name == "陈六" and placement.contract.signed
    page = client.get(f"/smartsite/projects/{site['project'].pk}/").content.decode()
    assert NUMBER in page  # the employer's labour officer
    assert "电工" in page and "北京兴业劳务公司" in page
    # the owner sees the masked number only
    page = login(site["actors"]["owner"]).get(f"/smartsite/projects/{site['project'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and NUMBER not in text
    assert NUMBER[:6] + "********" + NUMBER[14:] in text
    assert 'id="worker-form"' not in text  # the owner does not register workers


def test_bad_input_on_the_form_is_a_chinese_400_and_writes_nothing(login, site):  # noqa: F811
    client = login(site["actors"]["labour"])
    bad = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    r = _register_by_form(client, site, bad)
    assert r.status_code == 400 and "校验位不正确" in r.content.decode()
    young = id_number(today_local().replace(year=today_local().year - 15), seq=111)
    r = _register_by_form(client, site, young)
    assert r.status_code == 400 and "未满16周岁" in r.content.decode()
    assert not Worker.objects.exists()
    _register_by_form(client, site)
    r = _register_by_form(client, site)
    assert r.status_code == 409 and "已实名登记" in r.content.decode()
    assert Worker.objects.count() == 1


def test_another_contractor_cannot_open_the_roster(login, site):  # noqa: F811
    for who in ("other_gc", "other_labour"):
        client = login(site["actors"][who])
        assert client.get(f"/smartsite/projects/{site['project'].pk}/").status_code == 404
        r = client.get(f"/smartsite/projects/{site['project'].pk}/attendance/")
        assert r.status_code == 404
        assert _register_by_form(client, site).status_code == 404
    assert not Worker.objects.exists()


def test_import_page_shows_row_errors(login, site):  # noqa: F811
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "身份证号", "工种"])
    book.active.append(["甲", NUMBER, "钢筋工"])
    book.active.append(["乙", "123", "钢筋工"])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "w.xlsx"
    client = login(site["actors"]["labour"])
    url = f"/smartsite/projects/{site['project'].pk}/import/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"employer": site["orgs"]["labour"].pk, "file": buf})
    text = r.content.decode()
    assert r.status_code == 200
    assert "成功 1 行" in text and 'data-row="3"' in text and "身份证号应为18位" in text
    assert client.get("/smartsite/workers/template.xlsx").status_code == 200


def test_attendance_page_and_manual_entry(login, site):  # noqa: F811
    labour = site["actors"]["labour"]
    worker = services.worker_register(
        actor=labour, employer=site["orgs"]["labour"], name="周七", id_number=NUMBER, trade="mason"
    )
    services.labour_contract_sign(
        actor=labour, worker=worker, project=site["project"], start=today_local()
    )
    services.worker_place(actor=labour, worker=worker, project=site["project"])
    client = login(labour)
    url = f"/smartsite/projects/{site['project'].pk}/attendance/"
    at = dt.datetime.combine(today_local(), dt.time(0, 5))
    r = client.post(
        url, {"worker": worker.pk, "direction": "in", "at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    page = client.get(url).content.decode()
    assert 'id="headcount-total">1<' in page and "砌筑工" in page
    assert client.get(url + "?day=not-a-date").status_code == 200


def test_the_project_page_links_to_the_roster_for_those_who_may_open_it(login, site):  # noqa: F811
    target = f"/smartsite/projects/{site['project'].pk}/"
    page = login(site["actors"]["gc"]).get(f"/projects/{site['project'].pk}/").content.decode()
    assert target in page
    page = login(site["actors"]["regulator"]).get("/smartsite/").content.decode()
    assert "智慧工地" in page


def test_a_gate_can_be_registered_and_alerts_closed_on_the_page(login, site):  # noqa: F811
    client = login(site["actors"]["gc"])
    r = client.post(
        f"/smartsite/projects/{site['project'].pk}/devices/", {"name": "北门", "serial": "G-9"}
    )
    assert r.status_code == 200 and "gk_" in r.content.decode()
    device = site["project"].gate_devices.get()
    from jianguan.core.errors import DomainError

    with pytest.raises(DomainError):
        attendance_services.gate_event_record(device=device, id_number=NUMBER, direction="in")
    alert = device.project.entry_alerts.get()
    r = client.post(
        f"/smartsite/projects/{site['project'].pk}/alerts/close/",
        {"alert": alert.pk, "note": "已劝离并通知劳务公司"},
    )
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed"


def test_training_certificate_and_exit_through_the_page(login, site):  # noqa: F811
    client = login(site["actors"]["labour"])
    _register_by_form(client, site)
    worker = Worker.objects.get()
    base = f"/smartsite/projects/{site['project'].pk}/"
    page = client.get(base).content.decode()
    assert "无安全教育记录" in page
    r = client.post(
        base + "trainings/",
        {
            "worker": worker.pk,
            "kind": "three_level",
            "title": "三级安全教育",
            "held_on": str(today_local()),
            "hours": "24",
            "passed": "on",
        },
    )
    assert r.status_code == 302
    r = client.post(
        base + "certificates/",
        {"worker": worker.pk, "kind": "special_operation", "name": "低压电工作业", "number": "T1"},
    )
    assert r.status_code == 302
    page = client.get(base).content.decode()
    assert "三级安全教育" in page and "低压电工作业" in page
    # the owner may not record anything
    owner = login(site["actors"]["owner"])
    assert owner.post(base + "trainings/", {"worker": worker.pk}).status_code == 403
    placement = Placement.objects.get()
    assert owner.post(base + "exit/", {"placement": placement.pk}).status_code == 403
    client = login(site["actors"]["labour"])
    assert client.post(base + "exit/", {"placement": placement.pk}).status_code == 302
    placement.refresh_from_db()
    assert placement.status == "left" and placement.left_on == today_local()
    r = client.post(base + "exit/", {"placement": placement.pk + 999})
    assert r.status_code == 404
