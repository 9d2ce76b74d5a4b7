"""The wage sheet's pure rules, each at its edge (no database: `make mutation` runs these
against jianguan/smartsite/wages/workflow.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianguan.smartsite.wages import workflow as wf

D = Decimal


def code_of(call) -> str:
    with pytest.raises(wf.WageError) as caught:
        call()
    assert caught.value.message == str(caught.value)
    return caught.value.code


def test_money_rounds_half_up_to_the_cent():
    assert wf.money(D("1.005")) == D("1.01")
    assert wf.money(D("1.004")) == D("1.00")
    assert wf.money(D("-1.005")) == D("-1.01")
    assert str(wf.money(D("7"))) == "7.00"


def test_month_edges():
    assert wf.first_of_month(dt.date(2026, 2, 17)) == dt.date(2026, 2, 1)
    assert wf.last_of_month(dt.date(2026, 2, 1)) == dt.date(2026, 2, 28)
    assert wf.last_of_month(dt.date(2028, 2, 9)) == dt.date(2028, 2, 29)
    assert wf.last_of_month(dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)
    assert wf.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert wf.add_months(dt.date(2026, 11, 30), 2) == dt.date(2027, 1, 30)
    assert wf.add_months(dt.date(2026, 12, 15), 0) == dt.date(2026, 12, 15)
    assert wf.add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
    assert wf.add_months(dt.date(2026, 1, 15), 12) == dt.date(2027, 1, 15)
    assert wf.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(-30, 30))
def test_add_months_lands_in_the_right_month(day, months):
    got = wf.add_months(day, months)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == months
    assert got.day == min(day.day, wf.last_of_month(got).day)


def test_due_date_is_the_pay_day_of_the_month_after_the_cycle():
    # 第二十四条: the cycle is at most a month; a short month pays on its last day
    assert wf.due_date(dt.date(2026, 3, 20), 15, 1) == dt.date(2026, 4, 15)
    assert wf.due_date(dt.date(2026, 3, 1), 15, 0) == dt.date(2026, 3, 15)
    assert wf.due_date(dt.date(2026, 1, 1), 31, 1) == dt.date(2026, 2, 28)
    assert wf.due_date(dt.date(2026, 3, 1), 31, 1) == dt.date(2026, 4, 30)
    assert wf.due_date(dt.date(2026, 4, 1), 31, 1) == dt.date(2026, 5, 31)
    assert wf.due_date(dt.date(2026, 12, 1), 1, 1) == dt.date(2027, 1, 1)


def test_a_sheet_for_this_month_is_allowed_next_month_is_not():
    today = dt.date(2026, 6, 30)
    wf.check_month(dt.date(2026, 6, 1), today)
    wf.check_month(dt.date(2026, 6, 30), today)
    wf.check_month(dt.date(2025, 12, 1), today)
    assert code_of(lambda: wf.check_month(dt.date(2026, 7, 1), today)) == "future_month"
    assert code_of(lambda: wf.check_month(dt.date(2026, 7, 1), dt.date(2026, 6, 1))) == (
        "future_month"
    )


@pytest.mark.parametrize("day", [1, 15, 31])
def test_pay_day_inside_the_month(day):
    wf.check_pay_day(day)


@pytest.mark.parametrize("day", [0, 32, -1])
def test_pay_day_outside_the_month(day):
    assert code_of(lambda: wf.check_pay_day(day)) == "bad_pay_day"


def test_daily_rate():
    wf.check_rate(D("0.01"))
    wf.check_rate(D("350.50"))
    assert code_of(lambda: wf.check_rate(D("0"))) == "bad_rate"
    assert code_of(lambda: wf.check_rate(D("-1"))) == "bad_rate"
    assert code_of(lambda: wf.check_rate(D("350.505"))) == "bad_rate"


def test_confirm_only_a_draft():
    wf.check_confirm(wf.DRAFT)
    for status in (wf.CONFIRMED, wf.SIGNED, wf.PARTLY_PAID, wf.PAID):
        assert code_of(lambda s=status: wf.check_confirm(s)) == "payroll_state"


def test_signatures_after_confirmation_only():
    wf.check_sign(wf.CONFIRMED)
    assert code_of(lambda: wf.check_sign(wf.DRAFT)) == "not_confirmed"
    for status in (wf.SIGNED, wf.PARTLY_PAID, wf.PAID):
        assert code_of(lambda s=status: wf.check_sign(s)) == "payroll_state"


def test_a_worker_signs_a_confirmed_line_once():
    for status in (wf.CONFIRMED, wf.SIGNED, wf.PARTLY_PAID):
        wf.check_line_sign(status, wf.LINE_PENDING)
        wf.check_line_sign(status, wf.LINE_DISPUTED)  # a settled dispute is then signed
        assert code_of(lambda s=status: wf.check_line_sign(s, wf.LINE_SIGNED)) == "line_signed"
    assert code_of(lambda: wf.check_line_sign(wf.DRAFT, wf.LINE_PENDING)) == "not_confirmed"
    assert code_of(lambda: wf.check_line_sign(wf.PAID, wf.LINE_PENDING)) == "payroll_paid"


def test_only_a_pending_line_of_a_confirmed_sheet_is_disputed():
    wf.check_line_dispute(wf.CONFIRMED, wf.LINE_PENDING)
    wf.check_line_dispute(wf.SIGNED, wf.LINE_PENDING)
    assert code_of(lambda: wf.check_line_dispute(wf.DRAFT, wf.LINE_PENDING)) == "not_confirmed"
    assert code_of(lambda: wf.check_line_dispute(wf.CONFIRMED, wf.LINE_SIGNED)) == "line_state"
    assert code_of(lambda: wf.check_line_dispute(wf.CONFIRMED, wf.LINE_DISPUTED)) == ("line_state")


def test_a_disputed_line_is_not_paid():
    wf.check_line_payable(wf.LINE_SIGNED)
    wf.check_line_payable(wf.LINE_PENDING)
    assert code_of(lambda: wf.check_line_payable(wf.LINE_DISPUTED)) == "line_disputed"


def test_status_after_signatures():
    assert wf.status_after_signatures(wf.CONFIRMED, 0) == wf.SIGNED
    assert wf.status_after_signatures(wf.CONFIRMED, 1) == wf.CONFIRMED
    assert wf.status_after_signatures(wf.DRAFT, 0) == wf.DRAFT
    assert wf.status_after_signatures(wf.PARTLY_PAID, 0) == wf.PARTLY_PAID


def test_pay_only_what_every_worker_signed():
    wf.check_pay(wf.SIGNED, 0)
    wf.check_pay(wf.PARTLY_PAID, 0)
    with pytest.raises(wf.WageError) as caught:
        wf.check_pay(wf.SIGNED, 3)
    assert caught.value.code == "not_signed" and "3名工人" in caught.value.message
    assert "第三十一条" in caught.value.message
    for status in (wf.DRAFT, wf.CONFIRMED):
        with pytest.raises(wf.WageError) as caught:
            wf.check_pay(status, 0)
        assert caught.value.code == "not_signed" and "尚未经分包确认" in caught.value.message
    assert code_of(lambda: wf.check_pay(wf.PAID, 0)) == "payroll_paid"


def test_amount_paid():
    wf.check_amount(D("0.01"), D("0.01"))
    wf.check_amount(D("100.00"), D("250.00"))
    assert code_of(lambda: wf.check_amount(D("0"), D("10"))) == "bad_amount"
    assert code_of(lambda: wf.check_amount(D("-5"), D("10"))) == "bad_amount"
    assert code_of(lambda: wf.check_amount(D("1.001"), D("10"))) == "bad_amount"
    with pytest.raises(wf.WageError) as caught:
        wf.check_amount(D("1250.01"), D("1250.00"))
    assert caught.value.code == "overpayment"
    assert "1,250.01" in caught.value.message and "1,250.00" in caught.value.message


def test_status_after_payment():
    assert wf.status_after_payment(D("100.00"), D("100.00")) == wf.PAID
    assert wf.status_after_payment(D("100.00"), D("100.01")) == wf.PAID
    assert wf.status_after_payment(D("100.00"), D("99.99")) == wf.PARTLY_PAID


def test_sheet_lines_and_workers_without_a_rate():
    lines, missing = wf.sheet({3: 2, 1: 21, 2: 0, 4: 5}, {1: D("350.00"), 2: D("300"), 3: None})
    assert [(line.worker_id, line.days, line.amount) for line in lines] == [
        (1, 21, D("7350.00")),
        (2, 0, D("0.00")),
    ]
    assert missing == [3, 4]
    assert wf.Line(9, 3, D("333.335")).amount == D("1000.01")


def test_arrears_repeat_from_the_rule_datas_count():
    assert not wf.is_repeated(0, 2)
    assert wf.is_repeated(1, 2)
    assert wf.is_repeated(2, 2)
    assert wf.is_repeated(0, 1)
    assert not wf.is_repeated(1, 3)
    assert wf.is_repeated(2, 3)


def test_every_status_has_a_chinese_label():
    assert set(wf.STATUS) == {wf.DRAFT, wf.CONFIRMED, wf.SIGNED, wf.PARTLY_PAID, wf.PAID}
    assert set(wf.UNPAID) == set(wf.STATUS) - {wf.PAID}
    assert set(wf.LINE_STATUS) == {wf.LINE_PENDING, wf.LINE_SIGNED, wf.LINE_DISPUTED}
    assert set(wf.ARREARS_STATUS) == {wf.A_OPEN, wf.A_SETTLED, wf.A_CONFIRMED, wf.A_DISMISSED}


@pytest.mark.parametrize(
    ("call", "code", "message"),
    [
        (
            lambda: wf.check_month(dt.date(2027, 1, 1), dt.date(2026, 12, 31)),
            "future_month",
            "不能为尚未到来的月份编制工资表",
        ),
        (lambda: wf.check_pay_day(0), "bad_pay_day", "工资支付日应为每月1日至31日之间的一天"),
        (lambda: wf.check_rate(D("0")), "bad_rate", "日工资标准须大于0元"),
        (lambda: wf.check_rate(D("1.001")), "bad_rate", "日工资标准最多保留两位小数"),
        (
            lambda: wf.check_confirm(wf.PAID),
            "payroll_state",
            "工资表当前为“已足额发放”，不能再确认",
        ),
        (
            lambda: wf.check_sign(wf.DRAFT),
            "not_confirmed",
            "工资表须先经分包单位确认工作量，才能登记工人签字",
        ),
        (lambda: wf.check_sign(wf.SIGNED), "payroll_state", "工资表当前为“待发放”，签字已登记完毕"),
        (
            lambda: wf.check_line_sign(wf.DRAFT, wf.LINE_PENDING),
            "not_confirmed",
            "工资表须先经分包单位确认工作量，才能登记工人签字",
        ),
        (
            lambda: wf.check_line_sign(wf.PAID, wf.LINE_PENDING),
            "payroll_paid",
            "该工资表已足额发放",
        ),
        (
            lambda: wf.check_line_sign(wf.SIGNED, wf.LINE_SIGNED),
            "line_signed",
            "该工人已签字确认，无需重复登记",
        ),
        (
            lambda: wf.check_line_dispute(wf.DRAFT, wf.LINE_PENDING),
            "not_confirmed",
            "工资表须先经分包单位确认工作量，才能登记工人异议",
        ),
        (
            lambda: wf.check_line_dispute(wf.SIGNED, wf.LINE_SIGNED),
            "line_state",
            "该工人当前为“本人已签字”，只有待签字的可以登记异议",
        ),
        (
            lambda: wf.check_line_payable(wf.LINE_DISPUTED),
            "line_disputed",
            "该工人对工资表有异议，须异议解决、本人签字后才能发放",
        ),
        (
            lambda: wf.check_pay(wf.SIGNED, 2),
            "not_signed",
            "尚有2名工人未在工资表上签字确认，不能发放（第三十一条）",
        ),
        (
            lambda: wf.check_pay(wf.CONFIRMED, 0),
            "not_signed",
            "工资表尚未经分包确认和工人签字，不能发放",
        ),
        (lambda: wf.check_pay(wf.PAID, 0), "payroll_paid", "该工资表已足额发放"),
        (lambda: wf.check_amount(D("0"), D("1")), "bad_amount", "发放金额须大于0元"),
        (lambda: wf.check_amount(D("0.001"), D("1")), "bad_amount", "发放金额最多保留两位小数"),
        (
            lambda: wf.check_amount(D("2"), D("1.5")),
            "overpayment",
            "发放金额 2.00 元超过该工人尚欠的 1.50 元",
        ),
    ],
)
def test_each_refusal_says_exactly_why(call, code, message):
    # the words are what the labour officer reads on the page: a changed sentence is a change
    with pytest.raises(wf.WageError) as caught:
        call()
    assert (caught.value.code, caught.value.message) == (code, message)
