"""Early warning: each rule's levels and explanations (pure), then the recompute with a database."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest

from jianguan.projects import warnings as w

TODAY = date(2026, 6, 1)
THRESHOLDS = {
    w.SLIP: {"blue": 7, "yellow": 15, "orange": 30, "red": 60},
    w.COST: {
        "blue": Decimal("0.95"),
        "yellow": Decimal("1.00"),
        "orange": Decimal("1.05"),
        "red": Decimal("1.10"),
    },
    w.CREDENTIAL: {"blue": 60, "yellow": 30, "orange": 7, "red": 0},
    w.RECTIFICATION: {"blue": 7, "yellow": 15, "orange": 30, "red": 60},
    w.APPROVAL: {"blue": 1, "yellow": 10, "orange": 20, "red": 30},
    # registered by the collaboration apps (their boundaries: jianguan/collab/rfis/tests)
    "warning.task_overdue_days": {"blue": 1, "yellow": 7, "orange": 15, "red": 30},
    "warning.rfi_overdue_days": {"blue": 1, "yellow": 5, "orange": 10, "red": 20},
    # the final account's overpayment not returned (jianguan/cost/settlement/tests)
    "warning.settlement_refund_overdue_days": {"blue": 1, "yellow": 15, "orange": 30, "red": 60},
    # retention not released in time (jianguan/cost/payments/tests)
    "warning.retention_release_overdue_days": {"blue": 1, "yellow": 7, "orange": 14, "red": 30},
}


def days_ago(n: int) -> date:
    return TODAY - dt.timedelta(days=n)


def only(code: str, facts: dict, thresholds=THRESHOLDS) -> tuple[int, str] | None:
    found = [r for r in w.evaluate(facts, TODAY, thresholds) if r.rule_code == code]
    assert len(found) <= 1
    return (found[0].level, found[0].reason) if found else None


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- pure: thresholds ----------------------------------------------------------------------------


def test_level_reached_rising_and_falling():
    levels = THRESHOLDS[w.SLIP]
    assert [w.level_reached(d, levels) for d in (0, 6, 7, 14, 15, 30, 59, 60, 400)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        3,
        4,
        4,
    ]
    falling = THRESHOLDS[w.CREDENTIAL]
    assert [w.level_reached(d, falling, descending=True) for d in (90, 60, 31, 30, 7, 1, 0)] == [
        0,
        1,
        1,
        2,
        3,
        3,
        4,
    ]


def test_every_rule_has_a_chinese_label_and_unique_code():
    codes = [r.code for r in w.rules()]
    assert len(codes) == len(set(codes)) >= 6
    assert all(has_cjk(r.label) for r in w.rules())
    assert w.threshold_codes() == set(THRESHOLDS)


def test_a_rule_without_its_threshold_is_skipped_not_guessed():
    facts = {
        "stage": "construction",
        "stages": [{"stage": "construction", "planned_end": days_ago(90), "actual_end": None}],
    }
    assert only("schedule_slip", facts) is not None
    assert only("schedule_slip", facts, {**THRESHOLDS, w.SLIP: None}) is None


def test_malformed_facts_never_raise():
    facts = {
        "stage": "construction",
        "stages": [{"stage": "construction", "planned_end": "not a date"}],
    }
    assert only("schedule_slip", facts) is None
    assert w.evaluate({}, TODAY, THRESHOLDS) == []


# --- 1. schedule slip -----------------------------------------------------------------------------


def construction(planned_end, actual_end=None, nodes=()):
    return {
        "stage": "construction",
        "construction_permit": "110115202601010101",
        "stages": [
            {"stage": "tendering", "planned_end": days_ago(400), "actual_end": days_ago(300)},
            {"stage": "construction", "planned_end": planned_end, "actual_end": actual_end},
        ],
        "key_nodes": list(nodes),
    }


@pytest.mark.parametrize(
    ("late", "level"), [(-3, None), (0, None), (6, None), (7, 1), (20, 2), (45, 3), (61, 4)]
)
def test_schedule_slip_of_the_current_stage(late, level):
    result = only("schedule_slip", construction(days_ago(late)))
    if level is None:
        assert result is None
        return
    assert result[0] == level
    assert f"施工阶段计划于 {days_ago(late).isoformat()} 完成，已滞后 {late} 天" in result[1]
    assert w.COLOUR[level] + "预警阈值" in result[1]


def test_schedule_slip_of_key_nodes_reports_the_worst_and_counts_the_rest():
    nodes = [
        {"code": "a", "name": "桩基完成", "planned_date": days_ago(40), "status": "failed"},
        {"code": "b", "name": "基础验收", "planned_date": days_ago(10), "status": "pending"},
        {"code": "c", "name": "主体封顶", "planned_date": days_ago(90), "status": "passed"},
        {"code": "d", "name": "消防验收", "planned_date": None, "status": "pending"},
    ]
    level, reason = only("schedule_slip", construction(TODAY + dt.timedelta(days=30), nodes=nodes))
    assert level == 3
    assert "关键节点“桩基完成”" in reason and "已滞后 40 天" in reason
    assert "橙色预警阈值 30 天" in reason and "另有 1 项滞后" in reason


def test_a_finished_stage_does_not_slip():
    assert only("schedule_slip", construction(days_ago(90), actual_end=days_ago(80))) is None


# --- 2. cost overrun ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contract", "variations", "level"),
    [
        (None, None, None),
        ("9000000", None, None),
        ("9500000", None, 1),
        ("9000000", "1000000", 2),
        ("10000000", "600000", 3),
        ("10000000", "1000000", 4),
    ],
)
def test_cost_overrun(contract, variations, level):
    facts = {
        "budget": Decimal("10000000.00"),
        "contract_value": Decimal(contract) if contract else None,
        "variations_value": Decimal(variations) if variations else None,
    }
    result = only("cost_overrun", facts)
    if level is None:
        assert result is None
        return
    assert result[0] == level
    assert "批复概算 1,000.00 万元" in result[1]
    if variations:
        assert "加变更、签证" in result[1]
    if level == 4:
        assert "110.0%" in result[1] and "红色预警阈值 110%" in result[1]


def test_cost_overrun_without_a_budget_is_silent():
    assert only("cost_overrun", {"budget": None, "contract_value": Decimal("1")}) is None


# --- 3. construction without permit ---------------------------------------------------------------


def test_construction_without_permit_is_red():
    facts = construction(TODAY + dt.timedelta(days=10))
    assert only("no_construction_permit", facts) is None
    facts["construction_permit"] = ""
    level, reason = only("no_construction_permit", facts)
    assert level == 4 and "未录入施工许可证" in reason and "建筑法" in reason
    assert only("no_construction_permit", {"stage": "tendering", "construction_permit": ""}) is None


# --- 4. credentials ---------------------------------------------------------------------------------


def cred(days_left: int, name="安全生产许可证", org="北京某建设公司"):
    return {
        "organisation": org,
        "kind": "licence",
        "name": name,
        "expires_on": TODAY + dt.timedelta(days=days_left),
    }


@pytest.mark.parametrize(
    ("left", "level"), [(120, None), (60, 1), (30, 2), (7, 3), (0, 4), (-1, 4)]
)
def test_credential_expiry(left, level):
    result = only("credential_expiry", {"credentials": [cred(left)]})
    if level is None:
        assert result is None
        return
    assert result[0] == level
    assert "北京某建设公司的安全生产许可证" in result[1]
    if left < 0:
        assert "已于" in result[1] and "过期" in result[1]
    elif left > 0:
        assert f"剩余 {left} 天" in result[1]


def test_credentials_fed_an_empty_list_raise_nothing():
    assert only("credential_expiry", {"credentials": []}) is None


def test_credentials_report_the_worst_of_several():
    level, reason = only(
        "credential_expiry",
        {"credentials": [cred(50, "资质证书"), cred(-10, "工程质量保险", "某保险公司"), cred(200)]},
    )
    assert level == 4 and "某保险公司的工程质量保险已于" in reason and "另有 1 项" in reason


# --- 5. overdue rectification -----------------------------------------------------------------------


@pytest.mark.parametrize(("age", "level"), [(3, None), (7, 1), (16, 2), (31, 3), (90, 4)])
def test_rectification_overdue(age, level):
    facts = {
        "findings": [{"text": "钢筋保护层厚度不足", "raised_on": days_ago(age), "node": "基础验收"}]
    }
    result = only("rectification_overdue", facts)
    if level is None:
        assert result is None
        return
    assert result[0] == level
    assert f"检查问题“钢筋保护层厚度不足”（基础验收）已 {age} 天未整改闭合" in result[1]


# --- 6. approvals waiting ---------------------------------------------------------------------------


@pytest.mark.parametrize(("late", "level"), [(0, None), (1, 1), (10, 2), (25, 3), (30, 4)])
def test_approval_overdue(late, level):
    facts = {
        "stage": "tendering",
        "stages": [{"stage": "tendering", "planned_end": days_ago(late), "actual_end": None}],
    }
    result = only("approval_overdue", facts)
    assert only("schedule_slip", facts) is None  # a waiting approval is not a works slip
    if level is None:
        assert result is None
        return
    assert result[0] == level
    assert f"招标阶段计划于 {days_ago(late).isoformat()} 办结，已超期 {late} 天" in result[1]


def test_max_level_and_labels():
    facts = construction(days_ago(8))
    facts["construction_permit"] = ""
    raised = w.evaluate(facts, TODAY, THRESHOLDS)
    assert w.max_level(raised) == 4
    assert w.max_level([]) == 0
    assert w.LEVEL_LABELS[4] == "红色预警"


def test_rule_data_levels_validate_and_must_be_monotonic():
    from jianguan.rules.ruledata import _check_value, load_rule_files, validate

    specs = [s for s in load_rule_files() if s.code.startswith("warning.")]
    assert {s.code for s in specs} == set(THRESHOLDS)
    assert all(not s.verified and s.region == "daxing" for s in specs)
    assert validate(specs) == []
    assert _check_value({"blue": 7, "yellow": 3, "orange": 30}, "day")
    assert _check_value({"blue": 7, "purple": 3}, "day")
    assert _check_value({"blue": -1}, "day")
    assert _check_value({"blue": 60, "yellow": 30, "red": 0}, "day") == []


# --- with the database --------------------------------------------------------------------------------


@pytest.fixture
def make_project(db):
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.core.actor import SYSTEM
    from jianguan.projects.services import project_create

    owner = OrganisationFactory(kind="owner")
    town = TownFactory(name="黄村镇")
    counter = iter(range(1, 10_000))

    def make(**kwargs):
        n = next(counter)
        return project_create(
            actor=SYSTEM,
            code=f"DX-2026-{n:04d}",
            name=f"测试项目{n}",
            type="road",
            funding="government",
            budget=Decimal("10000000"),
            town=town,
            longitude="116.34",
            latitude="39.73",
            owner=owner,
            **kwargs,
        )

    return make


def set_stage(project, stage: str, **fields):
    from jianguan.projects.models import Project

    Project.objects.filter(pk=project.pk).update(stage=stage, **fields)


def plan(project, stage: str, end: date | None):
    from jianguan.projects.models import ProjectStage

    ProjectStage.objects.filter(project=project, stage=stage).update(planned_end=end)


def warning_entries(project):
    from jianguan.ledger.models import LedgerEntry

    return list(
        LedgerEntry.objects.filter(
            type="project.warning_changed", object_model="project", object_id=str(project.pk)
        ).order_by("index")
    )


def test_raise_escalate_lower_clear_with_history_and_ledger(rules_loaded, make_project):
    import json

    from jianguan.projects.models import Project, ProjectWarning, WarningEvent
    from jianguan.projects.services import warnings_recompute

    project = make_project()
    today = date(2026, 6, 1)
    plan(project, "approval", today - dt.timedelta(days=3))

    result = warnings_recompute(project=project, today=today)
    assert result["raised"] == 1 and result["level_changes"] == 1
    warning = ProjectWarning.objects.get(project=project)
    assert (warning.rule_code, warning.level, warning.cleared_at) == ("approval_overdue", 1, None)
    assert "立项阶段计划于 2026-05-29 办结，已超期 3 天" in warning.reason
    assert Project.objects.get(pk=project.pk).warning_level == 1

    # same day again: nothing changes, nothing is written
    again = warnings_recompute(project=project, today=today)
    assert again == {**again, "raised": 0, "escalated": 0, "cleared": 0, "level_changes": 0}
    assert len(warning_entries(project)) == 1

    # later the same warning rises: one row, an "escalated" event
    warnings_recompute(project=project, today=today + dt.timedelta(days=30))
    warning.refresh_from_db()
    assert warning.level == 4 and "已超期 33 天" in warning.reason
    assert Project.objects.get(pk=project.pk).warning_level == 4

    # the plan is moved out a little: lowered
    plan(project, "approval", today + dt.timedelta(days=15))
    warnings_recompute(project=project, today=today + dt.timedelta(days=30))
    warning.refresh_from_db()
    assert warning.level == 2

    # on time again: cleared
    plan(project, "approval", today + dt.timedelta(days=60))
    result = warnings_recompute(project=project, today=today + dt.timedelta(days=30))
    assert result["cleared"] == 1
    warning.refresh_from_db()
    assert warning.cleared_at is not None
    assert Project.objects.get(pk=project.pk).warning_level == 0
    kinds = list(WarningEvent.objects.filter(warning=warning).values_list("kind", "level"))
    assert kinds == [("raised", 1), ("escalated", 4), ("lowered", 2), ("cleared", 2)]
    cleared = WarningEvent.objects.get(warning=warning, kind="cleared")
    assert "触发条件已消除" in cleared.reason

    entries = warning_entries(project)
    levels = [
        (json.loads(e.leaf_input)["payload"]["from"], json.loads(e.leaf_input)["payload"]["to"])
        for e in entries
    ]
    assert levels == [(0, 1), (1, 4), (4, 2), (2, 0)]
    first = json.loads(entries[0].leaf_input)["payload"]["warnings"][0]
    assert first["rule"] == "approval_overdue" and "已超期 3 天" in first["reason"]

    # a recurrence opens a new warning row; the old one stays as history
    plan(project, "approval", today)
    warnings_recompute(project=project, today=today + dt.timedelta(days=30))
    assert ProjectWarning.objects.filter(project=project).count() == 2
    assert ProjectWarning.objects.filter(project=project, cleared_at__isnull=True).count() == 1


def test_construction_without_permit_and_open_findings(rules_loaded, make_project):
    from jianguan.core.timeutil import now
    from jianguan.projects.models import (
        Finding,
        JointInspection,
        KeyNode,
        Project,
        ProjectWarning,
    )
    from jianguan.projects.services import warnings_recompute

    project = make_project()
    set_stage(project, "construction")
    node = KeyNode.objects.filter(project=project).order_by("sequence").first()
    inspection = JointInspection.objects.create(key_node=node, regulator_result="failed")
    Finding.objects.create(
        inspection=inspection, project=project, text="模板支撑体系不稳", raised_by="reg"
    )
    Finding.objects.filter(project=project).update(created_at=now() - dt.timedelta(days=20))

    warnings_recompute(project=project)
    active = dict(
        ProjectWarning.objects.filter(project=project, cleared_at__isnull=True).values_list(
            "rule_code", "level"
        )
    )
    assert active == {"no_construction_permit": 4, "rectification_overdue": 2}
    assert Project.objects.get(pk=project.pk).warning_level == 4


def test_recompute_all_batches_its_queries(
    rules_loaded, make_project, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jianguan.projects.services import warnings_recompute

    for _ in range(3):
        make_project()
    with CaptureQueriesContext(connection) as few:
        assert warnings_recompute()["projects"] == 3
    for _ in range(12):
        make_project()
    with CaptureQueriesContext(connection) as many:
        assert warnings_recompute()["projects"] == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_periodic_job_is_registered():
    from jianguan.core import periodic

    assert "projects.warnings_recompute" in {job.name for job in periodic.jobs()}


def test_facts_providers_feed_the_rules(rules_loaded, make_project):
    """A later app (contracts) supplies contract_value through the facts registry."""
    from jianguan.projects import facts
    from jianguan.projects.models import ProjectWarning
    from jianguan.projects.services import warnings_recompute

    project = make_project()
    before = list(facts._PROVIDERS), list(facts._BATCH_PROVIDERS)
    facts.register_provider(
        lambda p: {"contract_value": Decimal("10600000.00"), "variations_value": Decimal("0")}
    )
    try:
        warnings_recompute(project=project)
    finally:
        facts._PROVIDERS[:], facts._BATCH_PROVIDERS[:] = before
    warning = ProjectWarning.objects.get(project=project, rule_code="cost_overrun")
    assert warning.level == 3 and "106.0%" in warning.reason


def test_register_services_recompute_after_commit(
    rules_loaded, make_project, django_capture_on_commit_callbacks
):
    from jianguan.core.actor import SYSTEM
    from jianguan.projects.models import Project, ProjectWarning
    from jianguan.projects.services import project_update

    project = make_project()
    set_stage(project, "construction", construction_permit="京建施〔2026〕1号")
    with django_capture_on_commit_callbacks(execute=True):
        project_update(actor=SYSTEM, project=project, construction_permit="")
    assert ProjectWarning.objects.filter(
        project=project, rule_code="no_construction_permit"
    ).exists()
    assert Project.objects.get(pk=project.pk).warning_level == 4
    with django_capture_on_commit_callbacks(execute=True):
        project_update(actor=SYSTEM, project=project, construction_permit="京建施〔2026〕2号")
    assert Project.objects.get(pk=project.pk).warning_level == 0
