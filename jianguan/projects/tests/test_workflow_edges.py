"""Exact edges of the project lifecycle (issue 14 part 3: mutation testing). No database.

The messages an officer reads when a stage change is refused, a guard resting on platform policy
(no article), and dates that end on the day they start.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.projects.workflow import (
    Guard,
    Stage,
    TransitionError,
    UnmetGuard,
    check_transition,
    dates_in_order,
)

FACTS_DONE = {"key_nodes_total": 2, "key_nodes_pending": 1, "open_findings": 0}


def test_an_unknown_stage_is_refused_with_its_message():
    for current, target in (("approval", "moon"), ("moon", "design")):
        with pytest.raises(TransitionError) as err:
            check_transition(current, target, {})
        assert (str(err.value), err.value.code, err.value.unmet) == (
            "未知的项目阶段",
            "unknown_stage",
            [],
        )


def test_nothing_follows_the_archive():
    with pytest.raises(TransitionError) as err:
        check_transition(Stage.ARCHIVED, Stage.APPROVAL, {})
    assert str(err.value) == "不能从“归档”直接进入“立项”：项目已归档"
    assert err.value.code == "stage_skipped"


def test_a_guard_without_an_article_is_shown_by_its_label_alone():
    assert Guard("g", "全部关键节点须通过联合检查", "", lambda f: True).explain() == (
        "全部关键节点须通过联合检查"
    )
    assert Guard("g", "须取得施工许可证", "《建筑法》第七条", lambda f: True).explain() == (
        "须取得施工许可证（《建筑法》第七条）"
    )
    unmet = check_transition(Stage.CONSTRUCTION, Stage.COMPLETION_ACCEPTANCE, FACTS_DONE)
    assert UnmetGuard("key_nodes_passed", "全部关键节点须通过联合检查") in unmet


def test_a_transition_error_carries_its_unmet_guards():
    unmet = [UnmetGuard("a", "b")]
    assert TransitionError("m", "c", unmet).unmet == unmet
    assert TransitionError("m", "c").unmet == []
    assert TransitionError("m", "c", None).unmet == []


def test_an_end_on_the_start_day_is_in_order():
    day = dt.date(2026, 5, 1)
    assert dates_in_order([("工期", day, day)]) == []
    assert dates_in_order([("工期", day, day - dt.timedelta(days=1))]) == [
        "工期的结束日期早于开始日期"
    ]
    assert dates_in_order([("工期", None, day), ("保修期", day, None)]) == []
