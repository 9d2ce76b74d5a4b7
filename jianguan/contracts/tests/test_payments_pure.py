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


# --- Mutation testing (issue 14, `make mutation`): every message, label and boundary pinned ---


def terms(**changes):
    return p.Terms(**{**TERMS.__dict__, **changes})


def limits(**changes):
    return p.Limits(**{**LIMITS.__dict__, **changes})


MSG = {
    "price_not_positive": "合同价须大于零",
    "progress_ratio_range": "进度款支付比例须在 0 至 100% 之间",
    "progress_ratio_too_low": "进度款支付比例不得低于已完成工程价款的 80%（财建〔2022〕183号）",
    "retention_too_high": "质量保证金比例不得高于 3%（建质〔2017〕138号第七条）",
    "ratios_exceed_total": "进度款支付比例与质量保证金比例之和不得超过 100%",
    "retention_with_bond": "已缴纳履约保证金的，不得同时预留工程质量保证金（建质〔2017〕138号）",
    "security_amount_missing": "请填写履约担保金额",
    "security_too_high": "履约保证金不得超过中标合同金额的 10%（《招标投标法实施条例》第五十八条）",
    "labour_cycle_too_long": "人工费用拨付周期不得超过 1 个月（《保障农民工工资支付条例》第二十四条）",
    "advance_ratio_range": "预付款比例须在 0 至 30% 之间",
}


def problems(t, lim=LIMITS):
    found = p.check_terms(t, lim)
    for code, message in found:
        assert message == MSG[code], code
    return [code for code, _ in found]


def test_check_terms_price_must_be_positive():
    assert problems(terms(price=D("0"), security_form="none")) == ["price_not_positive"]
    assert problems(terms(price=D("0.01"), security_form="none")) == []


def test_check_terms_progress_ratio_range_and_the_80_percent_floor_183():
    # 财建〔2022〕183号: at least 80 %; exactly the floor is lawful, one ten-thousandth below is not.
    assert problems(terms(progress_ratio=D("0.8"))) == []
    assert problems(terms(progress_ratio=D("0.7999"))) == ["progress_ratio_too_low"]
    assert problems(terms(progress_ratio=D("0"))) == ["progress_ratio_too_low"]
    assert problems(terms(progress_ratio=D("-0.01"))) == ["progress_ratio_range"]
    assert problems(terms(progress_ratio=D("1"), retention_form="none")) == []
    assert problems(terms(progress_ratio=D("1.01"), retention_form="none")) == [
        "progress_ratio_range"
    ]
    assert problems(terms(progress_ratio=D("0.5")), limits(progress_ratio_min=D("0.5"))) == []


def test_check_terms_cash_retention_at_most_3_percent_and_the_sum_138():
    # 建质〔2017〕138号 第七条: retention at most 3 %; ratio + retention ≤ 100 %.
    assert problems(terms(retention_ratio=D("0.03"))) == []
    assert problems(terms(retention_ratio=D("0.0301"))) == ["retention_too_high"]
    assert problems(terms(retention_ratio=D("0"))) == []
    assert problems(terms(retention_ratio=D("-0.01"))) == ["retention_too_high"]
    assert problems(terms(progress_ratio=D("0.97"))) == []
    assert problems(terms(progress_ratio=D("0.9701"))) == ["ratios_exceed_total"]
    # Only cash retention is limited: a guarantee or none is not checked against the ratio.
    assert problems(terms(retention_form="bank_guarantee", retention_ratio=D("0.5"))) == []
    assert problems(terms(retention_form="none", progress_ratio=D("1"))) == []


def test_check_terms_no_cash_retention_beside_a_performance_bond_138():
    assert problems(terms(security_form="bond")) == ["retention_with_bond"]
    assert problems(terms(security_form="bond"), limits(retention_not_with_bond=False)) == []
    assert problems(terms(security_form="bond", retention_form="bank_guarantee")) == []


def test_check_terms_security_at_most_10_percent_58():
    # 招标投标法实施条例 58: the performance security at most 10 % of the contract price.
    assert problems(terms(security_amount=D("100000.00"))) == []
    assert problems(terms(security_amount=D("100000.01"))) == ["security_too_high"]
    assert problems(terms(security_amount=D("0"))) == ["security_amount_missing"]
    assert problems(terms(security_amount=D("0.01"))) == []
    assert problems(terms(security_form="none", security_amount=D("0"))) == []
    assert problems(terms(security_form="none", security_amount=D("999999"))) == []
    # 10 % of 1 000 000.005 is 100 000.0005, rounded to the fen: 100 000.00 allowed, .01 not.
    assert problems(terms(price=D("1000000.005"), security_amount=D("100000.01"))) == [
        "security_too_high"
    ]


def test_check_terms_labour_payment_cycle_24():
    # 保障农民工工资支付条例 24: labour costs paid at least monthly; 0 months is no cycle.
    assert problems(terms(labour_payment_cycle_months=1)) == []
    assert problems(terms(labour_payment_cycle_months=2)) == ["labour_cycle_too_long"]
    assert problems(terms(labour_payment_cycle_months=0)) == ["labour_cycle_too_long"]
    found = p.check_terms(terms(labour_payment_cycle_months=3), limits(labour_cycle_max_months=2))
    assert found == [
        (
            "labour_cycle_too_long",
            "人工费用拨付周期不得超过 2 个月（《保障农民工工资支付条例》第二十四条）",
        )
    ]
    assert problems(terms(labour_payment_cycle_months=2), limits(labour_cycle_max_months=2)) == []


def test_check_terms_advance_ratio_0_to_30_percent():
    for ok in ("0", "0.3"):
        assert problems(terms(advance_ratio=D(ok))) == []
    for bad in ("-0.01", "0.3001"):
        assert problems(terms(advance_ratio=D(bad))) == ["advance_ratio_range"]


def test_every_term_problem_at_once_in_order():
    worst = terms(
        price=D("-1"),
        progress_ratio=D("0.99"),
        retention_ratio=D("0.05"),
        security_form="bond",
        security_amount=D("-1"),
        labour_payment_cycle_months=6,
        advance_ratio=D("0.5"),
    )
    assert problems(worst) == [
        "price_not_positive",
        "retention_too_high",
        "ratios_exceed_total",
        "retention_with_bond",
        "security_amount_missing",
        "labour_cycle_too_long",
        "advance_ratio_range",
    ]


def test_money_and_qty_round_half_up():
    assert p.money(D("0.005")) == D("0.01") and p.money(D("0.0049")) == D("0.00")
    assert p.qty(D("0.0005")) == D("0.001") and p.qty(D("0.00049")) == D("0.000")
    assert str(p.money(D("2"))) == "2.00" and str(p.qty(D("2"))) == "2.000"


def test_amount_due_every_field_and_the_cap_at_its_edge():
    due = p.amount_due(
        approved_cumulative_value=D("500000.004"),
        previous_cumulative_value=D("400000.00"),
        previous_cumulative_payable=D("320000.00"),
        terms=TERMS,
        current_value=D("1000000.00"),
    )
    assert due == p.Due(
        period_value=D("100000.00"),
        payable=D("80000.00"),
        retention=D("3000.00"),
        cumulative_value=D("500000.00"),
        cumulative_payable=D("400000.00"),
    )
    # The cap (970 000 = value less 3 % retention) reached exactly: still paid in full.
    at_cap = p.amount_due(
        approved_cumulative_value=D("1000000.00"),
        previous_cumulative_value=D("900000.00"),
        previous_cumulative_payable=D("890000.00"),
        terms=TERMS,
        current_value=D("1000000.00"),
    )
    assert at_cap.payable == D("80000.00") and at_cap.cumulative_payable == D("970000.00")
    # Without cash retention the cap is the whole contract value.
    no_cash = p.amount_due(
        approved_cumulative_value=D("1000000.00"),
        previous_cumulative_value=D("900000.00"),
        previous_cumulative_payable=D("930000.00"),
        terms=terms(retention_form="none"),
        current_value=D("1000000.00"),
    )
    assert (no_cash.payable, no_cash.retention) == (D("70000.00"), D("0.00"))
    # Past the cap already: nothing more, never a negative payment.
    over = p.amount_due(
        approved_cumulative_value=D("1000000.00"),
        previous_cumulative_value=D("900000.00"),
        previous_cumulative_payable=D("980000.00"),
        terms=TERMS,
        current_value=D("1000000.00"),
    )
    assert over.payable == D("0.00") and str(over.payable) == "0.00"


def test_amount_due_retention_on_a_small_period_and_none_on_an_empty_one():
    small = p.amount_due(
        approved_cumulative_value=D("0.50"),
        previous_cumulative_value=D("0"),
        previous_cumulative_payable=D("0"),
        terms=TERMS,
        current_value=D("1000"),
    )
    assert (small.payable, small.retention) == (D("0.40"), D("0.02"))  # 0.015 half-up
    empty = p.amount_due(
        approved_cumulative_value=D("100"),
        previous_cumulative_value=D("100"),
        previous_cumulative_payable=D("80"),
        terms=TERMS,
        current_value=D("1000"),
    )
    assert (str(empty.payable), str(empty.retention)) == ("0.00", "0.00")


def test_check_period_exact_and_touching_periods_clash():
    jan = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    label = "计量期不与以往申请重叠"
    assert p.check_period(*jan, []) == p.Check("period_overlap", label, True, ())
    one_day = p.check_period(jan[0], jan[0], [])
    assert one_day.passed
    assert p.check_period(jan[1], jan[0], []) == p.Check(
        "period_overlap", label, False, ("计量期结束日期早于开始日期",)
    )
    before = ("JD-1", dt.date(2025, 12, 1), dt.date(2026, 1, 1))  # ends on our first day
    after = ("JD-3", dt.date(2026, 1, 31), dt.date(2026, 2, 28))  # starts on our last day
    apart = ("JD-2", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    check = p.check_period(*jan, [before, apart, after])
    assert check == p.Check(
        "period_overlap",
        label,
        False,
        ("与 JD-1（2025-12-01 至 2026-01-01）重叠", "与 JD-3（2026-01-31 至 2026-02-28）重叠"),
    )


def test_check_quantities_exact_messages_tolerance_edge_and_limit():
    label = "累计申报工程量不超过合同工程量（含已批准变更）"
    exact = [line(current="100", cumulative="100")]
    assert p.check_quantities(exact, D("0")) == p.Check("quantity_exceeds_boq", label, True, ())
    over = p.check_quantities([line(current="100", cumulative="100.5")], D("0.005"))
    assert over.passed  # 100 × 1.005 = 100.5 allowed
    over = p.check_quantities([line(current="100", cumulative="100.501")], D("0.005"))
    assert over.messages == ("010101001001 挖土方：累计申报 100.501m3，超过允许的 100.5m3",)
    many = [line(code=str(i), current="1", cumulative="2") for i in range(22)]
    shown = p.check_quantities(many, D("0"), limit=20).messages
    assert len(shown) == 21 and shown[-1] == "……另有 2 项" and shown[19].startswith("19 ")
    assert len(p.check_quantities(many[:20], D("0"), limit=20).messages) == 20
    assert len(p.check_quantities(many, D("0")).messages) == 21  # the default limit is 20


def test_check_not_below_previous_exact():
    label = "累计工程量不少于上期审定累计量"
    assert p.check_not_below_previous([line(previous="50", cumulative="50")]) == p.Check(
        "quantity_below_previous", label, True, ()
    )
    assert p.check_not_below_previous([line(previous="60.50", cumulative="50")]) == p.Check(
        "quantity_below_previous",
        label,
        False,
        ("010101001001 挖土方：累计申报 50 少于上期审定 60.5",),
    )
    many = [line(code=str(i), previous="2", cumulative="1") for i in range(21)]
    assert len(p.check_not_below_previous(many).messages) == 20
    assert len(p.check_not_below_previous(many, limit=3).messages) == 3


def test_check_value_exact():
    label = "累计申报产值不超过现合同价"
    assert p.check_value(D("100"), D("100")) == p.Check("value_exceeds_contract", label, True, ())
    assert p.check_value(D("1234567.891"), D("1000000")) == p.Check(
        "value_exceeds_contract",
        label,
        False,
        ("累计申报 1,234,567.89 元，超过现合同价 1,000,000.00 元",),
    )


def test_check_key_nodes_exact():
    label = "控制本期付款的关键节点已通过"
    assert p.check_key_nodes([]) == p.Check("key_nodes_pending", label, True, ())
    assert p.check_key_nodes([("封顶", "passed"), ("基础验收", "failed")]) == p.Check(
        "key_nodes_pending", label, False, ("关键节点“基础验收”尚未通过联合检查",)
    )


def test_check_chief_supervisor_exact_37():
    # 建设工程质量管理条例 37: no payment without the chief supervising engineer's signature.
    label, ref = "总监理工程师已备案并签字", "《建设工程质量管理条例》第三十七条"
    assert p.check_chief_supervisor("张三") == p.Check(
        "chief_supervisor_missing", label, True, (), ref
    )
    assert p.check_chief_supervisor(None) == p.Check(
        "chief_supervisor_missing",
        label,
        False,
        ("本项目尚未备案总监理工程师，未经总监理工程师签字不得拨付工程款",),
        ref,
    )
    assert p.check_chief_supervisor(None).as_dict() == {
        "code": "chief_supervisor_missing",
        "label": label,
        "passed": False,
        "messages": ["本项目尚未备案总监理工程师，未经总监理工程师签字不得拨付工程款"],
        "reference": ref,
    }
