"""What schedules register with the platform (called from the app's ready()): grants, ledger
words and visibility, the schedule warning fed by slippage against the baseline (thresholds of
the district's schedule-slip rule), navigation, the project page's link and the demo seeder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jianguan.core.actor import Actor

SLIP = "warning.schedule_slip_days"


def _facts(projects: list, today: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """Per project: the schedule's slippage against its baseline (finish, and the worst
    unfinished activity), when it has a baseline."""
    from jianguan.collab.schedule.models import Activity, Schedule
    from jianguan.collab.schedule.reads import slip_days

    out: dict[int, dict[str, Any]] = {p.pk: {} for p in projects}
    for s in Schedule.objects.filter(project_id__in=list(out), baseline_finish__isnull=False):
        worst = (
            Activity.objects.filter(
                schedule=s, summary=False, actual_finish__isnull=True, baseline_finish__isnull=False
            )
            .values_list("name", "early_finish", "baseline_finish")
            .order_by("pk")
        )
        rows = [(slip_days(ef, bf), name) for name, ef, bf in worst if ef and bf]
        days, name = max(rows, default=(0, ""))
        out[s.project_id]["schedule_slip"] = {
            "finish_days": slip_days(s.finish, s.baseline_finish) or 0,
            "activity_days": days or 0,
            "activity": name,
        }
    return out


def check_schedule_baseline_slip(facts, today, thresholds):
    from jianguan.projects import warnings as warning_rules

    slip = facts.get("schedule_slip")
    if not slip:
        return None
    days = max(slip["finish_days"], slip["activity_days"])
    level = warning_rules.level_reached(days, thresholds[SLIP])
    if not level:
        return None
    if slip["finish_days"] >= slip["activity_days"]:
        return level, f"进度计划完成日期比基线滞后 {days} 天"
    return level, f"作业“{slip['activity'][:60]}”完成日期比基线滞后 {days} 天"


def _todo(actor: Actor, today: dt.date):
    """For the general contractor of a project with a schedule: the activities whose early
    start has passed with no progress reported (one item a project, one query)."""
    from django.db.models import Count, Min

    from jianguan.collab.schedule.models import Activity
    from jianguan.core.timeutil import now
    from jianguan.core.todo import TodoItem, pk_url
    from jianguan.projects.models import Participant

    if actor.organisation_id is None or not actor.can("collab_schedule.manage"):
        return
    mine = Participant.objects.filter(
        organisation_id=actor.organisation_id, role="general_contractor", is_active=True
    ).values("project_id")
    rows = (
        Activity.objects.filter(
            schedule__project_id__in=mine,
            summary=False,
            source="plan",
            percent_complete=0,
            early_start__lt=now(),
        )
        .values("schedule__project_id", "schedule__project__name")
        .annotate(n=Count("pk"), first=Min("early_start"))
        .order_by("first")[:50]
    )
    url = pk_url("collab_schedule:gantt")
    for row in rows:
        yield TodoItem(
            kind="collab_schedule.progress_due",
            title=f"填报进度：{row['schedule__project__name']}，{row['n']} 项作业已到计划开始时间尚未填报",
            url=url(row["schedule__project_id"]),
            due=row["first"],
            overdue=True,
            module="collab_schedule",
        )


def _sees(actor: Actor, project_id: int | None) -> bool:
    from jianguan.projects.models import Participant

    if project_id is None:
        return False
    if actor.is_kind("regulator"):
        return True
    return actor.organisation_id is not None and (
        Participant.objects.filter(
            project_id=project_id, organisation_id=actor.organisation_id, is_active=True
        ).exists()
    )


def _ledger_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.collab.schedule.models import Schedule

    if not object_id.isdigit():
        return False
    pid = Schedule.objects.filter(pk=int(object_id)).values_list("project_id", flat=True).first()
    return _sees(actor, pid)


def _may_use(actor: Actor, project) -> bool:
    return actor.can("collab_schedule.view")


def register_all() -> None:
    from jianguan.collab.schedule import permissions  # noqa: F401  (registers grants)
    from jianguan.core.demo import register_seeder
    from jianguan.core.todo import register_todo
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.web.nav import NavItem, register

    register_todo("collab_schedule.progress_due", "进度待填报", _todo)
    labels.register(
        {
            "collab_schedule.imported": "导入进度计划（MSPDI）",
            "collab_schedule.baseline_set": "设置进度计划基线",
            "collab_schedule.progress_updated": "填报作业实际进度",
        }
    )
    visibility.register("collab_schedule", "schedule", _ledger_rule)
    project_facts.register_provider(lambda p: _facts([p])[p.pk], batch=_facts, dated=True)
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "collab_schedule_slip",
            "进度计划比基线滞后",
            check_schedule_baseline_slip,
            (SLIP,),
            "大兴区工程建设项目预警管理（区级政策）",
        )
    )
    register(
        NavItem(
            "collab_schedule",
            "进度计划",
            "collab_schedule:index",
            "ti-timeline",
            "collab_schedule.view",
            25,
        )
    )
    register_project_link(
        ProjectLink(
            "collab_schedule", "进度计划", "collab_schedule:gantt", "ti-timeline", _may_use, 42
        )
    )
    register_seeder("collab_schedule", "jianguan.collab.schedule.demo:seed", order=89)
