"""The task workflow without a database: who may move a task where, and the overdue clock."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.collab.tasks import workflow as wf

D = dt.date(2026, 12, 7)


def test_assignee_works_and_finishes_creator_accepts():
    wf.check_move(wf.TODO, wf.IN_PROGRESS, {wf.ASSIGNEE})
    wf.check_move(wf.IN_PROGRESS, wf.IN_REVIEW, {wf.ASSIGNEE})
    wf.check_move(wf.IN_PROGRESS, wf.DONE, {wf.ASSIGNEE})
    wf.check_move(wf.IN_REVIEW, wf.DONE, {wf.CREATOR})
    wf.check_move(wf.IN_REVIEW, wf.IN_PROGRESS, {wf.MANAGER})
    wf.check_move(wf.DONE, wf.IN_PROGRESS, {wf.CREATOR})
    wf.check_move(wf.CANCELLED, wf.TODO, {wf.MANAGER})


@pytest.mark.parametrize(
    ("frm", "to", "who", "code"),
    [
        (wf.IN_REVIEW, wf.DONE, {wf.ASSIGNEE}, "not_your_move"),
        (wf.TODO, wf.CANCELLED, {wf.ASSIGNEE}, "not_your_move"),
        (wf.TODO, wf.IN_PROGRESS, set(), "not_your_move"),
        (wf.DONE, wf.CANCELLED, {wf.CREATOR}, "transition_not_allowed"),
        (wf.TODO, wf.TODO, {wf.CREATOR}, "same_status"),
        (wf.TODO, "lost", {wf.CREATOR}, "unknown_status"),
    ],
)
def test_refused_moves(frm, to, who, code):
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check_move(frm, to, who)
    assert exc.value.code == code
    assert exc.value.forbidden == (code == "not_your_move")
    assert exc.value.message  # Chinese reason


def test_moves_for_lists_only_allowed():
    assert set(wf.moves_for(wf.TODO, {wf.ASSIGNEE})) == {wf.IN_PROGRESS, wf.IN_REVIEW, wf.DONE}
    assert wf.CANCELLED in wf.moves_for(wf.TODO, {wf.CREATOR})
    assert wf.moves_for(wf.DONE, {wf.ASSIGNEE}) == []


def test_overdue_clock():
    assert not wf.is_overdue(wf.TODO, D, D)  # the due day is still in time
    assert wf.is_overdue(wf.IN_REVIEW, D - dt.timedelta(days=1), D)
    assert wf.overdue_days(wf.TODO, D - dt.timedelta(days=9), D) == 9
    assert not wf.is_overdue(wf.DONE, D - dt.timedelta(days=9), D)
    assert not wf.is_overdue(wf.TODO, None, D)
    with pytest.raises(wf.TransitionRefused):
        wf.check_due(D - dt.timedelta(days=1), D)


def test_minutes_issue_guards():
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check_issue(wf.DRAFT, " ", 3)
    assert exc.value.code == "minutes_missing"
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check_issue(wf.DRAFT, "纪要", 0)
    assert exc.value.code == "attendance_missing"
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check_issue(wf.ISSUED, "纪要", 3)
    assert exc.value.code == "minutes_issued"
    wf.check_issue(wf.DRAFT, "纪要", 1)
