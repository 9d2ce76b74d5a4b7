"""The pure workflow: who holds the ball, the allowed steps, the clock's levels."""

import datetime as dt

import pytest

from jianguan.collab.rfis import workflow as wf


def test_court_follows_the_state():
    assert wf.court(wf.DRAFT) == wf.ASKER
    assert wf.court(wf.OPEN) == wf.ADDRESSEE
    assert wf.court(wf.RETURNED) == wf.ASKER
    assert wf.court(wf.ANSWERED) == wf.ASKER
    assert wf.court(wf.CLOSED) is None


def test_steps_and_guards():
    assert wf.check_rfi_step(wf.DRAFT, "submit", wf.ASKER) == wf.OPEN
    assert wf.check_rfi_step(wf.OPEN, "answer", wf.ADDRESSEE) == wf.ANSWERED
    assert wf.check_rfi_step(wf.OPEN, "return", wf.ADDRESSEE) == wf.RETURNED
    assert wf.check_rfi_step(wf.RETURNED, "resubmit", wf.ASKER) == wf.OPEN
    assert wf.check_rfi_step(wf.ANSWERED, "close", wf.ASKER) == wf.CLOSED
    assert wf.check_rfi_step(wf.ANSWERED, "reopen", wf.ASKER) == wf.OPEN
    with pytest.raises(wf.RfiError) as e:
        wf.check_rfi_step(wf.OPEN, "answer", wf.ASKER)
    assert e.value.code == "not_in_court"
    with pytest.raises(wf.RfiError) as e:
        wf.check_rfi_step(wf.CLOSED, "answer", wf.ADDRESSEE)
    assert e.value.code == "bad_state"
    with pytest.raises(wf.RfiError):
        wf.check_rfi_step(wf.OPEN, "fly", wf.ADDRESSEE)
    assert wf.allowed_actions(wf.OPEN, wf.ADDRESSEE) == ["answer", "return"]
    assert wf.allowed_actions(wf.OPEN, wf.ASKER) == []


def test_review_guards():
    wf.check_review(wf.UNDER_REVIEW, wf.APPROVED, "")
    with pytest.raises(wf.RfiError) as e:
        wf.check_review(wf.UNDER_REVIEW, wf.REJECTED, " ")
    assert e.value.code == "comments_missing"
    with pytest.raises(wf.RfiError):
        wf.check_review(wf.APPROVED, wf.APPROVED, "")
    with pytest.raises(wf.RfiError):
        wf.check_resubmit(wf.UNDER_REVIEW)
    assert wf.is_stamped(wf.APPROVED_WITH_COMMENTS) and not wf.is_stamped(wf.REJECTED)


def test_clock_levels_one_by_one():
    d = dt.date(2026, 3, 10)
    dates = [d, d + dt.timedelta(days=2), d + dt.timedelta(days=4)]
    assert wf.escalation_level(d - dt.timedelta(days=1), dates) == 0
    assert wf.escalation_level(d, dates) == 1
    assert wf.escalation_level(d + dt.timedelta(days=3), dates) == 2
    assert wf.escalation_level(d + dt.timedelta(days=30), dates) == 3
    assert wf.escalation_steps(0, 3) == [1, 2, 3]
    assert wf.escalation_steps(2, 2) == []
    assert wf.remind_due(d, d, False) and not wf.remind_due(d, d, True)
    assert not wf.remind_due(d, None, False)
    assert wf.days_overdue(d, d - dt.timedelta(days=3)) == 3
