"""The overdue warnings of RFIs and tasks at each threshold of their rule data, and one day short:
the level changes exactly on the day the district's table says (warning.*_overdue_days)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.rules import ruledata

TODAY = dt.date(2026, 6, 1)
NAMES = ["blue", "yellow", "orange", "red"]


def _levels(code: str) -> dict:
    (spec,) = [s for s in ruledata.load_rule_files() if s.code == code and s.region == "daxing"]
    return spec.value


def _level(result) -> int:
    return result[0] if result else 0


@pytest.mark.rule("warning.rfi_overdue_days")
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_rfi_overdue_warning_turns_on_the_threshold_day(level):
    from jianguan.collab.rfis.setup import WARNING_CODE, check_overdue

    levels = _levels(WARNING_CODE)
    limit = levels[NAMES[level - 1]]

    def at(days: int) -> int:
        item = {"due_on": TODAY - dt.timedelta(days=days), "number": "LX-0001", "text": "问"}
        return _level(check_overdue({"rfi_overdue": [item]}, TODAY, {WARNING_CODE: levels}))

    assert at(limit) == level
    assert at(limit - 1) == level - 1
    assert at(limit + 1) >= level


@pytest.mark.rule("warning.task_overdue_days")
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_task_overdue_warning_turns_on_the_threshold_day(level):
    from jianguan.collab.tasks.setup import OVERDUE, check_overdue_tasks

    levels = _levels(OVERDUE)
    limit = levels[NAMES[level - 1]]

    def at(days: int) -> int:
        item = {"due_on": TODAY - dt.timedelta(days=days), "title": "复核钢筋隐蔽验收资料"}
        return _level(check_overdue_tasks({"overdue_tasks": [item]}, TODAY, {OVERDUE: levels}))

    assert at(limit) == level
    assert at(limit - 1) == level - 1
    assert at(limit + 1) >= level
