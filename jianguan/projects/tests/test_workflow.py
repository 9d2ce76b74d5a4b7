"""Lifecycle guards without a database (projects/workflow.py is pure)."""

import datetime as dt

import pytest

from jianguan.projects import workflow
from jianguan.projects.workflow import Stage, check_transition

D = dt.date
FIVE = {"owner", "surveyor", "designer", "general_contractor", "supervisor"}


def facts(**over):
    base = {
        "approval_document": "京兴发改〔2026〕1号",
        "design_review_document": "审查-001",
        "construction_permit": "110115202601010101",
        "construction_contract_signed": True,
        "leads_filed": set(FIVE),
        "key_nodes_total": 3,
        "key_nodes_pending": 0,
        "open_findings": 0,
        "completion_date": D(2026, 10, 1),
        "completion_filing": "备案-01",
        "settlement_document": "结算-01",
        "archive_transfer": "档案-01",
        "risk_ready": True,  # compliance: 较大/重大 risk has its plan (or no such risk)
        "open_rectification_orders": 0,  # compliance: every order passed
    }
    base.update(over)
    return base


def test_happy_path_through_every_stage():
    stages = list(Stage)
    for current, target in zip(stages, stages[1:], strict=False):
        assert check_transition(current, target, facts()) == []


def test_skipping_a_stage_is_refused_with_the_expected_next_stage():
    with pytest.raises(workflow.TransitionError) as info:
        check_transition("approval", "construction", facts())
    assert info.value.code == "stage_skipped"
    assert "设计" in str(info.value)


def test_going_back_and_unknown_stage_are_refused():
    with pytest.raises(workflow.TransitionError):
        check_transition("construction", "design", facts())
    with pytest.raises(workflow.TransitionError) as info:
        check_transition("construction", "demolition", facts())
    assert info.value.code == "unknown_stage"
    with pytest.raises(workflow.TransitionError):
        check_transition("archived", "approval", facts())


def test_construction_needs_permit_contract_and_all_five_leads_jianzhufa_7():
    unmet = check_transition(
        "tendering",
        "construction",
        facts(construction_permit="", construction_contract_signed=False, leads_filed={"owner"}),
    )
    codes = {u.code for u in unmet}
    assert codes == {"construction_permit", "construction_contract", "five_party_leads"}
    messages = " ".join(u.message for u in unmet)
    assert "施工许可证" in messages and "《中华人民共和国建筑法》第七条" in messages
    assert "终身责任" in messages


def test_completion_needs_every_key_node_no_open_findings_and_five_signatures():
    unmet = check_transition(
        "construction",
        "completion_acceptance",
        facts(key_nodes_pending=1, open_findings=2, completion_date=None),
    )
    assert {u.code for u in unmet} == {
        "key_nodes_passed",
        "no_open_findings",
        "five_party_acceptance",
    }


def test_missing_facts_never_open_a_gate():
    unmet = check_transition("tendering", "construction", {})
    assert len(unmet) == len(workflow.guards_for(Stage.CONSTRUCTION))


def test_registered_guard_from_another_app_applies():
    guard = workflow.Guard("test_only", "测试条件", "测试依据", lambda f: f.get("test_ok", False))
    workflow.register_guard(Stage.DESIGN, guard)
    try:
        assert [u.code for u in check_transition("approval", "design", facts())] == ["test_only"]
        assert check_transition("approval", "design", facts(test_ok=True)) == []
    finally:
        workflow._GUARDS[Stage.DESIGN].pop("test_only")


def test_completion_date_is_the_last_signature_jing_zhiliang_48():
    sigs = {
        "owner": D(2026, 9, 1),
        "surveyor": D(2026, 9, 3),
        "designer": D(2026, 9, 2),
        "general_contractor": D(2026, 9, 5),
        "supervisor": D(2026, 9, 4),
    }
    assert workflow.completion_date(sigs) == D(2026, 9, 5)
    sigs["supervisor"] = None
    assert workflow.completion_date(sigs) is None


def test_dates_out_of_order_are_reported():
    problems = workflow.dates_in_order(
        [("施工", D(2026, 5, 1), D(2026, 4, 1)), ("设计", None, D(2026, 1, 1))]
    )
    assert problems == ["施工的结束日期早于开始日期"]
