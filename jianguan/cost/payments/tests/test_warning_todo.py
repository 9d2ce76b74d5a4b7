"""The overdue-release warning at each threshold of its rule data, and one day short; the
facts behind it and the to-dos of each party, with their statutory clocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.core.timeutil import today_local
from jianguan.rules import ruledata

TODAY = dt.date(2026, 6, 1)
NAMES = ["blue", "yellow", "orange", "red"]


def _levels(code: str) -> dict:
    (spec,) = [s for s in ruledata.load_rule_files() if s.code == code and s.region == "daxing"]
    return spec.value


@pytest.mark.rule("warning.retention_release_overdue_days")
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_overdue_release_warning_turns_on_the_threshold_day(level):
    from jianguan.cost.payments.setup import WARNING_CODE, check_overdue

    levels = _levels(WARNING_CODE)
    limit = levels[NAMES[level - 1]]

    def at(days: int) -> int:
        item = {
            "due_on": TODAY - dt.timedelta(days=days),
            "number": "HT-1",
            "who": "财政部门未支付",
        }
        result = check_overdue({"retention_overdue": [item]}, TODAY, {WARNING_CODE: levels})
        return result[0] if result else 0

    assert at(limit) == level
    assert at(limit - 1) == level - 1


def _kinds(actor):
    from jianguan.core.todo import todo_for

    return {i.kind: i for i in todo_for(actor, today_local()) if i.kind.startswith("cost_")}


def test_todos_follow_the_ball_and_the_facts_raise_the_warning(money):
    from jianguan.cost.payments import services
    from jianguan.cost.payments.models import RetentionRelease
    from jianguan.cost.payments.setup import _batch_facts
    from jianguan.cost.payments.tests.conftest import completed
    from jianguan.cost.payments.tests.test_journey import _retention, request, terms

    m = money
    owner, gc, fin = m["actors"]["owner"], m["actors"]["contractor"], m["actors"]["finance"]
    terms(m)
    a = request(m)
    assert "cost_payments.advance_approve" in _kinds(owner)
    assert _kinds(owner)["cost_payments.advance_approve"].due == a.due_on
    assert "cost_payments.advance_pay" not in _kinds(fin)
    services.advance_decide(actor=owner, advance=a, approve=True)
    assert "cost_payments.advance_pay" in _kinds(fin)
    assert "cost_payments.advance_approve" not in _kinds(owner)
    _retention(m)
    assert "cost_payments.release_request" not in _kinds(gc)  # not completed
    completed(m["project"], days_ago=400)
    item = _kinds(gc)["cost_payments.release_request"]
    assert "1,032.38" in item.title
    r = services.retention_release_request(actor=gc, contract=m["contract"], amount="1032.38")
    assert "cost_payments.release_request" not in _kinds(gc)
    assert _kinds(owner)["cost_payments.release_confirm"].due == r.confirm_due_on
    # the owner lets the 14 days pass: the project's facts carry it, the warning rises
    RetentionRelease.objects.filter(pk=r.pk).update(
        confirm_due_on=today_local() - dt.timedelta(days=8)
    )
    facts = _batch_facts([m["project"]])[m["project"].pk]
    assert facts["retention_overdue"][0]["who"] == "建设单位未核实"
    assert _kinds(owner)["cost_payments.release_confirm"].overdue
    from jianguan.cost.payments.setup import WARNING_CODE, check_overdue

    level, reason = check_overdue(facts, today_local(), {WARNING_CODE: _levels(WARNING_CODE)})
    assert level == 2 and "逾期 8 天" in reason  # yellow from 7 days
    assert D(item.title.split("质量保证金 ")[1].split(" 元")[0].replace(",", "")) == D("1032.38")
