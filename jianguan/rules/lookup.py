"""Ask the rules: `rule(code, on=date, region=...)` and working-day arithmetic.

Code asks here; it never hard-codes a number of the law.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.rules import ruledata, workdays
from jianguan.rules.models import REGION_CHAIN, CalendarOverride, Region, Rule


@dataclass(frozen=True)
class RuleValue:
    code: str
    name: str
    value: Any
    unit: str
    reference: str
    region: str
    effective_from: dt.date
    effective_to: dt.date | None
    verified: bool

    def __str__(self) -> str:
        return f"{self.name}：{self.value}（{self.reference}）"


def _convert(value: Any, unit: str) -> Any:
    return ruledata.convert_value(value, unit)


def rule(code: str, *, on: dt.date | None = None, region: str = Region.DAXING) -> RuleValue:
    """The rule in force on `on` for `region`: district over Beijing over national."""
    if region not in REGION_CHAIN:
        raise ValidationFailed(f"未知的地区：{region}", code="unknown_region")
    on = on or today_local()
    chain = REGION_CHAIN[Region(region)]
    candidates = list(
        Rule.objects.filter(code=code, region__in=chain, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
    )
    for level in chain:
        for item in candidates:
            if item.region == level:
                return RuleValue(
                    code=item.code,
                    name=item.name,
                    value=_convert(item.value, item.unit),
                    unit=item.unit,
                    reference=item.reference,
                    region=item.region,
                    effective_from=item.effective_from,
                    effective_to=item.effective_to,
                    verified=item.verified,
                )
    raise NotFound(f"规则 {code} 在 {on} 没有生效的取值", code="rule_not_found")


def rule_value(code: str, *, on: dt.date | None = None, region: str = Region.DAXING) -> Any:
    return rule(code, on=on, region=region).value


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(
        CalendarOverride.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_workday"
        )
    )


def is_workday(day: dt.date, *, provisional: bool = False) -> bool:
    """`provisional`: Monday–Friday in a year whose holiday arrangement is not yet known (a
    reminder or a to-do must not fail on New Year's Day; a statutory clock should be strict)."""
    return workdays.make_is_workday(_overrides(day, day), strict=not provisional)(day)


def workday_checker(
    start: dt.date, end: dt.date, *, provisional: bool = False
) -> Callable[[dt.date], bool]:
    """is_workday for the days start..end with the overrides read in one query (a to-do
    provider asks several days on every page)."""
    return workdays.make_is_workday(_overrides(start, end), strict=not provisional)


def add_working_days(start: dt.date, days: int, *, provisional: bool = False) -> dt.date:
    """`provisional`: in a year whose holiday arrangement is not yet published (the State
    Council issues it late in the year before), count Monday–Friday so that a statutory
    clock always has a date; the override table corrects the year once it is known."""
    # Generous window: even long holidays never stretch N working days beyond 2N + 30.
    overrides = _overrides(start, start + dt.timedelta(days=2 * days + 30))
    is_workday = workdays.make_is_workday(overrides, strict=not provisional)
    try:
        return workdays.add_working_days(start, days, is_workday)
    except workdays.UnknownCalendarYear as exc:
        raise ValidationFailed(str(exc), code="calendar_unknown_year") from exc


def period_end(code: str, *, start: dt.date, on: dt.date | None = None) -> dt.date:
    """`start` plus the period rule `code` in force on `on`, in the rule's own unit: a Beijing
    rule may count working days where the national one counts calendar days (e.g. the bid
    bond refund, 京条例 38 over 实施条例 57). Working-day clocks always get a date
    (`provisional`, see `add_working_days`)."""
    found = rule(code, on=on or start)
    days = int(found.value)
    if found.unit == "working_day":
        return add_working_days(start, days, provisional=True)
    if found.unit != "day":
        raise ValueError(f"rule {code} is not a period in days ({found.unit})")
    return start + dt.timedelta(days=days)
