"""Exact edges of the pure contract workflow (issue 14 part 3: mutation testing).

No database. The claim review chain (监理 → 建设单位 → 财政评审 → 审计复审, 双审双控), the
variation approval steps and the acceptance order (京质量条例 44: nothing is covered before
the level below has been accepted) are checked state by state, each refusal by its code and
the exact message the user reads.
"""

from __future__ import annotations

import pytest

from jianguan.contracts import workflow as w
from jianguan.contracts.workflow import TransitionError


def _refused(fn, *args):
    with pytest.raises(TransitionError) as err:
        fn(*args)
    return err.value.code, str(err.value)


# --- claims ----------------------------------------------------------------------------------


def test_the_review_chain_runs_supervisor_owner_finance_audit_then_approved():
    assert w.CHAIN == ("supervisor", "owner", "finance", "audit")
    assert [w.next_stage(s) for s in w.CHAIN] == ["owner", "finance", "audit", "approved"]


def test_next_stage_refuses_a_status_outside_the_chain():
    with pytest.raises(ValueError):
        w.next_stage("draft")


@pytest.mark.parametrize("stage", ["supervisor", "owner", "finance", "audit"])
def test_a_reviewer_acts_at_the_claims_own_stage(stage):
    assert w.check_review_stage(stage, stage) is None


def test_an_unknown_stage_is_refused():
    assert _refused(w.check_review_stage, "supervisor", "mayor") == (
        "unknown_stage",
        "未知的审核环节",
    )
    assert _refused(w.check_review_stage, "draft", "approved") == (
        "unknown_stage",
        "未知的审核环节",
    )


@pytest.mark.parametrize(
    ("status", "stage", "message"),
    [
        ("supervisor", "owner", "监理审核尚未提交，不能开始建设单位审核"),
        ("supervisor", "audit", "监理审核尚未提交，不能开始审计复审"),
        ("owner", "finance", "建设单位审核尚未提交，不能开始财政评审"),
        # the audit review cannot start before the finance review is submitted (双审双控)
        ("finance", "audit", "财政评审尚未提交，不能开始审计复审"),
    ],
)
def test_a_later_reviewer_waits_for_the_open_review(status, stage, message):
    assert _refused(w.check_review_stage, status, stage) == ("previous_review_open", message)


@pytest.mark.parametrize(
    ("status", "stage", "message"),
    [
        ("owner", "supervisor", "进度款申请当前状态为“建设单位审核中”，不在监理审核环节"),
        ("audit", "finance", "进度款申请当前状态为“审计复审中”，不在财政评审环节"),
        ("draft", "supervisor", "进度款申请当前状态为“草拟”，不在监理审核环节"),
        ("approved", "audit", "进度款申请当前状态为“已审定待支付”，不在审计复审环节"),
        ("paid", "owner", "进度款申请当前状态为“已支付”，不在建设单位审核环节"),
        ("returned", "finance", "进度款申请当前状态为“已退回”，不在财政评审环节"),
        ("lost", "owner", "进度款申请当前状态为“lost”，不在建设单位审核环节"),
    ],
)
def test_an_earlier_or_finished_stage_is_the_wrong_stage(status, stage, message):
    assert _refused(w.check_review_stage, status, stage) == ("wrong_stage", message)


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_claim_is_editable_only_as_a_draft_or_returned(status):
    assert w.check_claim_editable(status) is None


@pytest.mark.parametrize(
    "status", ["supervisor", "owner", "finance", "audit", "approved", "paid", "other"]
)
def test_a_submitted_claim_is_locked(status):
    assert _refused(w.check_claim_editable, status) == (
        "claim_locked",
        "进度款申请已提交审核，不能修改",
    )


# --- variations ------------------------------------------------------------------------------


@pytest.mark.parametrize("needs_regulator", [True, False])
def test_the_supervisor_approves_to_the_owner(needs_regulator):
    assert w.variation_next("submitted", "supervisor", "approve", needs_regulator) == (
        "supervisor_ok"
    )


def test_the_owner_approves_to_the_regulator_only_above_the_threshold():
    assert w.variation_next("supervisor_ok", "owner", "approve", True) == "owner_ok"
    assert w.variation_next("supervisor_ok", "owner", "approve", False) == "approved"


@pytest.mark.parametrize("needs_regulator", [True, False])
def test_the_regulator_approves(needs_regulator):
    assert w.variation_next("owner_ok", "regulator", "approve", needs_regulator) == "approved"


@pytest.mark.parametrize(
    ("status", "step"),
    [("submitted", "supervisor"), ("supervisor_ok", "owner"), ("owner_ok", "regulator")],
)
def test_every_step_may_reject(status, step):
    assert w.variation_next(status, step, "reject", True) == "rejected"
    assert w.variation_next(status, step, "reject", False) == "rejected"


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        ("submitted", "owner", "变更当前状态为“待监理审核”，不在建设单位审批环节"),
        ("supervisor_ok", "supervisor", "变更当前状态为“待建设单位审批”，不在监理审核环节"),
        ("owner_ok", "owner", "变更当前状态为“待监管部门审批”，不在建设单位审批环节"),
        ("draft", "supervisor", "变更当前状态为“草拟”，不在监理审核环节"),
        ("approved", "regulator", "变更当前状态为“已批准”，不在监管部门审批环节"),
        ("rejected", "supervisor", "变更当前状态为“已驳回”，不在监理审核环节"),
        ("odd", "mayor", "变更当前状态为“odd”，不在mayor环节"),
    ],
)
def test_a_step_out_of_turn_is_refused(status, step, message):
    assert _refused(w.variation_next, status, step, "approve", True) == ("wrong_step", message)


def test_a_decision_other_than_approve_or_reject_is_refused():
    for decision in ("return", "", "APPROVE"):
        assert _refused(w.variation_next, "submitted", "supervisor", decision, True) == (
            "unknown_decision",
            "审批意见只能是同意或不同意",
        )


def test_the_step_is_checked_before_the_decision():
    code, _ = _refused(w.variation_next, "submitted", "owner", "return", True)
    assert code == "wrong_step"


# --- acceptance ------------------------------------------------------------------------------


def test_acceptance_levels_go_from_the_unit_down_to_the_lot():
    assert w.child_level("unit") == "division"
    assert w.child_level("division") == "subdivision"
    assert w.child_level("subdivision") == "lot"
    assert w.child_level("lot") is None


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_a_pending_or_failed_item_may_be_self_checked(status):
    assert w.check_self_check(status) is None


@pytest.mark.parametrize("status", ["self_checked", "accepted"])
def test_an_item_already_self_checked_is_refused(status):
    assert _refused(w.check_self_check, status) == (
        "already_self_checked",
        "该验收项已自检，等待监理验收或已验收合格",
    )


def test_the_supervisor_accepts_after_the_self_check_with_every_child_accepted():
    assert w.check_accept("self_checked", []) is None
    assert w.check_accept("self_checked", ["accepted", "accepted"]) is None


@pytest.mark.parametrize("status", ["pending", "failed", "accepted"])
def test_no_acceptance_without_the_self_check(status):
    assert _refused(w.check_accept, status, ["accepted"]) == (
        "not_self_checked",
        "须先由施工单位自检合格后报监理验收",
    )


@pytest.mark.parametrize(
    "children", [["accepted", "self_checked"], ["pending"], ["failed", "accepted"]]
)
def test_no_acceptance_while_one_item_below_is_not_accepted(children):
    assert _refused(w.check_accept, "self_checked", children) == (
        "children_not_accepted",
        "下一级验收项尚未全部验收合格",
    )
