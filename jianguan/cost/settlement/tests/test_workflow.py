"""The final account's pure arithmetic and transitions (no Django)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jianguan.cost.settlement import workflow as wf

BANDS = [(D("5000000"), 20), (D("20000000"), 30), (D("50000000"), 45)]


@pytest.mark.parametrize(
    ("amount", "days"),
    [
        ("4999999.99", 20),
        ("5000000.00", 30),
        ("19999999.99", 30),
        ("20000000.00", 45),
        ("49999999.99", 45),
        ("50000000.00", 60),
    ],
)
def test_review_days_by_amount_band(amount, days):
    assert wf.review_days(D(amount), BANDS, 60) == days


@pytest.mark.parametrize(
    ("market", "expected"),
    [
        ("4200.00", "0.00"),  # +5 % exactly: within the band, the contractor's risk
        ("4200.01", "0.50"),  # one fen beyond: 0.01 × 50
        ("4500.00", "15000.00"),
        ("3800.00", "0.00"),  # −5 % exactly
        ("3799.99", "-0.50"),
        ("3000.00", "-40000.00"),  # (3,000 − 3,800) × 50
    ],
)
def test_price_adjustment_only_beyond_the_band(market, expected):
    assert wf.price_adjustment(D("4000"), D(market), D("50"), D("0.05")) == D(expected)


def test_price_adjustment_needs_a_base_price():
    with pytest.raises(wf.TransitionError):
        wf.price_adjustment(D("0"), D("10"), D("1"), D("0.05"))


@pytest.mark.parametrize("bad", ["-1", "NaN", "sNaN", "Infinity", "-Infinity", "x", "", "1e20"])
def test_amount_input_refuses_junk(bad):
    with pytest.raises(wf.TransitionError):
        wf.amount_input(bad, "金额")


def test_amount_input_zero():
    assert wf.amount_input("0", "金额") == 0
    with pytest.raises(wf.TransitionError):
        wf.amount_input("0", "金额", allow_zero=False)


def test_final_balance_counts_every_yuan_received():
    b = wf.FinalBalance(
        settled=D("366700.00"),
        paid_to_date=D("226000.00"),
        advance_recovered=D("20000.00"),
        retention_held=D("9000.00"),
        advance_outstanding=D("15000.00"),
    )
    assert b.paid == D("246000.00")
    assert b.balance == D("96700.00")
    over = wf.FinalBalance(D("200000"), D("226000"), D("20000"), D("9000"), D("15000"))
    assert over.balance == D("-70000.00")


def test_remaining_for_payment_and_refund():
    assert wf.remaining(D("100.00"), [("payment", D("40"))]) == D("60.00")
    assert wf.remaining(D("-70.00"), [("refund", D("30"))]) == D("40.00")
    assert wf.remaining(D("-70.00"), []) == D("70.00")


def test_transitions():
    assert wf.transition(wf.DRAFT, "submit") == wf.SUBMITTED
    assert wf.transition(wf.SUBMITTED, "owner_return") == wf.DRAFT
    assert wf.transition(wf.SUBMITTED, "deemed") == wf.OWNER_REVIEWED
    with pytest.raises(wf.TransitionError) as exc:
        wf.transition(wf.DRAFT, "audit_start")
    assert exc.value.code == "wrong_status"
    with pytest.raises(wf.TransitionError):
        wf.check_editable(wf.SUBMITTED)
    assert wf.required_parties(True, False) == ["employer", "contractor", "supervisor"]
