"""What compliance tells the project lifecycle: facts, guards and a warning rule."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from jianguan.compliance import workflow
from jianguan.core.timeutil import to_local, today_local
from jianguan.projects import facts as project_facts
from jianguan.projects import warnings as warning_rules
from jianguan.projects.workflow import Guard, Stage, register_guard

OPEN = ("open", "answered", "failed")


def batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    from jianguan.compliance.models import RectificationOrder, RiskAssessment
    from jianguan.projects.models import Finding as NodeFinding

    ids = [p.pk for p in projects]
    today = today_local()
    out: dict[int, dict[str, Any]] = {
        pk: {
            "risk_level": None,
            "risk_ready": True,
            "open_rectification_orders": 0,
            "stop_work_orders": [],
            "findings": [],
        }
        for pk in ids
    }
    for ra in RiskAssessment.objects.filter(project_id__in=ids):
        out[ra.project_id]["risk_level"] = ra.level
        out[ra.project_id]["risk_ready"] = ra.ready
    # The projects warnings read "findings": keep the key-node findings it gathers itself
    # and add the overdue rectification orders (raised_on = due date, so days = days overdue).
    node_findings: dict[int, list] = defaultdict(list)
    for row in NodeFinding.objects.filter(project_id__in=ids, closed_at__isnull=True).values(
        "project_id", "text", "created_at", "inspection__key_node__name"
    ):
        node_findings[row["project_id"]].append(
            {
                "text": row["text"],
                "raised_on": to_local(row["created_at"]).date(),
                "node": row["inspection__key_node__name"],
            }
        )
    for pk, items in node_findings.items():
        out[pk]["findings"].extend(items)
    for order in RectificationOrder.objects.filter(project_id__in=ids, status__in=OPEN).values(
        "project_id", "number", "due_on", "stop_work", "status", "finding__description"
    ):
        facts = out[order["project_id"]]
        facts["open_rectification_orders"] += 1
        if order["stop_work"]:
            facts["stop_work_orders"].append(order["number"])
        if workflow.is_overdue(order["status"], order["due_on"], today):
            facts["findings"].append(
                {
                    "text": f"整改通知单{order['number']}：{order['finding__description']}",
                    "raised_on": order["due_on"],
                    "node": "逾期未整改",
                }
            )
    return out


def single_facts(project) -> dict[str, Any]:
    return batch_facts([project])[project.pk]


def check_stop_work(facts, today, thresholds):
    numbers = facts.get("stop_work_orders") or []
    if not numbers:
        return None
    return warning_rules.RED, (
        f"因重大问题责令停工整改（整改通知单 {'、'.join(numbers)}），复查通过前不得复工"
    )


def register_all() -> None:
    project_facts.register_provider(single_facts, batch=batch_facts)
    register_guard(
        Stage.CONSTRUCTION,
        Guard(
            "risk_emergency_plan",
            "较大及以上风险须上传应急预案并明确风险管控责任人",
            "大兴区建设工程风险分级管控政策（区级政策，待区里确认）",
            lambda f: bool(f["risk_ready"]),
        ),
    )
    register_guard(
        Stage.COMPLETION_ACCEPTANCE,
        Guard(
            "rectification_orders_closed",
            "整改通知单须全部复查通过（含停工整改）",
            "《北京市建设工程质量条例》第四十四条",
            lambda f: f["open_rectification_orders"] == 0,
        ),
    )
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "stop_work", "停工整改", check_stop_work, (), "《建设工程安全生产管理条例》第十四条"
        )
    )
