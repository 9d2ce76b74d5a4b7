"""Which readings break which limit (pure)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jianguan.smartsite.limits import Limits, exceedances, floors, is_night, level_of, parse_hhmm

L = Limits(70.0, 55.0, 15.0, dt.time(22), dt.time(6), pm10=80.0)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute)


def metrics(values, when) -> list[str]:
    return [e.metric for e in exceedances(values, when, L)]


def test_night_wraps_midnight_and_edges():
    assert is_night(dt.time(22, 0), dt.time(22), dt.time(6))
    assert is_night(dt.time(5, 59), dt.time(22), dt.time(6))
    assert not is_night(dt.time(6, 0), dt.time(22), dt.time(6))
    assert not is_night(dt.time(21, 59), dt.time(22), dt.time(6))
    assert is_night(dt.time(1), dt.time(0), dt.time(6)) and not is_night(
        dt.time(7), dt.time(0), dt.time(6)
    )
    assert parse_hhmm("22:00") == dt.time(22)


def test_day_and_night_limits_on_leq():
    assert metrics({"noise_leq": 70.0}, at(10)) == []  # at the limit is within it
    assert metrics({"noise_leq": 70.1}, at(10)) == ["noise_day"]
    assert metrics({"noise_leq": 55.1}, at(23)) == ["noise_night"]
    assert metrics({"noise_leq": 60.0}, at(10)) == []
    # the night maximum: LA above 55 + 15
    assert metrics({"noise_leq": 50.0, "noise_la": 70.5}, at(2)) == ["noise_night_max"]
    assert metrics({"noise_leq": 50.0, "noise_la": 70.0}, at(2)) == []


def test_la_stands_in_for_a_missing_leq_and_says_so():
    (e,) = exceedances({"noise_la": 58.0}, at(23), L)
    assert e.metric == "noise_night" and e.instantaneous and e.limit == 55.0


def test_noise_away_from_the_boundary_and_pm10():
    assert exceedances({"noise_leq": 90.0}, at(10), L, boundary=False) == []
    assert metrics({"pm10": 80.0}, at(10)) == [] and metrics({"pm10": 80.5}, at(10)) == ["pm10"]
    no_pm_rule = Limits(70.0, 55.0, 15.0, dt.time(22), dt.time(6), pm10=None)
    assert exceedances({"pm10": 900.0}, at(10), no_pm_rule) == []


def test_levels_for_the_map():
    assert level_of({}, at(10), L) == "grey"
    assert level_of({"pm10": 40.0}, at(10), L) == "green"
    assert level_of({"pm10": 75.0}, at(10), L) == "yellow"
    assert level_of({"noise_leq": 72.0}, at(10), L) == "red"
    assert level_of({"noise_leq": 52.0}, at(23), L) == "yellow"


@given(
    la=st.none() | st.floats(0, 120),
    leq=st.none() | st.floats(0, 120),
    pm10=st.none() | st.floats(0, 500),
    hour=st.integers(0, 23),
    excess=st.floats(-20, 20),
    pm10_limit=st.none() | st.floats(0, 300),
)
def test_a_reading_under_the_floors_exceeds_nothing(la, leq, pm10, hour, excess, pm10_limit):
    # the alert hook skips such readings without calling exceedances()
    limits = Limits(70.0, 55.0, excess, dt.time(22), dt.time(6), pm10=pm10_limit)
    noise_floor, pm10_floor = floors(limits)
    over = any(v is not None and v > noise_floor for v in (la, leq)) or (
        pm10 is not None and pm10_floor is not None and pm10 > pm10_floor
    )
    found = exceedances({"noise_la": la, "noise_leq": leq, "pm10": pm10}, at(hour), limits)
    assert over or not found


def test_each_exceedance_carries_its_value_limit_and_kind_of_level():
    from jianguan.smartsite.limits import Exceedance

    def found(values, when):
        return exceedances(values, when, L)

    assert found({"noise_leq": 71.5, "noise_la": 80.0}, at(10)) == [
        Exceedance("noise_day", 71.5, 70.0, False)  # Leq judged, not the instantaneous LA
    ]
    assert found({"noise_la": 71.5}, at(10)) == [Exceedance("noise_day", 71.5, 70.0, True)]
    assert found({"noise_leq": 56.0, "noise_la": 72.0}, at(23)) == [
        Exceedance("noise_night", 56.0, 55.0, False),
        Exceedance("noise_night_max", 72.0, 70.0, False),
    ]
    assert found({"noise_la": 56.0}, at(23)) == [Exceedance("noise_night", 56.0, 55.0, True)]
    assert found({"noise_leq": 55.0, "noise_la": 70.0}, at(23)) == []  # both at their limits
    assert found({"pm10": 80.5}, at(10)) == [Exceedance("pm10", 80.5, 80.0, False)]
    assert found({"pm10": 80.0}, at(10)) == []
    assert exceedances({"noise_leq": 90.0}, at(10), L, boundary=False) == []


def test_night_period_edges_when_it_does_not_wrap():
    one_to_five = (dt.time(1), dt.time(5))
    assert is_night(dt.time(1, 0), *one_to_five)
    assert is_night(dt.time(4, 59), *one_to_five)
    assert not is_night(dt.time(5, 0), *one_to_five)
    assert not is_night(dt.time(0, 59), *one_to_five)
    # a period from a time to itself is empty, not the whole day
    assert not is_night(dt.time(22), dt.time(22), dt.time(22))
    assert not is_night(dt.time(3), dt.time(22), dt.time(22))
    assert parse_hhmm("22:30") == dt.time(22, 30) and parse_hhmm("06:05") == dt.time(6, 5)


def test_floors_are_the_lowest_limit_whichever_it_is():
    assert floors(L) == (55.0, 80.0)
    day_lower = Limits(50.0, 55.0, 15.0, dt.time(22), dt.time(6))
    assert floors(day_lower) == (50.0, None)
    tight_max = Limits(70.0, 55.0, -10.0, dt.time(22), dt.time(6), pm10=60.0)
    assert floors(tight_max) == (45.0, 60.0)


def test_live_colour_near_each_limit():
    assert level_of({"noise_la": 40.0}, at(10), L) == "green"  # LA alone is judged, not grey
    assert level_of({"noise_leq": 63.5}, at(10), L) == "yellow"  # within 10 % of 70
    assert level_of({"noise_leq": 62.9}, at(10), L) == "green"
    assert level_of({"noise_leq": 50.0}, at(23), L) == "yellow"  # within 10 % of 55
    assert level_of({"noise_leq": 49.0}, at(23), L) == "green"
    assert level_of({"pm10": 72.5}, at(10), L) == "yellow"
    assert level_of({"pm10": 71.9}, at(10), L) == "green"
    no_pm10 = Limits(70.0, 55.0, 15.0, dt.time(22), dt.time(6))
    assert level_of({"pm10": 900.0}, at(10), no_pm10) == "green"  # no district limit set
    assert level_of({"pm10": 900.0, "noise_leq": 65.0}, at(10), no_pm10) == "yellow"
    assert level_of({"temperature": 20.0}, at(10), L) == "grey"
