"""Arrears: the scan after the pay day, the warning and the to-do, repeated arrears into the
credit record only after the regulator confirms; the rights-notice board's rule data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.compliance.models import CreditRecord
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.smartsite.tests.wages_helpers import wsite  # noqa: F401
from jianguan.smartsite.wages import selectors, services, workflow
from jianguan.smartsite.wages.arrears import services as arrears_services
from jianguan.smartsite.wages.models import Payroll, WageArrears
from jianguan.smartsite.workers.selectors import scope_for


def _draft(s, month=None):
    return services.payroll_draft(
        actor=s["actors"]["gc"],
        project=s["project"],
        employer=s["orgs"]["labour"],
        month=month or s["month"],
    )


def _after_due(payroll) -> dt.date:
    return payroll.due_on + dt.timedelta(days=1)


def test_nothing_is_arrears_until_the_pay_day_has_passed(wsite):  # noqa: F811
    payroll = _draft(wsite)
    assert arrears_services.arrears_scan(today=payroll.due_on) == 0
    assert arrears_services.arrears_scan(today=_after_due(payroll)) == 1
    assert arrears_services.arrears_scan(today=_after_due(payroll)) == 0  # one case a payroll


@pytest.mark.rule("wage.arrears_repeat_count")
def test_arrears_warn_the_regulator_and_repeated_ones_become_credit_after_confirmation(
    wsite,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    s, reg = wsite, wsite["actors"]["regulator"]
    first = _draft(s)
    with django_capture_on_commit_callbacks(execute=True):
        arrears_services.arrears_scan(today=_after_due(first))
    case = WageArrears.objects.get(payroll=first)
    assert case.owed == first.total and not case.repeated  # 1 < the repeat count (2)
    # a warning on the regulator's list and in the notifications, and a project warning
    items = [i for i in todo_for(reg, today_local()) if i.kind == "smartsite.wage_arrears"]
    assert len(items) == 1 and "欠薪预警待跟进" in items[0].title
    from jianguan.workbench.notifications.models import Notification

    assert Notification.objects.filter(kind="smartsite.wage_arrears", user_id=reg.user_id).exists()
    from jianguan.projects.models import ProjectWarning

    assert ProjectWarning.objects.filter(project=s["project"], rule_code="wage_arrears").exists()
    # one case is a warning only: no credit record may be made from it
    with pytest.raises(ValidationFailed) as e:
        arrears_services.arrears_confirm(actor=reg, arrears=case, note="查实")
    assert e.value.code == "not_repeated"

    # a second month not paid by its pay day: repeated (the count in rule data is reached)
    earlier = workflow.add_months(s["month"], -1)
    from jianguan.smartsite.tests.wages_helpers import attend

    w, _c = s["workers"][0]
    from jianguan.smartsite.workers import services as worker_services

    worker_services.labour_contract_sign(
        actor=s["actors"]["gc"], worker=w, project=s["project"], start=earlier
    )
    attend(s["actors"]["gc"], s["project"], w, earlier)
    second = _draft(s, earlier)
    arrears_services.arrears_scan(today=_after_due(second))
    case2 = WageArrears.objects.get(payroll=second)
    assert case2.repeated
    # nothing automatic: no credit record until a person confirms
    assert not CreditRecord.objects.filter(kind="wage_arrears").exists()
    with pytest.raises(PermissionDenied):
        arrears_services.arrears_confirm(actor=s["actors"]["gc"], arrears=case2, note="x")
    with pytest.raises(ValidationFailed):
        arrears_services.arrears_confirm(actor=reg, arrears=case2, note="  ")
    case2 = arrears_services.arrears_confirm(actor=reg, arrears=case2, note="经核查属实")
    record = CreditRecord.objects.get(pk=case2.credit_record_id)
    assert record.kind == "wage_arrears" and record.organisation == s["orgs"]["gc"]
    assert record.source_type == "wage_arrears" and record.points < 0
    with pytest.raises(Conflict):
        arrears_services.arrears_confirm(actor=reg, arrears=case2, note="again")


def test_paying_in_full_settles_the_case(wsite):  # noqa: F811
    s, gc = wsite, wsite["actors"]["gc"]
    payroll = _draft(s)
    arrears_services.arrears_scan(today=_after_due(payroll))
    services.payroll_confirm(actor=s["actors"]["labour"], payroll=payroll)
    services.payroll_signatures_record(
        actor=gc,
        payroll=payroll,
        sheet=SimpleUploadedFile("s.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg"),
    )
    for line in payroll.lines.all():
        services.wage_pay(
            actor=gc,
            payroll=payroll,
            worker_id=line.worker_id,
            amount=line.amount,
            paid_on=today_local(),
            bank_reference="B-1",
        )
    assert Payroll.objects.get(pk=payroll.pk).status == workflow.PAID
    assert WageArrears.objects.get(payroll=payroll).status == workflow.A_SETTLED


@pytest.mark.rule("wage.minimum_monthly")
@pytest.mark.rule("wage.complaint_hotlines")
def test_the_rights_notice_board(wsite):  # noqa: F811
    s = wsite
    board = selectors.notice_board(
        scope_for(actor=s["actors"]["labour"], project=s["project"]), on=today_local()
    )
    names = {p["role_label"]: p["name"] for p in board["parties"]}
    assert names["施工总承包单位"] == "北京建工集团" and names["劳务分包单位"] == "北京兴业劳务公司"
    assert board["labour_officer_name"] == "赵劳资" and board["pay_day"] == 15
    assert board["minimum_wage_monthly"] == Decimal("2540") and "12333" in board["hotlines"]
    assert "第三十四条" in board["minimum_wage_reference"]


def test_the_labour_officers_to_do(wsite):  # noqa: F811
    s = wsite
    payroll = _draft(s)
    today = today_local()

    def kinds(actor):
        return [i.kind for i in todo_for(actor, today) if i.kind.startswith("smartsite.payroll")]

    assert kinds(s["actors"]["labour"]) == ["smartsite.payroll_confirm"]
    assert kinds(s["actors"]["gc"]) == []
    services.payroll_confirm(actor=s["actors"]["labour"], payroll=payroll)
    assert kinds(s["actors"]["labour"]) == []
    items = [i for i in todo_for(s["actors"]["gc"], today) if i.kind == "smartsite.payroll_pay"]
    assert len(items) == 1 and items[0].title.startswith("登记工人签字")
    assert items[0].url == f"/smartsite/payrolls/{payroll.pk}/"
    assert kinds(s["actors"]["other_gc"]) == [] and kinds(s["actors"]["regulator"]) == []


# ---- a month nobody drafted (issue 17 part 3) and who hears of arrears (part 4) --------------


def _kinds(actor, kind):
    return [i for i in todo_for(actor, today_local()) if i.kind == kind]


def test_a_month_with_attendance_and_no_payroll_raises_arrears(
    wsite,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    s = wsite
    due = workflow.due_date(s["month"], 15, services.cycle_months(s["month"]))
    assert arrears_services.arrears_scan(today=due) == 0  # not yet past the pay day
    with django_capture_on_commit_callbacks(execute=True):
        assert arrears_services.arrears_scan(today=due + dt.timedelta(days=1)) == 1
    case = WageArrears.objects.get()
    assert case.missing_sheet and case.payroll is None and case.employer == s["orgs"]["labour"]
    assert case.month == s["month"] and case.due_on == due and case.worker_days == 6  # 3 + 2 + 1
    assert "未编制工资表" in str(case)
    assert arrears_services.arrears_scan(today=due + dt.timedelta(days=2)) == 0  # one a month
    # the regulator, the general contractor and the labour subcontractor all hear of it
    from jianguan.workbench.notifications.models import Notification

    told = set(Notification.objects.filter(kind="smartsite.wage_arrears").values_list(
        "user_id", flat=True
    ))  # fmt: skip
    for who in ("regulator", "gc", "labour"):
        assert s["actors"][who].user_id in told, who
    assert s["actors"]["other_labour"].user_id not in told
    assert s["actors"]["other_gc"].user_id not in told
    # on the regulator's list to follow up, on the GC's to draft the sheet
    (item,) = _kinds(s["actors"]["regulator"], "smartsite.wage_arrears")
    assert "逾期未编制工资表（考勤 6 人天）" in item.title
    (item,) = _kinds(s["actors"]["gc"], "smartsite.payroll_missing")
    assert item.title.startswith("欠薪预警，补编工资表") and item.url.endswith(f"/{case.pk}/")
    assert not _kinds(s["actors"]["other_gc"], "smartsite.payroll_missing")
    from jianguan.projects.models import ProjectWarning

    assert ProjectWarning.objects.filter(project=s["project"], rule_code="wage_arrears").exists()
    # the late payroll takes the case over; the labour firm must confirm it first
    payroll = _draft(s)
    case.refresh_from_db()
    assert case.payroll == payroll and case.owed == payroll.total
    assert not _kinds(s["actors"]["gc"], "smartsite.payroll_missing")
    (item,) = _kinds(s["actors"]["labour"], "smartsite.payroll_confirm")
    assert item.title.startswith("欠薪预警，请立即确认工资表") and item.overdue
    assert arrears_services.arrears_scan(today=due + dt.timedelta(days=3)) == 0
    gc = s["actors"]["gc"]
    services.payroll_confirm(actor=s["actors"]["labour"], payroll=payroll)
    services.payroll_signatures_record(
        actor=gc,
        payroll=payroll,
        sheet=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n% sheet\n", "application/pdf"),
    )
    for line in payroll.lines.all():
        services.wage_pay(
            actor=gc,
            payroll=payroll,
            worker_id=line.worker_id,
            amount=line.amount,
            paid_on=today_local(),
            bank_reference="B-2",
        )
    case.refresh_from_db()
    assert case.status == workflow.A_SETTLED


def test_without_a_wage_account_the_cycle_s_last_day_is_the_pay_day(db):
    from jianguan.smartsite.tests.wages_helpers import build_wage_site

    s = build_wage_site(open_account=False, rates=False)
    last = workflow.last_of_month(workflow.add_months(s["month"], 1))
    assert arrears_services.arrears_scan(today=last) == 0
    assert arrears_services.arrears_scan(today=last + dt.timedelta(days=1)) == 1
    assert WageArrears.objects.get().due_on == last


def test_the_employer_sees_its_case_and_others_do_not(
    wsite,  # noqa: F811
    client,
):
    s = wsite
    due = workflow.due_date(s["month"], 15, services.cycle_months(s["month"]))
    arrears_services.arrears_scan(today=due + dt.timedelta(days=1))
    case = WageArrears.objects.get()
    assert selectors.arrears_one(actor=s["actors"]["labour"], pk=case.pk) == case
    from jianguan.core.errors import NotFound

    for who in ("other_labour", "other_gc", "owner"):
        with pytest.raises(NotFound):
            selectors.arrears_one(actor=s["actors"][who], pk=case.pk)
    client.post("/accounts/login/", {"username": "labour_officer", "password": "Persona-pass-2026"})
    page = client.get(f"/smartsite/wage-arrears/{case.pk}/")
    assert page.status_code == 200 and "逾期未编制工资表" in page.content.decode()
    assert 'name="decision"' not in page.content.decode()  # only the regulator decides
    r = client.post(
        f"/smartsite/wage-arrears/{case.pk}/decide/", {"decision": "dismiss", "note": "x"}
    )
    assert r.status_code == 403
    client.post("/accounts/login/", {"username": "other_labour", "password": "Persona-pass-2026"})
    assert client.get(f"/smartsite/wage-arrears/{case.pk}/").status_code == 404
    listed = client.get("/api/v1/smartsite/wage-arrears").json()
    assert listed == []


@pytest.mark.rule("wage.arrears_repeat_count")
def test_repeated_missing_sheets_become_credit_only_when_confirmed(wsite):  # noqa: F811
    s, reg = wsite, wsite["actors"]["regulator"]
    from jianguan.smartsite.tests.wages_helpers import attend
    from jianguan.smartsite.workers import services as worker_services

    earlier, earliest = workflow.add_months(s["month"], -1), workflow.add_months(s["month"], -2)
    w, _c = s["workers"][0]
    worker_services.labour_contract_sign(
        actor=s["actors"]["gc"], worker=w, project=s["project"], start=earliest
    )
    attend(s["actors"]["gc"], s["project"], w, earliest)
    attend(s["actors"]["gc"], s["project"], w, earlier)
    due = workflow.due_date(earlier, 15, services.cycle_months(earlier))
    assert arrears_services.arrears_scan(today=due + dt.timedelta(days=1)) == 2  # two months
    first, second = WageArrears.objects.order_by("month")
    assert first.month == earliest and not first.repeated and second.repeated
    with pytest.raises(ValidationFailed):
        arrears_services.arrears_confirm(actor=reg, arrears=first, note="查实")
    assert not CreditRecord.objects.filter(kind="wage_arrears").exists()
    case = arrears_services.arrears_confirm(actor=reg, arrears=second, note="经核查属实")
    record = CreditRecord.objects.get(pk=case.credit_record_id)
    assert "未编制工资表" in record.description and record.organisation == s["orgs"]["gc"]
