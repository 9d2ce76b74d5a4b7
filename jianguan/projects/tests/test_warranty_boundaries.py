"""Boundary tests of the minimum warranty periods (《建设工程质量管理条例》第四十条): 屋面防水
and 防渗漏 5 years, 电气管线、给排水管道、设备安装 2 years, 装修工程 2 years, 供热与供冷系统 2
heating / cooling seasons, counted from the completion acceptance.

``project_transition`` to 保修 starts one warranty clock per scope. The tests take the period
from rule data (``jianguan.rules.lookup.rule``) and check that the clock runs from the
completion date to the same day N years later (the last day of the period; no such day, 29
February, gives 28 February), not a day less and not a day more; and that the period is the one
in force on the completion date (a version taking effect that day applies, the day before it
does not). The dates are fixed. ``@pytest.mark.rule`` declares the codes covered
(``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.projects import services
from jianguan.projects.models import Project, WarrantyClock
from jianguan.projects.tests.test_services import create, world
from jianguan.rules.lookup import rule

__all__ = ["world"]  # the fixture shared with test_services.py

ART_40 = "《建设工程质量管理条例》第四十条"
COMPLETED = dt.date(2026, 9, 9)  # the completion acceptance (five-party signatures) date
DAY = dt.timedelta(days=1)
YEAR_CODES = (
    "warranty.waterproofing_min",
    "warranty.electrical_plumbing_min",
    "warranty.fitout_min",
)
HEATING = "warranty.heating_cooling_min"


def _in_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 28 February for a 29 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _warranty(world, completed: dt.date) -> dict[str, WarrantyClock]:
    """A project at settlement, completed on `completed`, moved to 保修: its clocks by rule code."""
    project = create(world)
    Project.objects.filter(pk=project.pk).update(
        stage="settlement", completion_date=completed, settlement_document="结审-2026-9"
    )
    project = services.project_transition(
        actor=world["actors"]["owner"],
        project=Project.objects.get(pk=project.pk),
        target="warranty",
    )
    assert project.stage == "warranty"
    return {c.rule_code: c for c in WarrantyClock.objects.filter(project=project)}


def _district_version(code: str, value: int, effective_from: dt.date) -> None:
    """A (hypothetical) district version of the national period, in force from a day."""
    from jianguan.rules.models import Rule

    national = Rule.objects.get(code=code, region="national")
    Rule.objects.create(
        code=code,
        name=national.name,
        value=value,
        unit=national.unit,
        reference=national.reference,
        region="daxing",
        effective_from=effective_from,
    )


def _year_params():
    return [pytest.param(code, marks=pytest.mark.rule(code), id=code) for code in YEAR_CODES]


@pytest.mark.rule(
    "warranty.waterproofing_min", "warranty.electrical_plumbing_min", "warranty.fitout_min"
)
@pytest.mark.parametrize("code", _year_params())
def test_the_clock_runs_exactly_the_minimum_years_from_completion(world, code):
    """《建设工程质量管理条例》第四十条: the warranty of the scope lasts at least N years from
    the completion acceptance: the clock ends on the same day N years later, not a day before
    (that would be short of the law) nor a day after."""
    found = rule(code, on=COMPLETED)
    assert found.unit == "year" and found.reference == ART_40, code
    n = int(found.value)
    clock = _warranty(world, COMPLETED)[code]
    assert clock.starts_on == COMPLETED, ART_40
    last = _in_years(COMPLETED, n)
    assert clock.ends_on == last, f"{ART_40}: {n} 年"
    assert clock.ends_on != last - DAY and clock.ends_on != last + DAY
    assert clock.ends_on != _in_years(COMPLETED, n - 1) and clock.ends_on != _in_years(
        COMPLETED, n + 1
    )
    assert clock.description == f"{n}年（{ART_40}）", code


@pytest.mark.rule(
    "warranty.waterproofing_min", "warranty.electrical_plumbing_min", "warranty.fitout_min"
)
def test_a_29_february_completion_ends_on_28_february(world):
    """《建设工程质量管理条例》第四十条, the years counted as 《中华人民共和国民法典》第二百零二条
    counts them: with no corresponding day, the last day of the month ends the period."""
    completed = dt.date(2028, 2, 29)
    clocks = _warranty(world, completed)
    for code in YEAR_CODES:
        n = int(rule(code, on=completed).value)
        want = dt.date(2028 + n, 2, 28) if n % 4 else dt.date(2028 + n, 2, 29)
        assert clocks[code].ends_on == want, f"{ART_40}: {code}"


@pytest.mark.rule(
    "warranty.waterproofing_min",
    "warranty.electrical_plumbing_min",
    "warranty.fitout_min",
    "warranty.heating_cooling_min",
)
def test_the_period_is_the_one_in_force_on_the_completion_date(world):
    """《建设工程质量管理条例》第四十条: the clock asks the rule data in force on the completion
    date: a longer period taking effect on a day applies to a project completed that day and
    after, not to one completed the day before."""
    effective = COMPLETED
    old = {code: int(rule(code, on=COMPLETED).value) for code in (*YEAR_CODES, HEATING)}
    for code, n in old.items():
        _district_version(code, n + 1, effective)
    for completed, shift in ((effective - DAY, 0), (effective, 1), (effective + DAY, 1)):
        clocks = _warranty(world, completed)
        for code in YEAR_CODES:
            n = old[code] + shift
            assert clocks[code].ends_on == _in_years(completed, n), f"{ART_40}: {code} {completed}"
        assert clocks[HEATING].description.startswith(f"{old[HEATING] + shift}个采暖期"), completed


@pytest.mark.rule("warranty.heating_cooling_min")
def test_heating_and_cooling_warranty_counts_seasons_from_rule_data(world):
    """《建设工程质量管理条例》第四十条: 供热与供冷系统 at least 2 heating and cooling seasons:
    the clock starts on the completion date and states the seasons from rule data; it has no
    calendar end date (seasons are not years), so none is invented."""
    found = rule(HEATING, on=COMPLETED)
    assert found.unit == "season" and found.reference == ART_40
    n = int(found.value)
    clock = _warranty(world, COMPLETED)[HEATING]
    assert clock.scope == "供热与供冷系统" and clock.starts_on == COMPLETED
    assert clock.ends_on is None
    assert clock.description == f"{n}个采暖期、供冷期（{ART_40}）"
    assert not clock.description.startswith((f"{n - 1}个", f"{n + 1}个"))
