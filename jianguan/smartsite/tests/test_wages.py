"""Wages end to end through the services: registration → attendance → payroll → confirmation
→ signatures → payment; the ledger along the way; bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite.tests.wages_helpers import build_wage_site, wsite  # noqa: F401
from jianguan.smartsite.wages import services, workflow
from jianguan.smartsite.wages.models import Payroll

PDF = b"%PDF-1.4\n% signed sheet\n"


def sheet(data: bytes = PDF, name: str = "sheet.pdf"):
    return SimpleUploadedFile(name, data, "application/pdf")


def draft(s):
    return services.payroll_draft(
        actor=s["actors"]["gc"],
        project=s["project"],
        employer=s["orgs"]["labour"],
        month=s["month"],
    )


def test_worker_to_payment_end_to_end(wsite):  # noqa: F811
    s, gc, labour = wsite, wsite["actors"]["gc"], wsite["actors"]["labour"]
    payroll = draft(s)
    lines = {line.worker.name: line for line in payroll.lines.select_related("worker")}
    assert {n: (ln.days, ln.daily_rate, ln.amount) for n, ln in lines.items()} == {
        "王建国": (3, Decimal("350.00"), Decimal("1050.00")),
        "李志强": (2, Decimal("350.00"), Decimal("700.00")),
        "张海涛": (1, Decimal("450.50"), Decimal("450.50")),  # its contract's rate wins
    }
    assert payroll.total == Decimal("2200.50")
    assert payroll.due_on == workflow.add_months(s["month"], 1).replace(day=15)

    payroll = services.payroll_confirm(actor=labour, payroll=payroll)
    assert payroll.status == workflow.CONFIRMED
    payroll = services.payroll_signatures_record(actor=gc, payroll=payroll, sheet=sheet())
    assert payroll.status == workflow.SIGNED and payroll.signed_sheet_sm3
    assert payroll.lines.filter(signed_on__isnull=True).count() == 0

    today = today_local()
    for name, amount in (("王建国", "1050"), ("李志强", "500")):
        services.wage_pay(
            actor=gc,
            payroll=payroll,
            worker_id=lines[name].worker_id,
            amount=amount,
            paid_on=today,
            bank_reference=f"ICBC-{name}",
        )
    payroll.refresh_from_db()
    assert payroll.status == workflow.PARTLY_PAID and payroll.owed == Decimal("650.50")
    for name, amount in (("李志强", "200"), ("张海涛", "450.50")):
        services.wage_pay(
            actor=gc,
            payroll=payroll,
            worker_id=lines[name].worker_id,
            amount=amount,
            paid_on=today,
            bank_reference=f"ICBC-{name}-2",
        )
    payroll.refresh_from_db()
    assert payroll.status == workflow.PAID and payroll.owed == 0

    types = list(
        LedgerEntry.objects.filter(type__startswith="smartsite.")
        .exclude(type__in=("smartsite.worker_registered", "smartsite.contract_signed"))
        .values_list("type", flat=True)
    )
    for t in ("wage_account_opened", "pay_rate_set", "payroll_drafted", "payroll_confirmed",
              "payroll_signed", "wage_paid"):  # fmt: skip
        assert f"smartsite.{t}" in types
    # the identity number never appears in clear in any ledger payload
    from jianguan.smartsite.workers.selectors import identity_of

    numbers = [identity_of(w) for w, _c in s["workers"]]
    for leaf in LedgerEntry.objects.values_list("leaf_input", flat=True):
        text = bytes(leaf).decode()
        assert not any(n in text for n in numbers)


def test_bad_input(wsite):  # noqa: F811
    s, gc, labour = wsite, wsite["actors"]["gc"], wsite["actors"]["labour"]
    with pytest.raises(ValidationFailed) as e:
        services.pay_rate_set(actor=labour, project=s["project"], trade="mason", daily_rate="-5")
    assert e.value.code == "bad_rate"
    with pytest.raises(ValidationFailed) as e:
        services.pay_rate_set(actor=labour, project=s["project"], trade="mason", daily_rate="abc")
    assert e.value.code == "bad_number"
    with pytest.raises(ValidationFailed) as e:
        services.payroll_draft(
            actor=gc,
            project=s["project"],
            employer=s["orgs"]["labour"],
            month=workflow.add_months(today_local(), 1),
        )
    assert e.value.code == "future_month"
    payroll = draft(s)
    with pytest.raises(Conflict):
        draft(s)
    # confirming someone else's payroll: the general contractor is not the employer
    with pytest.raises(PermissionDenied) as e:
        services.payroll_confirm(actor=gc, payroll=payroll)
    assert e.value.code == "not_employer"
    with pytest.raises(PermissionDenied):
        services.payroll_confirm(actor=s["actors"]["other_labour"], payroll=payroll)
    # signatures before confirmation, paying before signatures
    with pytest.raises(ValidationFailed) as e:
        services.payroll_signatures_record(actor=gc, payroll=payroll, sheet=sheet())
    assert e.value.code == "not_confirmed"
    line = payroll.lines.first()
    pay = dict(worker_id=line.worker_id, paid_on=today_local(), bank_reference="R1")
    with pytest.raises(ValidationFailed) as e:
        services.wage_pay(actor=gc, payroll=payroll, amount="10", **pay)
    assert e.value.code == "not_signed"
    services.payroll_confirm(actor=labour, payroll=payroll)
    with pytest.raises(ValidationFailed) as e:
        services.wage_pay(actor=gc, payroll=payroll, amount="10", **pay)
    assert e.value.code == "not_signed"
    with pytest.raises(ValidationFailed) as e:
        services.payroll_signatures_record(
            actor=gc, payroll=payroll, sheet=sheet(b"GIF89a....", "x.gif")
        )
    assert e.value.code == "bad_file_type"
    services.payroll_signatures_record(actor=gc, payroll=payroll, sheet=sheet())
    with pytest.raises(ValidationFailed) as e:
        services.wage_pay(actor=gc, payroll=payroll, amount=str(line.amount + 1), **pay)
    assert e.value.code == "overpayment"
    for bad in ("0", "-1", "1.001"):
        with pytest.raises(ValidationFailed) as e:
            services.wage_pay(actor=gc, payroll=payroll, amount=bad, **pay)
        assert e.value.code == "bad_amount"
    with pytest.raises(NotFound):
        services.wage_pay(actor=gc, payroll=payroll, amount="1", **{**pay, "worker_id": 999_999})
    with pytest.raises(ValidationFailed) as e:
        services.wage_pay(
            actor=gc, payroll=payroll, amount="1",
            **{**pay, "paid_on": today_local() + dt.timedelta(days=1)},
        )  # fmt: skip
    assert e.value.code == "future_date"
    # the subcontractor does not pay: the general contractor does (第三十一条)
    with pytest.raises(PermissionDenied):
        services.wage_pay(actor=labour, payroll=payroll, amount="1", **pay)
    # another general contractor cannot pay this site's wages
    with pytest.raises(PermissionDenied):
        services.wage_pay(actor=s["actors"]["other_gc"], payroll=payroll, amount="1", **pay)
    assert Payroll.objects.get(pk=payroll.pk).paid == 0


def test_account_and_rate_checks(db):
    s = build_wage_site(open_account=False, rates=False)
    gc, project = s["actors"]["gc"], s["project"]
    with pytest.raises(ValidationFailed) as e:
        draft(s)
    assert e.value.code == "no_wage_account"
    base = dict(
        project=project,
        bank="工行",
        account_number="0200123456789012345",
        opened_on=today_local(),
        pay_day=15,
        labour_officer_name="赵劳资",
        labour_officer_phone="13800000001",
    )
    for change, code in (
        ({"pay_day": 0}, "bad_pay_day"),
        ({"pay_day": 32}, "bad_pay_day"),
        ({"account_number": "12ab"}, "bad_account_number"),
        ({"labour_officer_name": " "}, "bad_officer"),
        ({"opened_on": today_local() + dt.timedelta(days=3)}, "future_date"),
    ):
        with pytest.raises(ValidationFailed) as e:
            services.wage_account_save(actor=gc, **{**base, **change})
        assert e.value.code == code
    with pytest.raises(PermissionDenied):
        services.wage_account_save(actor=s["actors"]["labour"], **base)
    with pytest.raises(PermissionDenied):
        services.wage_account_save(actor=s["actors"]["other_gc"], **base)
    services.wage_account_save(actor=gc, **base)
    with pytest.raises(ValidationFailed) as e:
        draft(s)
    assert e.value.code == "rate_missing" and "王建国" in e.value.message
    with pytest.raises(ValidationFailed) as e:
        services.pay_rate_set(actor=gc, project=project, daily_rate="300")
    assert e.value.code == "bad_rate_target"
    with pytest.raises(ValidationFailed) as e:  # its own firm, but not on this project
        services.pay_rate_set(
            actor=s["actors"]["other_labour"], project=project, trade="mason", daily_rate="300"
        )
    assert e.value.code == "employer_not_on_project"
    with pytest.raises(PermissionDenied):
        services.pay_rate_set(
            actor=s["actors"]["regulator"], project=project, trade="mason", daily_rate="300"
        )


def test_workflow_dates():
    assert workflow.due_date(dt.date(2026, 1, 1), 31, 1) == dt.date(2026, 2, 28)
    assert workflow.due_date(dt.date(2026, 12, 1), 10, 1) == dt.date(2027, 1, 10)
    with pytest.raises(workflow.WageError):
        workflow.check_month(dt.date(2026, 2, 1), dt.date(2026, 1, 31))
    workflow.check_month(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert workflow.is_repeated(1, 2) and not workflow.is_repeated(0, 2)
