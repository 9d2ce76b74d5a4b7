"""The pure rules of a log's content and its canonical signed form."""

import datetime as dt

import pytest

from jianguan.collab.dailylogs import workflow as wf

TRADES = {"rebar_worker": "钢筋工", "electrician": "电工"}


def test_manpower_rows_checked():
    rows = wf.manpower_rows([{"trade": "rebar_worker", "count": 3}], TRADES)
    assert rows == [{"trade": "rebar_worker", "count": 3, "from_attendance": False}]
    for bad, code in (
        ([{"trade": "pilot", "count": 1}], "unknown_trade"),
        ([{"trade": "electrician", "count": -1}], "bad_count"),
        ([{"trade": "electrician", "count": True}], "bad_count"),
        (
            [{"trade": "electrician", "count": 1}, {"trade": "electrician", "count": 2}],
            "duplicate_trade",
        ),
    ):
        with pytest.raises(wf.Invalid) as exc:
            wf.manpower_rows(bad, TRADES)
        assert exc.value.code == code


def test_equipment_temperatures_weather_date():
    assert wf.equipment_rows([{"name": " 塔吊 ", "count": 2}]) == [{"name": "塔吊", "count": 2}]
    with pytest.raises(wf.Invalid):
        wf.equipment_rows([{"name": "", "count": 1}])
    with pytest.raises(wf.Invalid) as exc:
        wf.check_temperatures(10, 5)
    assert exc.value.code == "bad_temperature"
    with pytest.raises(wf.Invalid):
        wf.check_weather("tornado", "上午")
    with pytest.raises(wf.Invalid) as exc:
        wf.check_date(dt.date(2026, 1, 2), dt.date(2026, 1, 1))
    assert exc.value.code == "future_date"


def test_signed_log_is_not_editable():
    wf.check_editable(wf.DRAFT)
    with pytest.raises(wf.Invalid) as exc:
        wf.check_editable(wf.SIGNED)
    assert exc.value.code == "log_signed"
    with pytest.raises(wf.Invalid):
        wf.check_signable(wf.SIGNED)


def test_canonical_is_order_independent_and_sm3():
    a = wf.content_sm3({"b": 1, "a": "施工"})
    assert a == wf.content_sm3({"a": "施工", "b": 1}) and len(a) == 64
    assert a != wf.content_sm3({"a": "施工", "b": 2})


def test_previous_workday_skips_the_weekend():
    monday = dt.date(2026, 12, 7)
    assert wf.previous_workday(monday, lambda d: d.weekday() < 5) == dt.date(2026, 12, 4)
