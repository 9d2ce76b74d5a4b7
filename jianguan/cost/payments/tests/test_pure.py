"""Pure arithmetic and rules of the advance and the retention: no Django. Figures by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.contracts.payments import advance_recovery
from jianguan.cost.payments import workflow as wf

PRICE = D("1000000.00")


def rec(
    prev, cum, *, outstanding=D("100000.00"), payable=D("1000000.00"), start="0.2", rate="0.25"
):
    return advance_recovery(
        outstanding=outstanding,
        price=PRICE,
        start_ratio=D(start),
        rate=D(rate),
        previous_cumulative_value=D(prev),
        cumulative_value=D(cum),
        payable=payable,
    )


def test_nothing_recovered_below_the_start_point():
    # start point 20 % × 1,000,000 = 200,000
    assert rec("0", "150000") == D("0.00")
    assert rec("150000", "200000") == D("0.00")  # reaching it exactly: nothing above it yet


def test_the_crossing_period_counts_only_its_value_above_the_start_point():
    # 150,000 → 260,000: 60,000 above 200,000 × 25 % = 15,000
    assert rec("150000", "260000") == D("15000.00")
    # one cent above the start point: 0.01 × 25 % = 0.0025 → 0.00 (half-up to the fen)
    assert rec("150000", "200000.01") == D("0.00")
    assert rec("150000", "200000.02") == D("0.01")  # 0.005 → 0.01


def test_after_the_start_point_the_rate_applies_to_the_whole_period():
    # 260,000 → 400,000: 140,000 × 25 % = 35,000
    assert rec("260000", "400000") == D("35000.00")
    # rounding half up: 33,333.33 × 25 % = 8,333.3325 → 8,333.33
    assert rec("300000", "333333.33") == D("8333.33")


def test_never_more_than_outstanding_nor_the_period_payable():
    assert rec("260000", "400000", outstanding=D("12345.67")) == D("12345.67")
    assert rec("260000", "400000", payable=D("20000.00")) == D("20000.00")
    assert rec("260000", "400000", outstanding=D("0")) == D("0.00")


def test_no_value_no_recovery():
    assert rec("400000", "400000") == D("0.00")
    assert rec("400000", "390000") == D("0.00")  # a cut below the previous cumulative


@pytest.mark.parametrize(
    "bad",
    [
        {"outstanding": D("-0.01")},
        {"outstanding": D("NaN")},
        {"payable": D("Infinity")},
        {"start": "1.01"},
        {"rate": "-0.1"},
    ],
)
def test_bad_input_is_refused(bad):
    kw = dict(bad)
    with pytest.raises(ValueError):
        rec("0", "500000", **kw)


# --- the advance's ratio (价款结算暂行办法 第十二条: 10 %–30 % of the contract price) --------


@pytest.mark.rule("advance.ratio_max")
def test_advance_at_the_contract_ratio_and_one_cent_above():
    wf.check_advance_amount(D("100000.00"), PRICE, D("0.10"), D("0.30"))
    with pytest.raises(wf.TransitionError) as e:
        wf.check_advance_amount(D("100000.01"), PRICE, D("0.10"), D("0.30"))
    assert e.value.code == "advance_above_ratio"
    # a contract ratio above the rule's 30 % is capped at 30 %
    wf.check_advance_amount(D("300000.00"), PRICE, D("0.35"), D("0.30"))
    with pytest.raises(wf.TransitionError):
        wf.check_advance_amount(D("300000.01"), PRICE, D("0.35"), D("0.30"))
    with pytest.raises(wf.TransitionError) as e:
        wf.check_advance_amount(D("1.00"), PRICE, D("0"), D("0.30"))
    assert e.value.code == "advance_not_agreed"


@pytest.mark.rule("advance.ratio_min")
def test_below_the_principle_is_shown_not_refused():
    assert wf.below_principle(D("0.0999"), D("0.10"))
    assert not wf.below_principle(D("0.10"), D("0.10"))
    assert not wf.below_principle(D("0"), D("0.10"))  # no advance agreed


def test_guarantee_covers_the_advance_and_is_in_force():
    today = dt.date(2026, 6, 1)
    wf.check_guarantee(D("100"), D("100"), today + dt.timedelta(days=1), today)
    with pytest.raises(wf.TransitionError) as e:
        wf.check_guarantee(D("100"), D("99.99"), today + dt.timedelta(days=1), today)
    assert e.value.code == "guarantee_too_small"
    with pytest.raises(wf.TransitionError) as e:
        wf.check_guarantee(D("100"), D("100"), today, today)
    assert e.value.code == "guarantee_expired"


# --- retention --------------------------------------------------------------------------------


def test_defects_period_end_in_months_from_completion():
    assert wf.defects_period_end(dt.date(2025, 3, 15), 12) == dt.date(2026, 3, 15)
    assert wf.defects_period_end(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert wf.defects_period_end(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert wf.defects_period_end(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


def release(**over):
    kw = dict(
        amount=D("1000.00"),
        held=D("1000.00"),
        released=D("0"),
        holds=D("0"),
        open_findings=0,
        period_end=dt.date(2026, 6, 1),
        today=dt.date(2026, 6, 1),
    )
    kw.update(over)
    wf.check_release(**kw)


def test_release_on_the_day_the_period_ends_not_the_day_before():
    release()
    with pytest.raises(wf.TransitionError) as e:
        release(today=dt.date(2026, 5, 31))
    assert e.value.code == "defects_period_running"
    with pytest.raises(wf.TransitionError) as e:
        release(period_end=None)
    assert e.value.code == "defects_period_not_started"


def test_a_hold_keeps_its_part_back():
    release(amount=D("700.00"), holds=D("300.00"))
    with pytest.raises(wf.TransitionError) as e:
        release(amount=D("700.01"), holds=D("300.00"))
    assert e.value.code == "held_for_defect"
    assert wf.releasable(D("1000"), D("200"), D("300")) == D("500")
    assert wf.releasable(D("1000"), D("800"), D("300")) == D("0.00")


def test_open_findings_and_amounts_above_what_is_held():
    with pytest.raises(wf.TransitionError) as e:
        release(open_findings=1)
    assert e.value.code == "open_findings"
    release(amount=D("600.00"), released=D("400.00"))
    with pytest.raises(wf.TransitionError) as e:
        release(amount=D("600.01"), released=D("400.00"))
    assert e.value.code == "above_held"


def test_transitions():
    wf.check_advance_transition(wf.A_REQUESTED, wf.A_APPROVED)
    wf.check_advance_transition(wf.A_APPROVED, wf.A_PAID)
    for current, target in [(wf.A_REQUESTED, wf.A_PAID), (wf.A_PAID, wf.A_APPROVED)]:
        with pytest.raises(wf.TransitionError):
            wf.check_advance_transition(current, target)
    wf.check_release_transition(wf.R_REQUESTED, wf.R_CONFIRMED)
    with pytest.raises(wf.TransitionError):
        wf.check_release_transition(wf.R_REQUESTED, wf.R_PAID)
    with pytest.raises(wf.TransitionError):
        wf.check_release_transition(wf.R_PAID, wf.R_CONFIRMED)
