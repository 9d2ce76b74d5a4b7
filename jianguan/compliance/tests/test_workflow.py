"""Pure compliance rules: risk matrix, order transitions, due dates, failure counting."""

import datetime as dt

import pytest

from jianguan.compliance import checklist
from jianguan.compliance import workflow as wf

T = {wf.RiskLevel.GENERAL: 5, wf.RiskLevel.MAJOR: 10, wf.RiskLevel.SERIOUS: 16}


def test_risk_score_and_levels():
    assert wf.risk_score(3, 4) == 12
    assert wf.risk_level(4, T) == wf.RiskLevel.LOW
    assert wf.risk_level(5, T) == wf.RiskLevel.GENERAL
    assert wf.risk_level(12, T) == wf.RiskLevel.MAJOR
    assert wf.risk_level(25, T) == wf.RiskLevel.SERIOUS
    assert wf.overall_level([2, 16, 6], T) == wf.RiskLevel.SERIOUS
    assert wf.overall_level([], T) == wf.RiskLevel.LOW


@pytest.mark.parametrize("bad", [0, 6, -1, True, "3", None, 2.5])
def test_risk_values_outside_1_to_5_refused(bad):
    with pytest.raises(wf.WorkflowError) as exc:
        wf.risk_score(bad, 3)
    assert exc.value.code == "bad_risk_value" and "1 至 5" in str(exc.value)


def test_high_risk_needs_plan_and_person():
    assert wf.risk_ready_for_construction(None, False, "")
    assert wf.risk_ready_for_construction("general", False, "")
    assert not wf.risk_ready_for_construction("major", False, "张工")
    assert not wf.risk_ready_for_construction("serious", True, " ")
    assert wf.risk_ready_for_construction("serious", True, "张工")


def test_order_transitions():
    assert wf.check_order_transition("open", "answered") == wf.OrderStatus.ANSWERED
    assert wf.check_order_transition("answered", "failed") == wf.OrderStatus.FAILED
    assert wf.check_order_transition("failed", "answered") == wf.OrderStatus.ANSWERED
    assert wf.check_order_transition("answered", "passed") == wf.OrderStatus.PASSED
    for current, target in [("open", "passed"), ("passed", "answered"), ("open", "failed")]:
        with pytest.raises(wf.WorkflowError) as exc:
            wf.check_order_transition(current, target)
        assert exc.value.code == "bad_transition"
    with pytest.raises(wf.WorkflowError):
        wf.check_order_transition("open", "nonsense")


def test_due_dates():
    day = dt.date(2026, 3, 1)
    assert wf.due_date(day, 7) == dt.date(2026, 3, 8)
    assert wf.check_due_date(day, day) == day
    with pytest.raises(wf.WorkflowError) as exc:
        wf.check_due_date(day, dt.date(2026, 2, 28))
    assert exc.value.code == "due_before_inspection" and "不得早于" in str(exc.value)
    assert wf.is_overdue("open", day, dt.date(2026, 3, 2))
    assert not wf.is_overdue("passed", day, dt.date(2026, 3, 2))
    assert not wf.is_overdue("answered", day, day)


def test_choices_and_stop_work():
    assert wf.check_choice("safety", wf.FINDING_TYPES, "问题类型", "x") == "safety"
    with pytest.raises(wf.WorkflowError) as exc:
        wf.check_choice("fire", wf.FINDING_TYPES, "问题类型", "unknown_finding_type")
    assert "安全" in str(exc.value)
    assert wf.may_stop_work("serious") and not wf.may_stop_work("major")


def test_consecutive_failures_counts_back_to_the_last_pass():
    assert wf.consecutive_failures([]) == 0
    assert wf.consecutive_failures(["failed", "failed", "passed", "failed"]) == 2
    assert wf.consecutive_failures(["passed", "failed"]) == 0


def test_checklists_by_type():
    names = checklist.item_names("building")
    for expected in ("地质条件", "深基坑", "高大模板", "起重吊装", "工期压力", "周边建筑物"):
        assert expected in names.values()
    assert "geology" in checklist.item_names("other")
    codes = [c for c, _, _ in checklist.checklist("bridge")]
    assert len(codes) == len(set(codes))
