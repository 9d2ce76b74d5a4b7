"""Exact edges of the credit engine (issue 14 part 3: mutation testing). No database.

Every condition of "a record counts on day D" on its day and the day either side, decay to the
hundredth of a point, rounding half away from zero in both directions, the floor and the cap
reached exactly, and the messages a regulator reads when a record kind is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from jianguan.compliance import credit as C

D = dt.date(2026, 6, 10)
DAY = dt.timedelta(days=1)
LINEAR = C.Params(base=80000, floor=0, cap=100000, decay=C.LINEAR)
FLAT = C.Params(base=80000, floor=0, cap=100000, decay=C.NONE)


def entry(pk=1, points=-1000, occurred=D - 10 * DAY, recorded=None, expires=None, ends=None):
    recorded = recorded or occurred
    expires = expires or occurred + 100 * DAY
    return C.Entry(pk, "finding_general", points, occurred, recorded, expires, ends)


# --- kinds -----------------------------------------------------------------------------------


def test_a_kind_names_its_rules_and_its_sign():
    good, bad = C.KINDS["award_national"], C.KINDS["finding_major"]
    assert (good.sign, bad.sign) == (1, -1)
    assert good.points_rule == "credit.points.award_national"
    assert bad.validity_rule == "credit.validity.finding_major"


def test_an_unknown_kind_is_refused():
    with pytest.raises(C.CreditError) as err:
        C.check_kind("bribery")
    assert (str(err.value), err.value.code) == (
        "未知的信用记录类型：bribery",
        "unknown_credit_kind",
    )


def test_an_automatic_kind_cannot_be_entered_by_hand():
    assert C.check_kind("yellow_card") is C.KINDS["yellow_card"]
    assert C.check_kind("wage_arrears", manual_only=True) is C.KINDS["wage_arrears"]
    with pytest.raises(C.CreditError) as err:
        C.check_kind("yellow_card", manual_only=True)
    assert str(err.value) == "“被出示黄牌”由平台根据检查、整改和处理决定自动记录，不能手工录入"
    assert err.value.code == "credit_kind_automatic"


def test_points_convert_to_hundredths_and_back():
    assert C.to_centi("842.5") == 84250
    assert C.to_centi(3) == 300
    assert C.to_centi(Decimal("-0.07")) == -7
    assert C.from_centi(84250) == Decimal("842.50")
    assert str(C.from_centi(84250)) == "842.50"
    assert str(C.from_centi(-7)) == "-0.07"
    assert str(C.from_centi(1)) == "0.01"


# --- when a record counts --------------------------------------------------------------------


def test_recorded_the_day_before_counts_recorded_the_same_day_does_not():
    assert C.counts_on(entry(recorded=D - DAY), D)
    assert not C.counts_on(entry(recorded=D), D)
    assert not C.counts_on(entry(recorded=D + DAY), D)


def test_a_record_counts_from_the_day_it_occurred():
    # backdated knowledge cannot make a future fact count: occurred after D, recorded before
    assert C.counts_on(entry(occurred=D, recorded=D - DAY), D)
    assert not C.counts_on(entry(occurred=D + DAY, recorded=D - DAY), D)


def test_a_record_stops_counting_on_its_expiry_day():
    assert C.counts_on(entry(expires=D + DAY), D)
    assert not C.counts_on(entry(expires=D), D)


def test_an_ended_record_stops_counting_on_its_end_day():
    assert C.counts_on(entry(ends=None), D)
    assert C.counts_on(entry(ends=D + DAY), D)
    assert not C.counts_on(entry(ends=D), D)
    assert not C.counts_on(entry(ends=D - DAY), D)


# --- rounding and decay ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "den", "out"),
    [
        (5, 2, 3),
        (-5, 2, -3),
        (7, 2, 4),
        (-7, 2, -4),
        (4, 3, 1),
        (-4, 3, -1),
        (2, 3, 1),
        (-2, 3, -1),
        (1, 3, 0),
        (-1, 3, 0),
        (0, 7, 0),
        (6, 3, 2),
        (-6, 3, -2),
    ],
)
def test_division_rounds_half_away_from_zero(num, den, out):
    assert C._round_div(num, den) == out


def test_linear_decay_to_the_hundredth():
    e = entry(points=-1000, occurred=D - DAY, recorded=D - DAY, expires=D - DAY + 180 * DAY)
    # 179 of 180 days left: −1000 × 179 / 180 = −994.44… → −994
    assert C.contribution(e, D, C.LINEAR) == -994
    assert C.contribution(e, D, C.NONE) == -1000
    good = entry(points=999, occurred=D - DAY, recorded=D - DAY, expires=D + DAY)
    # 1 of 2 days left: 499.5 → 500 (half away from zero)
    assert C.contribution(good, D, C.LINEAR) == 500
    assert C.contribution(entry(recorded=D), D, C.NONE) == 0
    assert C.contribution(entry(recorded=D), D, C.LINEAR) == 0


# --- the day's score -------------------------------------------------------------------------


def _both(entries, params):
    b = C.explain(entries, D, params)
    s = C.score(entries, D, params)
    assert s == (b.total, b.good, b.bad, len(b.lines))
    return b, s


def test_good_and_bad_are_summed_apart_and_only_counting_records_enter():
    entries = [
        entry(pk=3, points=500),
        entry(pk=1, points=-300),
        entry(pk=2, points=-300),
        entry(pk=4, points=-2000, recorded=D),  # not known yet
    ]
    b, s = _both(entries, FLAT)
    assert s == (80000 + 500 - 600, 500, -600, 3)
    assert [(e.record_id, c) for e, c in b.lines] == [(1, -300), (2, -300), (3, 500)]
    assert b.clamp == 0
    assert b.base == 80000
    assert b.on == D


def test_linear_scores_match_the_explanation():
    entries = [
        entry(pk=1, points=-1000, occurred=D - DAY, expires=D - DAY + 180 * DAY),
        entry(pk=2, points=999, occurred=D - DAY, expires=D + DAY),
    ]
    b, s = _both(entries, LINEAR)
    assert s == (80000 - 994 + 500, 500, -994, 2)


def test_the_cap_and_the_floor_reached_exactly_add_nothing():
    at_cap = C.Params(base=99500, floor=0, cap=100000, decay=C.NONE)
    b, s = _both([entry(points=500)], at_cap)
    assert (s[0], b.clamp) == (100000, 0)
    b, s = _both([entry(points=501)], at_cap)
    assert (s[0], b.clamp) == (100000, -1)
    at_floor = C.Params(base=1000, floor=0, cap=100000, decay=C.NONE)
    b, s = _both([entry(points=-1000)], at_floor)
    assert (s[0], b.clamp) == (0, 0)
    b, s = _both([entry(points=-1001)], at_floor)
    assert (s[0], b.clamp) == (0, 1)


def test_the_digest_is_over_sorted_subject_value_lines():
    expected = hashlib.sha256(b"a:1\nb:-2\n").hexdigest()
    assert C.digest([("b", -2), ("a", 1)]) == expected
    assert C.digest([]) == hashlib.sha256(b"").hexdigest()


def test_the_batch_counts_a_record_on_the_day_it_occurred_and_a_one_hundredth_point():
    # occurred on D (known the day before: a dated decision), worth 0.01 point
    b, s = _both([entry(points=1, occurred=D, recorded=D - DAY)], FLAT)
    assert s == (80001, 1, 0, 1)
    b, s = _both([entry(points=-1, occurred=D, recorded=D - DAY)], FLAT)
    assert s == (79999, 0, -1, 1)
    b, s = _both([entry(points=1, occurred=D + DAY, recorded=D - DAY)], FLAT)
    assert s == (80000, 0, 0, 0)
