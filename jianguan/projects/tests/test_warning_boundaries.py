"""Boundary tests of the five early-warning thresholds (大兴区工程建设项目预警管理, district
policy defaults in ``jianguan/rules/data/daxing.json``).

Each threshold of each level (蓝 / 黄 / 橙 / 红) is tested at its limit and one unit on each side
(one day; for the cost factor 0.01 yuan above and below the exact ratio), once through the pure
rule in ``jianguan/projects/warnings.py`` and once through ``warnings_recompute``, which raises
(or does not raise) the warning on the project. The limits come from rule data
(``jianguan.rules.lookup.rule``), so a fault in the comparison or a wrong number fails here.
``@pytest.mark.rule`` declares the codes covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.projects import warnings as w
from jianguan.projects.tests.test_warnings import make_project, plan, set_stage
from jianguan.rules.lookup import rule

__all__ = ["make_project"]  # a fixture shared with test_warnings.py; rules_loaded is in conftest.py

TODAY = dt.date(2026, 6, 1)  # a fixed evaluation day; the thresholds are in force from 2026-01-01
DAY = dt.timedelta(days=1)
POLICY = "大兴区工程建设项目预警管理"
BUDGET = Decimal("10000000.00")  # make_project's budget
CENT = Decimal("0.01")


def _levels(code: str) -> dict:
    found = rule(code, on=TODAY)
    assert POLICY in found.reference and found.unit in ("day", "factor"), code
    # jsonb (PostgreSQL) does not keep key order: compare the keys, then order them by level
    assert set(found.value) == set(w.LEVEL_KEYS), code
    return {key: found.value[key] for key in w.LEVEL_KEYS}


def _expected(value, levels, *, descending: bool = False) -> int:
    """The level the policy asks for: the highest whose threshold the value reaches."""
    reached = [
        i
        for i, key in enumerate(w.LEVEL_KEYS, 1)
        if (value <= levels[key] if descending else value >= levels[key])
    ]
    return max(reached, default=0)


def _pure(code: str, check, facts: dict) -> int:
    result = check(facts, TODAY, {code: rule(code, on=TODAY).value})
    return result[0] if result else 0


def _active(project, rule_code: str) -> int:
    from jianguan.projects.models import ProjectWarning

    levels = list(
        ProjectWarning.objects.filter(
            project=project, rule_code=rule_code, cleared_at__isnull=True
        ).values_list("level", flat=True)
    )
    assert len(levels) <= 1
    return levels[0] if levels else 0


def _recompute(project) -> None:
    from jianguan.projects.services import warnings_recompute

    warnings_recompute(project=project, today=TODAY)


def _day_cases(levels: dict) -> list[int]:
    """Every threshold and one day each side (only non-negative ages)."""
    return sorted({n for v in levels.values() for n in (v - 1, v, v + 1) if n >= 0})


def test_the_service_reads_the_thresholds_from_rule_data(rules_loaded):
    """大兴区工程建设项目预警管理: the recompute uses the thresholds in force on its day."""
    from jianguan.projects.services.warnings import warning_thresholds

    thresholds = warning_thresholds(TODAY)
    for code in (w.SLIP, w.COST, w.CREDENTIAL, w.RECTIFICATION, w.APPROVAL):
        assert thresholds[code] == rule(code, on=TODAY).value, code


# --- 1. schedule slip: days past the planned end of the current works stage ------------------


def _slip_facts(late: int) -> dict:
    return {
        "stage": "construction",
        "stages": [
            {"stage": "construction", "planned_end": TODAY - late * DAY, "actual_end": None}
        ],
    }


@pytest.mark.rule("warning.schedule_slip_days")
def test_schedule_slip_at_each_threshold_and_one_day_each_side(rules_loaded):
    """大兴区工程建设项目预警管理（进度滞后）: a stage late by at least the threshold of a level
    raises that level; one day fewer does not."""
    levels = _levels(w.SLIP)
    for late in _day_cases(levels):
        got = _pure(w.SLIP, w.check_schedule_slip, _slip_facts(late))
        assert got == _expected(late, levels), f"{POLICY}: 滞后 {late} 天"
    for key, limit in levels.items():  # key nodes late by as many days count the same
        node = {"name": "基础验收", "planned_date": TODAY - limit * DAY, "status": "pending"}
        facts = {"stage": "construction", "key_nodes": [node]}
        assert _pure(w.SLIP, w.check_schedule_slip, facts) == _expected(limit, levels), key
        node["planned_date"] += DAY
        assert _pure(w.SLIP, w.check_schedule_slip, facts) == _expected(limit - 1, levels), key


@pytest.mark.rule("warning.schedule_slip_days")
def test_recompute_raises_the_slip_warning_at_each_threshold(rules_loaded, make_project):
    """大兴区工程建设项目预警管理（进度滞后） through warnings_recompute."""
    levels = _levels(w.SLIP)
    project = make_project()
    set_stage(project, "construction", construction_permit="110115202601050101")
    for late in _day_cases(levels):
        plan(project, "construction", TODAY - late * DAY)
        _recompute(project)
        assert _active(project, "schedule_slip") == _expected(late, levels), f"滞后 {late} 天"


# --- 2. cost overrun: (contract + variations) / approved budget --------------------------------


@pytest.mark.rule("warning.cost_overrun_factor")
def test_cost_overrun_just_at_just_above_and_just_below_each_factor(rules_loaded):
    """大兴区工程建设项目预警管理（投资超概算）, 参照《政府投资条例》第二十三条: the ratio of
    contract value plus variations to the approved budget reaching a factor raises its level;
    0.01 yuan less does not."""
    levels = _levels(w.COST)
    for key, factor in levels.items():
        assert isinstance(factor, Decimal), key
        exact = BUDGET * factor
        for total in (exact - CENT, exact, exact + CENT):
            want = _expected(total / BUDGET, levels)
            assert want == _expected(factor, levels) - (total < exact), key
            for contract, variations in ((total, None), (exact / 2, total - exact / 2)):
                facts = {
                    "budget": BUDGET,
                    "contract_value": contract,
                    "variations_value": variations,
                }
                got = _pure(w.COST, w.check_cost_overrun, facts)
                assert got == want, f"《政府投资条例》第二十三条: {key} {total}"


@pytest.mark.rule("warning.cost_overrun_factor")
def test_recompute_raises_the_cost_warning_just_at_each_factor(rules_loaded, make_project):
    """大兴区工程建设项目预警管理（投资超概算）, 参照《政府投资条例》第二十三条, through
    warnings_recompute, with the contract value fed through the facts registry."""
    from jianguan.projects import facts as project_facts

    levels = _levels(w.COST)
    project = make_project()
    assert project.budget == BUDGET
    fed: dict = {}
    saved = list(project_facts._PROVIDERS), list(project_facts._BATCH_PROVIDERS)
    project_facts.register_provider(lambda p: dict(fed))
    try:
        for key, factor in levels.items():
            exact = BUDGET * factor
            for total in (exact - CENT, exact, exact + CENT):
                fed.update(contract_value=total - CENT, variations_value=CENT)
                _recompute(project)
                want = _expected(total / BUDGET, levels)
                assert _active(project, "cost_overrun") == want, f"{key}: {total}"
    finally:
        project_facts._PROVIDERS[:], project_facts._BATCH_PROVIDERS[:] = saved


# --- 3. credentials: days left before a participant's credential expires ----------------------


@pytest.mark.rule("warning.credential_expiry_days")
def test_credential_expiry_at_each_threshold_and_one_day_each_side(rules_loaded):
    """大兴区工程建设项目预警管理（资质、证照及保险到期）: at most the threshold's days left
    raises its level; expired (fewer than 0 days left) is red."""
    levels = _levels(w.CREDENTIAL)
    assert levels["red"] == 0  # red: expires today; one day past is expired, also red
    cases = sorted({n for v in levels.values() for n in (v - 1, v, v + 1)})
    for left in cases:
        item = {"organisation": "某建设公司", "name": "安全生产许可证"}
        item["expires_on"] = TODAY + left * DAY
        got = _pure(w.CREDENTIAL, w.check_credentials, {"credentials": [item]})
        want = w.RED if left < 0 else _expected(left, levels, descending=True)
        assert got == want, f"{POLICY}: 剩余 {left} 天"


@pytest.mark.rule("warning.credential_expiry_days")
def test_recompute_raises_the_credential_warning_at_each_threshold(rules_loaded, make_project):
    """大兴区工程建设项目预警管理（资质、证照及保险到期） through warnings_recompute: a
    participant's qualification in the registry, its expiry moved day by day."""
    from jianguan.accounts.tests.factories import OrganisationFactory
    from jianguan.projects.models import Participant
    from jianguan.registry.models import Qualification

    levels = _levels(w.CREDENTIAL)
    project = make_project()
    contractor = OrganisationFactory(kind="general_contractor")
    Participant.objects.create(project=project, organisation=contractor, role="general_contractor")
    qualification = Qualification.objects.create(
        organisation=contractor,
        category="建筑工程施工总承包",
        grade="一级",
        number="D211000001",
        issuer="住房和城乡建设部",
        valid_from=dt.date(2020, 1, 1),
        valid_to=TODAY,
    )
    for left in sorted({n for v in levels.values() for n in (v - 1, v, v + 1)}, reverse=True):
        Qualification.objects.filter(pk=qualification.pk).update(valid_to=TODAY + left * DAY)
        _recompute(project)
        want = w.RED if left < 0 else _expected(left, levels, descending=True)
        assert _active(project, "credential_expiry") == want, f"剩余 {left} 天"


# --- 4. rectification: days an inspection finding stays open ------------------------------------


@pytest.mark.rule("warning.rectification_overdue_days")
def test_rectification_overdue_at_each_threshold_and_one_day_each_side(rules_loaded):
    """大兴区工程建设项目预警管理（整改逾期）; 《北京市建设工程质量条例》第四十四条: a finding
    open for at least the threshold's days raises its level."""
    levels = _levels(w.RECTIFICATION)
    for age in _day_cases(levels):
        finding = {"text": "钢筋保护层厚度不足", "raised_on": TODAY - age * DAY, "node": "基础验收"}
        got = _pure(w.RECTIFICATION, w.check_rectification, {"findings": [finding]})
        assert got == _expected(age, levels), f"{POLICY}: 未闭合 {age} 天"


@pytest.mark.rule("warning.rectification_overdue_days")
def test_recompute_raises_the_rectification_warning_at_each_threshold(rules_loaded, make_project):
    """大兴区工程建设项目预警管理（整改逾期）; 《北京市建设工程质量条例》第四十四条, through
    warnings_recompute: a joint-inspection finding raised at noon (Shanghai) N days ago."""
    from jianguan.core.timeutil import SHANGHAI
    from jianguan.projects.models import Finding, JointInspection, KeyNode

    levels = _levels(w.RECTIFICATION)
    project = make_project()
    node = KeyNode.objects.filter(project=project).order_by("sequence").first()
    inspection = JointInspection.objects.create(key_node=node, regulator_result="failed")
    finding = Finding.objects.create(
        inspection=inspection, project=project, text="模板支撑体系不稳", raised_by="reg"
    )
    for age in _day_cases(levels):
        raised = dt.datetime.combine(TODAY - age * DAY, dt.time(12), tzinfo=SHANGHAI)
        Finding.objects.filter(pk=finding.pk).update(created_at=raised)
        _recompute(project)
        assert _active(project, "rectification_overdue") == _expected(age, levels), f"{age} 天"
    # a finding closed on review raises nothing however old
    Finding.objects.filter(pk=finding.pk).update(closed_at=raised)
    _recompute(project)
    assert _active(project, "rectification_overdue") == 0


# --- 5. approvals: days past the planned end of an approval stage -------------------------------


@pytest.mark.rule("warning.approval_overdue_days")
def test_approval_overdue_at_each_threshold_and_one_day_each_side(rules_loaded):
    """大兴区工程建设项目预警管理（审批办理超期）: an approval stage still open at least the
    threshold's days after its planned end raises its level; on the planned end day nothing."""
    levels = _levels(w.APPROVAL)
    for late in _day_cases(levels):
        facts = {
            "stage": "tendering",
            "stages": [
                {"stage": "tendering", "planned_end": TODAY - late * DAY, "actual_end": None}
            ],
        }
        got = _pure(w.APPROVAL, w.check_approval_wait, facts)
        assert got == _expected(late, levels), f"{POLICY}: 超期 {late} 天"


@pytest.mark.rule("warning.approval_overdue_days")
def test_recompute_raises_the_approval_warning_at_each_threshold(rules_loaded, make_project):
    """大兴区工程建设项目预警管理（审批办理超期） through warnings_recompute (立项 stage)."""
    from jianguan.projects.models import Project

    levels = _levels(w.APPROVAL)
    project = make_project()
    assert project.stage == "approval"
    for late in _day_cases(levels):
        plan(project, "approval", TODAY - late * DAY)
        _recompute(project)
        want = _expected(late, levels)
        assert _active(project, "approval_overdue") == want, f"超期 {late} 天"
        assert Project.objects.get(pk=project.pk).warning_level == want
