"""The district's working-day calendar (statutory holidays off, adjusted weekends worked, from
the rules app's calendar and its override table) as a schedule calendar: 08:00-12:00 and
13:00-17:00 on every working day. A schedule made here (not imported) uses it by default."""

from __future__ import annotations

import datetime as dt

from jianguan.collab.schedule.engine.calendar import STANDARD_WEEK
from jianguan.collab.schedule.engine.model import CalendarSpec
from jianguan.rules import workdays
from jianguan.rules.models import CalendarOverride

UID = "1"
NAME = "大兴区工作日历"


def district_calendar(start: dt.date, end: dt.date) -> CalendarSpec:
    overrides = dict(
        CalendarOverride.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_workday"
        )
    )
    is_workday = workdays.make_is_workday(overrides, strict=False)
    exceptions = {}
    day = start
    while day <= end:
        usual = day.weekday() < 5
        if is_workday(day) != usual:
            exceptions[day] = STANDARD_WEEK[0] if not usual else ()
        day += dt.timedelta(days=1)
    return CalendarSpec(UID, NAME, STANDARD_WEEK, exceptions)
