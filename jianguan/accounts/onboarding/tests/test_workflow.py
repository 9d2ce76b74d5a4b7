"""The application's states, without a database."""

from __future__ import annotations

import pytest

from jianguan.accounts.onboarding import workflow as wf


def test_submitted_is_approved_or_returned_and_returned_is_resubmitted():
    assert wf.next_state(wf.SUBMITTED, "approve") == wf.APPROVED
    assert wf.next_state(wf.SUBMITTED, "return") == wf.RETURNED
    assert wf.next_state(wf.RETURNED, "resubmit") == wf.SUBMITTED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (wf.APPROVED, "approve"),
        (wf.APPROVED, "return"),
        (wf.APPROVED, "resubmit"),
        (wf.RETURNED, "approve"),
        (wf.RETURNED, "return"),
        (wf.SUBMITTED, "resubmit"),
    ],
)
def test_other_moves_are_refused_in_chinese(status, action):
    with pytest.raises(wf.TransitionRefused, match="申请"):
        wf.next_state(status, action)


def test_unknown_action():
    with pytest.raises(wf.TransitionRefused, match="未知的操作"):
        wf.next_state(wf.SUBMITTED, "delete")


def test_a_return_needs_reasons_an_approval_does_not():
    with pytest.raises(wf.TransitionRefused, match="退回理由"):
        wf.clean_reasons("return", "  ")
    assert wf.clean_reasons("approve", "") == ""
    assert wf.clean_reasons("return", " 执照不清晰 ") == "执照不清晰"
    with pytest.raises(wf.TransitionRefused, match="不能超过"):
        wf.clean_reasons("return", "x" * (wf.MAX_REASONS + 1))


def test_pending_states_reserve_the_credit_code():
    assert set(wf.PENDING) == {wf.SUBMITTED, wf.RETURNED}
