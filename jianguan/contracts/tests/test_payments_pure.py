"""payments.py without a database: the 80 % rule and retention in exact Decimal, the checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from jianguan.contracts import payments as p

TERMS = p.Terms(
    price=D("1000000.00"),
    progress_ratio=D("0.8000"),
    retention_form="cash",
    retention_ratio=D("0.0300"),
    security_form="bank_guarantee",
    security_amount=D("50000.00"),
    labour_payment_cycle_months=1,
)
LIMITS = p.Limits(
    progress_ratio_min=D("0.8"),
    retention_ratio_max=D("0.03"),
    security_ratio_max=D("0.10"),
    labour_cycle_max_months=1,
    retention_not_with_bond=True,
)


def line(code="010101001001", current="100", previous="0", cumulative="50", rate="12.34"):
    return p.LineClaim(code, "挖土方", "m3", D(rate), D(current), D(previous), D(cumulative))


def test_amount_due_is_80_percent_of_the_period_and_withholds_3_percent():
    due = p.amount_due(
        approved_cumulative_value=D("123456.78"),
        previous_cumulative_value=D("23456.77"),
        previous_cumulative_payable=D("18765.42"),
        terms=TERMS,
        current_value=D("1000000.00"),
    )
    assert due.period_value == D("100000.01")
    assert due.payable == D("80000.01")  # 80000.008 rounded half-up to the fen
    assert due.retention == D("3000.00")  # 3000.0003
    assert due.cumulative_payable == D("98765.43")
    assert all(isinstance(v, D) for v in (due.payable, due.retention, due.period_value))


def test_payment_never_passes_the_contract_value_less_retention():
    due = p.amount_due(
        approved_cumulative_value=D("1000000.00"),
        previous_cumulative_value=D("900000.00"),
        previous_cumulative_payable=D("950000.00"),
        terms=TERMS,
        current_value=D("1000000.00"),
    )
    assert due.payable == D("20000.00")  # cap 970000 − 950000, not 80000


def test_no_retention_under_a_bank_guarantee_and_none_on_a_negative_period():
    terms = p.Terms(**{**TERMS.__dict__, "retention_form": "bank_guarantee"})
    due = p.amount_due(
        approved_cumulative_value=D("100"),
        previous_cumulative_value=D("0"),
        previous_cumulative_payable=D("0"),
        terms=terms,
        current_value=D("1000"),
    )
    assert (due.payable, due.retention) == (D("80.00"), D("0.00"))
    due = p.amount_due(
        approved_cumulative_value=D("90"),
        previous_cumulative_value=D("100"),
        previous_cumulative_payable=D("80"),
        terms=TERMS,
        current_value=D("1000"),
    )
    assert due.payable == D("0.00") and due.retention == D("0.00")


def test_terms_below_80_percent_or_above_3_percent_are_refused():
    bad = p.Terms(**{**TERMS.__dict__, "progress_ratio": D("0.75"), "retention_ratio": D("0.05")})
    codes = {c for c, _ in p.check_terms(bad, LIMITS)}
    assert {"progress_ratio_too_low", "retention_too_high"} <= codes
    assert p.check_terms(TERMS, LIMITS) == []


def test_claim_value_and_quantity_checks_with_tolerance():
    lines = [line(cumulative="101"), line(code="2", previous="10", cumulative="20", rate="1")]
    assert p.claim_value(lines) == (D("1266.34"), D("1256.34"))
    assert not p.check_quantities(lines, D("0")).passed
    assert p.check_quantities(lines, D("0.01")).passed  # 101 ≤ 100 × 1.01
    assert "101" in p.check_quantities(lines, D("0")).messages[0]
    assert not p.check_not_below_previous([line(previous="60", cumulative="50")]).passed


def test_period_value_key_node_and_chief_supervisor_checks():
    jan = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert p.check_period(*jan, [("JD-1", dt.date(2025, 12, 1), dt.date(2025, 12, 31))]).passed
    clash = p.check_period(*jan, [("JD-1", dt.date(2025, 12, 1), dt.date(2026, 1, 1))])
    assert not clash.passed and "JD-1" in clash.messages[0]
    assert not p.check_period(jan[1], jan[0], []).passed
    assert (
        not p.check_value(D("100.01"), D("100")).passed and p.check_value(D("100"), D("100")).passed
    )
    assert not p.check_key_nodes([("主体结构封顶", "pending")]).passed
    assert p.check_key_nodes([("主体结构封顶", "passed")]).passed
    check = p.check_chief_supervisor("")
    assert not check.passed and "第三十七条" in check.reference
    assert p.check_chief_supervisor("张三").as_dict()["passed"] is True
