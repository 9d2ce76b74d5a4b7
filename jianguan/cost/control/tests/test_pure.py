"""The arithmetic of investment control, the S-curve and the opinion workflow: no Django."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.core.errors import Conflict
from jianguan.cost.control import curve, figures, workflow


def make(**kw):
    args = dict(
        estimate="10000000",
        contract_price="8000000",
        contract_current="8300000",
        pending="150000",
        contingency="200000",
        paid="3000000",
    )
    args.update(kw)
    return figures.figures(**args)


def test_forecast_is_current_value_plus_pending_plus_contingency_by_hand():
    f = make()
    assert f.variations_approved == D("300000.00")
    assert f.contract_current == D("8300000.00")
    assert f.forecast == D("8650000.00")  # 8,300,000 + 150,000 + 200,000
    assert f.forecast_deviation == D("-1350000.00")
    assert f.forecast_ratio == D("0.8650")
    assert f.paid_ratio == D("0.3614")  # 3,000,000 / 8,300,000 = 0.36144…
    assert f.settled_vs_contract is None


def test_settled_amount_replaces_the_forecast():
    f = make(settled="8123456.78")
    assert f.forecast == D("8123456.78")
    assert f.settled_vs_contract == D("-176543.22")
    assert figures.overrun_facts(f) == {"contract_value": D("8123456.78"), "variations_value": 0}


def test_budget_is_the_owners_figure_else_the_price_ceiling_else_none():
    assert make(plan_budget="9000000", ceilings="9500000").budget_source == "plan"
    f = make(ceilings="9500000")
    assert (f.budget, f.budget_source) == (D("9500000.00"), "ceiling")
    assert f.contract_vs_budget == D("-1500000.00")
    assert make().budget is None and make().contract_vs_budget is None


def test_overrun_facts_carry_the_forecast_as_variations():
    facts = figures.overrun_facts(make())
    assert facts["contract_value"] + facts["variations_value"] == D("8650000.00")


def test_no_estimate_gives_no_ratio():
    assert make(estimate="0").forecast_ratio is None


def test_group_totals():
    total = figures.add([make(), make(estimate="5000000", settled="5200000")])
    assert total["estimate"] == D("15000000.00")
    assert total["forecast"] == D("13850000.00")
    assert total["deviation"] == D("-1150000.00")
    assert total["settled"] == D("5200000.00")


def test_series_accumulates_plan_and_payments_by_month_and_stops_paid_at_today():
    plan = {
        dt.date(2026, 1, 1): D("100"),
        dt.date(2026, 2, 1): D("200"),
        dt.date(2026, 4, 1): D("50"),
    }
    paid = [
        (dt.date(2026, 1, 15), D("80")),
        (dt.date(2026, 1, 30), D("10")),
        (dt.date(2026, 2, 3), D("150")),
    ]
    rows = curve.series(plan, paid, until=dt.date(2026, 2, 20))
    assert [r["month"].month for r in rows] == [1, 2, 3, 4]
    assert [r["plan_cum"] for r in rows] == [D("100"), D("300"), D("300"), D("350")]
    assert [r["paid_cum"] for r in rows] == [D("90"), D("240"), None, None]
    svg = curve.svg(rows)
    assert svg.startswith("<svg") and 'class="plan"' in svg and 'class="paid"' in svg
    assert "<script" not in svg and "2026-01" in svg


def test_series_of_nothing_is_empty_and_draws_nothing():
    assert curve.series({}, [], until=dt.date(2026, 1, 1)) == []
    assert curve.svg([]) == ""


def test_opinion_transitions():
    workflow.check_answerable(workflow.OPEN)
    with pytest.raises(Conflict) as exc:
        workflow.check_answerable(workflow.ANSWERED)
    assert exc.value.code == "opinion_not_open"
    workflow.check_closable(workflow.ANSWERED)
    with pytest.raises(Conflict):
        workflow.check_closable(workflow.OPEN)
    assert workflow.is_overdue(workflow.OPEN, dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    assert not workflow.is_overdue(workflow.ANSWERED, dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    assert not workflow.is_overdue(workflow.OPEN, dt.date(2026, 1, 2), dt.date(2026, 1, 2))
