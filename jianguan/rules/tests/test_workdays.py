"""Working-day arithmetic (pure; no database).

工作日 deadlines: 招标投标法实施条例 61 (complaint accepted within 3 working days, decided
within 30 working days), 北京市招标投标条例 38 (bond refund within 5 working days).
"""

import datetime as dt

import pytest

from jianguan.rules import workdays

D = dt.date


def official(day):
    return workdays.make_is_workday({})(day)


def test_national_day_2025_three_working_days_for_complaint_acceptance():
    # 2025 National Day + Mid-Autumn: 10-01..10-08 off; 09-28 (Sun) and 10-11 (Sat) worked.
    # A complaint filed on 2025-09-30 must be accepted within 3 working days (条例 61):
    # 10-09, 10-10, 10-11 (the make-up Saturday) → 2025-10-11.
    assert workdays.add_working_days(D(2025, 9, 30), 3, official) == D(2025, 10, 11)


def test_national_day_2025_one_working_day_skips_the_whole_holiday():
    assert workdays.add_working_days(D(2025, 9, 30), 1, official) == D(2025, 10, 9)


def test_make_up_sunday_counts_as_working_day():
    # 2025-09-28 is a Sunday worked in exchange for the holiday.
    assert workdays.add_working_days(D(2025, 9, 27), 1, official) == D(2025, 9, 28)


def test_national_day_2026_bond_refund_five_working_days_beijing_38():
    # 2026: 10-01..10-07 off; 09-20 (Sun) and 10-10 (Sat) worked.
    # Contract signed 2026-09-29: 09-30, 10-08, 10-09, 10-10, 10-12 → 2026-10-12.
    assert workdays.add_working_days(D(2026, 9, 29), 5, official) == D(2026, 10, 12)


def test_zero_days_is_the_start_and_negative_is_refused():
    assert workdays.add_working_days(D(2026, 3, 2), 0, official) == D(2026, 3, 2)
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 3, 2), -1, official)


def test_thirty_working_days_for_complaint_decision_over_spring_festival_2026():
    # 2026 Spring Festival: 02-15..02-23 off; 02-14 (Sat) and 02-28 (Sat) worked.
    end = workdays.add_working_days(D(2026, 2, 10), 30, official)
    counted = workdays.working_days_between(D(2026, 2, 10), end, official)
    assert counted == 30
    assert official(end)
    # Without the holiday the same count would end well before.
    naive = workdays.add_working_days(D(2026, 2, 10), 30, lambda d: d.weekday() < 5)
    assert end > naive


def test_unknown_year_needs_the_override_table():
    with pytest.raises(workdays.UnknownCalendarYear) as info:
        workdays.add_working_days(D(2031, 1, 6), 2, official)
    assert "尚未录入" in str(info.value)
    # Overrides answer for the days they cover; the lenient mode falls back to weekdays.
    lenient = workdays.make_is_workday({D(2031, 1, 7): False}, strict=False)
    assert workdays.add_working_days(D(2031, 1, 6), 2, lenient) == D(2031, 1, 9)


def test_override_beats_the_package():
    # An admin marks 2026-03-09 (a Monday) as a holiday, e.g. a late official change.
    fn = workdays.make_is_workday({D(2026, 3, 9): False})
    assert workdays.add_working_days(D(2026, 3, 6), 1, fn) == D(2026, 3, 10)


# Mutation testing (issue 14, `make mutation`): the edges the tests above left open.


def test_negative_days_refused_with_its_message():
    with pytest.raises(ValueError, match="^工作日数不能为负$"):
        workdays.add_working_days(D(2026, 3, 2), -1, official)


def test_unknown_year_error_names_the_day_asked():
    # 2031-01-07 is the first day add_working_days asks about (the start is not counted).
    with pytest.raises(workdays.UnknownCalendarYear) as info:
        workdays.add_working_days(D(2031, 1, 6), 1, official)
    assert info.value.day == D(2031, 1, 7)


def test_lenient_fallback_is_monday_to_friday():
    # 2031-01-06 is a Monday: Friday 01-10 is worked, Saturday 01-11 and Sunday 01-12 are not.
    lenient = workdays.make_is_workday({}, strict=False)
    assert [lenient(D(2031, 1, d)) for d in range(6, 13)] == [True] * 5 + [False, False]


def test_working_days_between_an_empty_or_reversed_interval_is_zero():
    assert workdays.working_days_between(D(2026, 3, 2), D(2026, 3, 2), official) == 0
    assert workdays.working_days_between(D(2026, 3, 3), D(2026, 3, 2), official) == 0
    assert workdays.working_days_between(D(2026, 3, 2), D(2026, 3, 3), official) == 1
