"""Working-day arithmetic over a pluggable calendar. Pure: no Django.

工作日 deadlines (complaints, Beijing bond refunds) must follow the State Council's
adjusted calendar, including make-up working weekends; `chinesecalendar` knows the
published years, and an override table covers years it does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import chinese_calendar


class UnknownCalendarYear(ValueError):
    def __init__(self, day: dt.date):
        super().__init__(f"{day.year} 年的法定节假日安排尚未录入，请在工作日历中补充调整")
        self.day = day


def official_is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise UnknownCalendarYear(day) from exc


def make_is_workday(
    overrides: Mapping[dt.date, bool], *, strict: bool = True
) -> Callable[[dt.date], bool]:
    def is_workday(day: dt.date) -> bool:
        if day in overrides:
            return overrides[day]
        try:
            return official_is_workday(day)
        except UnknownCalendarYear:
            if strict:
                raise
            return day.weekday() < 5

    return is_workday


def add_working_days(start: dt.date, days: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The date `days` working days after `start` (start itself not counted).

    A deadline of "N 个工作日内" counted from a filing on `start` ends at the end of the
    returned day. `days` = 0 gives `start` itself.
    """
    if days < 0:
        raise ValueError("工作日数不能为负")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def working_days_between(
    start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]
) -> int:
    """Working days in (start, end]."""
    if end <= start:
        return 0
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_workday(current)
    return count
