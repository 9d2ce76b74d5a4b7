"""The wage pages through the browser's forms: the project's wage page from the project page,
drafting, confirming, signatures, paying, the notice board, and refusals as 4xx in Chinese."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.timeutil import today_local
from jianguan.smartsite.tests.wages_helpers import wsite  # noqa: F401
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.wages.models import Payroll


def test_payroll_through_the_pages(wsite, login):  # noqa: F811
    s = wsite
    pk = s["project"].pk
    c = login(s["actors"]["gc"])
    assert f"/smartsite/projects/{pk}/wages/" in c.get(f"/projects/{pk}/").content.decode()
    page = c.get(f"/smartsite/projects/{pk}/wages/").content.decode()
    assert "0200***********2345" in page and "0200123456789012345" not in page
    bad = c.post(
        f"/smartsite/projects/{pk}/wages/payrolls/",
        {"employer": s["orgs"]["labour"].pk, "month": "2999-01"},
    )
    assert bad.status_code == 400 and "尚未到来的月份" in bad.content.decode()
    r = c.post(
        f"/smartsite/projects/{pk}/wages/payrolls/",
        {"employer": s["orgs"]["labour"].pk, "month": f"{s['month']:%Y-%m}"},
    )
    assert r.status_code == 302
    payroll = Payroll.objects.get()
    page = c.get(f"/smartsite/payrolls/{payroll.pk}/").content.decode()
    assert "王建国" in page and "2,200.50" in page
    # the general contractor cannot confirm for the subcontractor (403 in Chinese)
    r = c.post(f"/smartsite/payrolls/{payroll.pk}/confirm/")
    assert r.status_code == 403
    c = login(s["actors"]["labour"])
    assert c.post(f"/smartsite/payrolls/{payroll.pk}/confirm/").status_code == 302
    c = login(s["actors"]["gc"])
    r = c.post(
        f"/smartsite/payrolls/{payroll.pk}/signatures/",
        {
            "signed_on": str(today_local()),
            "sheet": SimpleUploadedFile("s.pdf", b"%PDF-1.4 x", "application/pdf"),
        },
    )
    assert r.status_code == 302
    line = payroll.lines.get(worker__name="王建国")
    pay = {"worker": line.worker_id, "paid_on": str(today_local()), "bank_reference": "R-9"}
    r = c.post(f"/smartsite/payrolls/{payroll.pk}/pay/", {**pay, "amount": "9999"})
    assert r.status_code == 400 and "超过" in r.content.decode()
    r = c.post(f"/smartsite/payrolls/{payroll.pk}/pay/", {**pay, "amount": "1,050.00"})
    assert r.status_code == 302
    payroll.refresh_from_db()
    assert payroll.status == workflow.PARTLY_PAID and payroll.paid == line.amount
    board = c.get(f"/smartsite/projects/{pk}/wages/notice/").content.decode()
    assert "赵劳资" in board and "2,540.00" in board and "12333" in board
    # another contractor does not see this project's wages
    c = login(s["actors"]["other_gc"])
    assert c.get(f"/smartsite/projects/{pk}/wages/").status_code == 404
    assert c.get(f"/smartsite/payrolls/{payroll.pk}/").status_code == 404


def test_the_regulator_decides_arrears_on_its_page(wsite, login):  # noqa: F811
    from jianguan.smartsite.wages import services
    from jianguan.smartsite.wages.arrears import services as arrears_services
    from jianguan.smartsite.wages.models import WageArrears

    s = wsite
    payroll = services.payroll_draft(
        actor=s["actors"]["gc"],
        project=s["project"],
        employer=s["orgs"]["labour"],
        month=s["month"],
    )
    arrears_services.arrears_scan(today=payroll.due_on + dt.timedelta(days=1))
    case = WageArrears.objects.get()
    c = login(s["actors"]["regulator"])
    page = c.get(f"/smartsite/wage-arrears/{case.pk}/").content.decode()
    assert "拖欠中" in page and "2,200.50" in page and "提交认定" in page
    url = f"/smartsite/wage-arrears/{case.pk}/decide/"
    r = c.post(url, {"decision": "confirm", "note": "查实"})
    assert r.status_code == 400 and "只作预警" in r.content.decode()  # one case: no credit record
    r = c.post(url, {"decision": "dismiss", "note": "银行系统故障，次日已发"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == workflow.A_DISMISSED and case.decided_by
    c = login(s["actors"]["gc"])
    assert c.post(url, {"decision": "dismiss", "note": "x"}).status_code == 403
    screen = c.get(f"/smartsite/projects/{s['project'].pk}/wages/notice/?screen=1")
    assert screen.status_code == 200 and "工地大屏显示" not in screen.content.decode()
