"""Boundary tests of the risk levels (score thresholds 5 / 10 / 16) and the rectification
periods by severity (15 / 7 / 3 days): 大兴区建设工程安全质量风险分级管控与隐患排查治理, district
policy defaults in rule data. ``@pytest.mark.rule`` declares the codes covered
(``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.compliance import services, workflow
from jianguan.compliance.tests.helpers import building_items
from jianguan.compliance.tests.test_services import _raise
from jianguan.core.timeutil import today_local
from jianguan.projects.tests.test_services import create
from jianguan.rules.lookup import rule

POLICY = "大兴区建设工程安全质量风险分级管控与隐患排查治理"
# (likelihood, impact) → score: each threshold, and one below it
PAIRS = {4: (2, 2), 5: (1, 5), 9: (3, 3), 10: (2, 5), 15: (3, 5), 16: (4, 4)}


@pytest.mark.rule(
    "risk.level_general_min_score", "risk.level_major_min_score", "risk.level_serious_min_score"
)
def test_risk_levels_at_each_threshold_and_one_below(world):
    """风险分级: 一般 from 5, 较大 from 10, 重大 from 16 (likelihood × impact)."""
    today = today_local()
    thresholds = services._thresholds(today)
    for level, code in workflow.RISK_THRESHOLD_CODES.items():
        value = rule(code, on=today)
        assert thresholds[level] == int(value.value) and POLICY in value.reference
    assert [thresholds[k] for k in workflow.RISK_THRESHOLD_CODES] == [5, 10, 16]
    expected = {4: "low", 5: "general", 9: "general", 10: "major", 15: "major", 16: "serious"}
    for score, level in expected.items():
        assert workflow.risk_level(score, thresholds) == level, f"{POLICY}: {score}"
    project = create(world)
    for score, (likelihood, impact) in PAIRS.items():
        items = building_items(1, 1)
        items[next(iter(items))] = {"likelihood": likelihood, "impact": impact}
        risk = services.risk_assess(actor=world["actors"]["owner"], project=project, items=items)
        assert (risk.max_score, risk.level) == (score, expected[score]), f"{POLICY}: {score}"


@pytest.mark.rule(
    "rectification.due_days_general",
    "rectification.due_days_major",
    "rectification.due_days_serious",
)
@pytest.mark.parametrize("severity, days", [("general", 15), ("major", 7), ("serious", 3)])
def test_rectification_due_by_severity(site, severity, days):
    """隐患排查治理: a finding's order is due 15 / 7 / 3 calendar days after the inspection."""
    inspected_on = site["inspection"].inspected_on
    value = rule(workflow.DUE_DAY_CODES[severity], on=inspected_on)
    assert int(value.value) == days and POLICY in value.reference
    order = _raise(site, severity=severity)
    assert order.due_on == inspected_on + dt.timedelta(days=days), f"{POLICY}: {severity}"
