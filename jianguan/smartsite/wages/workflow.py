"""Payroll (工资表) statuses, their transitions and the arithmetic of a wage sheet. Pure: no
queries, no Django.

The steps follow 《保障农民工工资支付条例》第三十一条: the labour subcontractor verifies the
workload of the month (confirms), each worker signs the sheet, and the general contractor
pays each worker's bank card from the project's dedicated wage account (第二十六条).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DRAFT, CONFIRMED, SIGNED, PARTLY_PAID, PAID = "draft", "confirmed", "signed", "partly_paid", "paid"
STATUS = {
    DRAFT: "待分包确认",
    CONFIRMED: "待工人签字",
    SIGNED: "待发放",
    PARTLY_PAID: "部分发放",
    PAID: "已足额发放",
}
UNPAID = (DRAFT, CONFIRMED, SIGNED, PARTLY_PAID)  # still owing something

# One worker's line: signed by the worker (recorded by the labour officer) or disputed, which
# keeps it out of payment until the worker signs.
LINE_PENDING, LINE_SIGNED, LINE_DISPUTED = "pending", "signed", "disputed"
LINE_STATUS = {LINE_PENDING: "待本人签字", LINE_SIGNED: "本人已签字", LINE_DISPUTED: "有异议"}
SIGN_METHODS = {"signature": "本人签字", "fingerprint": "按指纹确认", "face": "人脸识别确认"}

# Arrears (欠薪) cases: found by the periodic scan, settled by payment, confirmed by a person.
A_OPEN, A_SETTLED, A_CONFIRMED, A_DISMISSED = "open", "settled", "confirmed", "dismissed"
ARREARS_STATUS = {
    A_OPEN: "拖欠中",
    A_SETTLED: "已补发",
    A_CONFIRMED: "已认定并记入信用",
    A_DISMISSED: "经核查不予记录",
}
CENT = Decimal("0.01")


class WageError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_of_month(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_date(month: dt.date, pay_day: int, cycle_months: int) -> dt.date:
    """The pay day of a month's wages: `pay_day` of the month `cycle_months` after it (第二十四条:
    the cycle is at most one month; a short month pays on its last day)."""
    target = add_months(first_of_month(month), cycle_months)
    return target.replace(day=min(pay_day, calendar.monthrange(target.year, target.month)[1]))


def check_month(month: dt.date, today: dt.date) -> None:
    if first_of_month(month) > first_of_month(today):
        raise WageError("不能为尚未到来的月份编制工资表", "future_month")


def check_pay_day(pay_day: int) -> None:
    if not 1 <= pay_day <= 31:
        raise WageError("工资支付日应为每月1日至31日之间的一天", "bad_pay_day")


def check_rate(rate: Decimal) -> None:
    if rate <= 0:
        raise WageError("日工资标准须大于0元", "bad_rate")
    if rate != money(rate):
        raise WageError("日工资标准最多保留两位小数", "bad_rate")


def check_confirm(status: str) -> None:
    if status != DRAFT:
        raise WageError(f"工资表当前为“{STATUS[status]}”，不能再确认", "payroll_state")


def check_sign(status: str) -> None:
    if status != CONFIRMED:
        if status == DRAFT:
            raise WageError("工资表须先经分包单位确认工作量，才能登记工人签字", "not_confirmed")
        raise WageError(f"工资表当前为“{STATUS[status]}”，签字已登记完毕", "payroll_state")


def check_line_sign(status: str, line_status: str) -> None:
    """A worker signs its own line once the employer has confirmed the sheet; a disputed line
    may still be signed once the dispute is settled."""
    if status == DRAFT:
        raise WageError("工资表须先经分包单位确认工作量，才能登记工人签字", "not_confirmed")
    if status == PAID:
        raise WageError("该工资表已足额发放", "payroll_paid")
    if line_status == LINE_SIGNED:
        raise WageError("该工人已签字确认，无需重复登记", "line_signed")


def check_line_dispute(status: str, line_status: str) -> None:
    if status == DRAFT:
        raise WageError("工资表须先经分包单位确认工作量，才能登记工人异议", "not_confirmed")
    if line_status != LINE_PENDING:
        raise WageError(
            f"该工人当前为“{LINE_STATUS[line_status]}”，只有待签字的可以登记异议", "line_state"
        )


def check_line_payable(line_status: str) -> None:
    if line_status == LINE_DISPUTED:
        raise WageError("该工人对工资表有异议，须异议解决、本人签字后才能发放", "line_disputed")


def status_after_signatures(status: str, awaiting: int) -> str:
    """A confirmed sheet is ready to pay once no line with pay awaits its worker (each signed
    or disputed)."""
    return SIGNED if status == CONFIRMED and awaiting == 0 else status


def check_pay(status: str, unsigned: int) -> None:
    if status in (DRAFT, CONFIRMED) or unsigned:
        raise WageError(
            f"尚有{unsigned}名工人未在工资表上签字确认，不能发放（第三十一条）"
            if unsigned
            else "工资表尚未经分包确认和工人签字，不能发放",
            "not_signed",
        )
    if status == PAID:
        raise WageError("该工资表已足额发放", "payroll_paid")


def check_amount(amount: Decimal, owed: Decimal) -> None:
    if amount <= 0:
        raise WageError("发放金额须大于0元", "bad_amount")
    if amount != money(amount):
        raise WageError("发放金额最多保留两位小数", "bad_amount")
    if amount > owed:
        raise WageError(f"发放金额 {amount:,.2f} 元超过该工人尚欠的 {owed:,.2f} 元", "overpayment")


def status_after_payment(total: Decimal, paid: Decimal) -> str:
    return PAID if paid >= total else PARTLY_PAID


@dataclass(frozen=True)
class Line:
    worker_id: int
    days: int
    rate: Decimal

    @property
    def amount(self) -> Decimal:
        return money(self.rate * self.days)


def sheet(
    days_by_worker: dict[int, int], rates: dict[int, Decimal | None]
) -> tuple[list[Line], list[int]]:
    """The lines of a wage sheet (days attended × daily rate) and the workers without a rate."""
    lines, missing = [], []
    for worker_id in sorted(days_by_worker):
        rate = rates.get(worker_id)
        if rate is None:
            missing.append(worker_id)
            continue
        lines.append(Line(worker_id, days_by_worker[worker_id], rate))
    return lines, missing


def is_repeated(previous_cases: int, repeat_count: int) -> bool:
    """Arrears count as repeated (屡次拖欠) from the `repeat_count`-th case on (rule data)."""
    return previous_cases + 1 >= repeat_count
