"""The clash workflow's pure rules: who may make each step, what each step needs, and how a
re-check carries a status over."""

from __future__ import annotations

import pytest

from jianguan.bim import workflow as wf


def check(current, target, *, owner=False, assignee=False, assignee_given=False, reason=""):
    wf.check_transition(
        current,
        target,
        is_owner=owner,
        is_assignee=assignee,
        assignee_given=assignee_given,
        reason=reason,
    )


def code(*args, **kwargs) -> str:
    with pytest.raises(wf.BimError) as exc:
        check(*args, **kwargs)
    return exc.value.code


def test_the_happy_path_new_assigned_resolved_verified():
    check(wf.NEW, wf.ASSIGNED, owner=True, assignee_given=True)
    check(wf.ASSIGNED, wf.RESOLVED, assignee=True)
    check(wf.ASSIGNED, wf.RESOLVED, owner=True)
    check(wf.RESOLVED, wf.VERIFIED, owner=True)


def test_only_the_owner_assigns_verifies_and_accepts():
    assert code(wf.NEW, wf.ASSIGNED, assignee=True, assignee_given=True) == "not_your_step"
    assert code(wf.RESOLVED, wf.VERIFIED, assignee=True) == "not_your_step"
    assert code(wf.ASSIGNED, wf.ACCEPTED, assignee=True, reason="x") == "not_your_step"
    assert code(wf.ASSIGNED, wf.RESOLVED) == "not_your_step"  # a third party


def test_each_step_needs_what_it_says():
    assert code(wf.NEW, wf.ASSIGNED, owner=True) == "missing_assignee"
    assert code(wf.NEW, wf.ACCEPTED, owner=True, reason="  ") == "missing_reason"
    check(wf.NEW, wf.ACCEPTED, owner=True, reason="按设计预留套管")


@pytest.mark.parametrize(
    "current, target",
    [
        (wf.NEW, wf.VERIFIED),
        (wf.VERIFIED, wf.NEW),
        (wf.VERIFIED, wf.RESOLVED),
        (wf.ACCEPTED, wf.ASSIGNED),
        (wf.NEW, wf.NEW),
    ],
)
def test_no_other_steps(current, target):
    assert code(current, target, owner=True, assignee=True, assignee_given=True, reason="r") == (
        "invalid_transition"
    )
    assert code(wf.NEW, "bogus", owner=True) == "unknown_status"


@pytest.mark.parametrize(
    "previous, still, assigned, expected",
    [
        (wf.NEW, True, False, wf.NEW),
        (wf.ASSIGNED, True, True, wf.ASSIGNED),
        (wf.RESOLVED, True, True, wf.RESOLVED),  # said resolved: the owner verifies or not
        (wf.ACCEPTED, True, False, wf.ACCEPTED),
        (wf.VERIFIED, True, True, wf.ASSIGNED),  # verified gone, yet present: open again
        (wf.VERIFIED, True, False, wf.NEW),
        (wf.NEW, False, False, wf.RESOLVED),
        (wf.ASSIGNED, False, True, wf.RESOLVED),
        (wf.VERIFIED, False, True, wf.VERIFIED),
        (wf.ACCEPTED, False, False, wf.ACCEPTED),
    ],
)
def test_carried_status(previous, still, assigned, expected):
    assert wf.carried_status(previous, still=still, assigned=assigned) == expected


def test_every_code_has_a_chinese_label():
    for table in (wf.DISCIPLINES, wf.REVISION_STATUS, wf.MODES, wf.CLASH_TYPES, wf.CLASH_STATUS):
        assert all(label and not label.isascii() for label in table.values())
    assert set(wf.DISCIPLINES.values()) >= {
        "建筑",
        "结构",
        "给排水",
        "暖通",
        "电气",
        "幕墙",
        "钢结构",
    }
    assert (
        wf.progress_clamp(-3) == 0
        and wf.progress_clamp(140) == 100
        and wf.progress_clamp(42.9) == 42
    )
