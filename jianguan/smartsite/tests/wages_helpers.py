"""A site with a month of attendance for the wage tests: three workers of the labour
subcontractor on the test site (workers_helpers.build_site), each with a contract and a
placement, present on some days of last month; the wage account opened and rates set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.timeutil import SHANGHAI, today_local
from jianguan.smartsite.tests.workers_helpers import build_site, id_number
from jianguan.smartsite.wages import services, workflow
from jianguan.smartsite.workers import services as worker_services
from jianguan.smartsite.workers.attendance import services as attendance_services

DAYS = {0: 3, 1: 2, 2: 1}  # worker index -> days on site last month


def last_month(today: dt.date | None = None) -> dt.date:
    return workflow.add_months(workflow.first_of_month(today or today_local()), -1)


def attend(actor, project, worker, day: dt.date) -> None:
    for direction, hour in (("in", 7), ("out", 17)):
        attendance_services.attendance_record_manual(
            actor=actor,
            project=project,
            worker=worker,
            direction=direction,
            at=dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI),
        )


def build_wage_site(*, open_account: bool = True, rates: bool = True) -> dict:
    s = build_site()
    gc, project, labour = s["actors"]["gc"], s["project"], s["orgs"]["labour"]
    month = last_month()
    workers = []
    for i, (name, trade) in enumerate(
        (("王建国", "mason"), ("李志强", "mason"), ("张海涛", "welder"))
    ):
        w = worker_services.worker_register(
            actor=gc,
            employer=labour,
            name=name,
            id_number=id_number(dt.date(1980 + i, 3, 4), seq=100 + i),
            trade=trade,
            bank_card="6217000012345678" + str(i),
            bank_name="中国农业银行",
        )
        contract = worker_services.labour_contract_sign(
            actor=gc, worker=w, project=project, start=month - dt.timedelta(days=10)
        )
        worker_services.worker_place(actor=gc, worker=w, project=project, on=month)
        for d in range(DAYS[i]):
            attend(gc, project, w, month + dt.timedelta(days=d))
        workers.append((w, contract))
    s.update(workers=workers, month=month)
    if open_account:
        s["account"] = services.wage_account_save(
            actor=gc,
            project=project,
            bank="中国工商银行北京大兴支行",
            account_number="0200123456789012345",
            opened_on=month - dt.timedelta(days=20),
            pay_day=15,
            labour_officer_name="赵劳资",
            labour_officer_phone="13800000001",
        )
    if rates:
        services.pay_rate_set(
            actor=s["actors"]["labour"], project=project, trade="mason", daily_rate="350"
        )
        # the welder's own contract carries a better rate than its trade's
        services.pay_rate_set(
            actor=s["actors"]["labour"], project=project, trade="welder", daily_rate="400"
        )
        services.pay_rate_set(
            actor=gc, project=project, contract=workers[2][1], daily_rate=Decimal("450.50")
        )
    return s


@pytest.fixture
def wsite(db):
    return build_wage_site()
