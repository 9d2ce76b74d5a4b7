"""What environmental alerts register with the platform (called from SmartsiteConfig.ready()):
the ingest's batch hook, the periodic close of quiet alerts, the project warning and its fact,
the regulator's and contractor's to-do items, notification events, ledger words and
visibility, navigation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    from jianguan.smartsite.alerts import workflow
    from jianguan.smartsite.alerts.models import EnvAlert

    out = {p.pk: {"env_alerts_sustained": []} for p in projects}
    rows = EnvAlert.objects.filter(
        project_id__in=list(out), sustained=True, status__in=workflow.LIVE
    ).values_list("project_id", "metric")
    for project_id, metric in rows:
        out[project_id]["env_alerts_sustained"].append(metric)
    return out


def check_env_alerts(facts, today, thresholds):
    from jianguan.projects import warnings as warning_rules
    from jianguan.smartsite.limits import METRICS

    metrics = facts.get("env_alerts_sustained") or []
    if not metrics:
        return None
    words = "、".join(sorted({METRICS[m] for m in metrics}))
    return warning_rules.ORANGE, f"环境在线监测持续超标（{words}），须查明原因并落实降噪降尘措施"


def _to_decide(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.core.timeutil import to_local
    from jianguan.smartsite.alerts import selectors

    if not (actor.is_kind("regulator") and actor.can("smartsite.env_alerts_decide")):
        return
    url = pk_url("smartsite:env_alert")
    for alert in selectors.to_decide(actor=actor).order_by("first_at", "pk")[:200]:
        yield TodoItem(
            kind="smartsite.env_alert_decide",
            title=f"确认环境超标：{alert.project.name}，{alert.get_metric_display()}，"
            f"峰值 {alert.peak:.1f}（{to_local(alert.first_at):%m-%d %H:%M} 起 {alert.count} 次）",
            url=url(alert.pk),
            module="smartsite",
        )


def _to_answer(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.projects.models import Participant
    from jianguan.smartsite.alerts import workflow
    from jianguan.smartsite.alerts.models import EnvAlert

    if not actor.can("smartsite.env_alerts_answer") or actor.organisation_id is None:
        return
    mine = Participant.objects.filter(
        organisation_id=actor.organisation_id, role="general_contractor", is_active=True
    ).values("project_id")
    url = pk_url("smartsite:env_alert")
    alerts = EnvAlert.objects.filter(
        project_id__in=mine, status=workflow.OPEN, sustained=True
    ).select_related("project")
    for alert in alerts.order_by("first_at", "pk")[:200]:
        yield TodoItem(
            kind="smartsite.env_alert_answer",
            title=f"反馈超标处置：{alert.project.name}，{alert.get_metric_display()}，"
            f"峰值 {alert.peak:.1f}",
            url=url(alert.pk),
            module="smartsite",
        )


def _close_quiet() -> object:
    from jianguan.core.errors import NotFound
    from jianguan.smartsite.alerts.services import alerts_close_quiet

    try:
        return alerts_close_quiet()
    except NotFound:  # rule data not loaded yet (a new install before its first sync)
        return "no rule data"


def _has_monitors(actor, project) -> bool:
    """A site with monitors, or its owner and the regulator, who register them."""
    from jianguan.smartsite.monitors.models import Device
    from jianguan.smartsite.monitors.services import may_manage

    if not actor.can("smartsite.view"):
        return False
    return Device.objects.filter(project=project).exists() or may_manage(actor, project)


def register_all() -> None:
    from jianguan.core import periodic
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.smartsite.alerts import permissions  # noqa: F401  (registers grants)
    from jianguan.smartsite.alerts.services import alerts_from_readings
    from jianguan.smartsite.monitors.hooks import register_batch_hook
    from jianguan.workbench.notifications.events import register_event

    register_batch_hook(alerts_from_readings)
    from jianguan.core.demo import register_seeder

    register_seeder("smartsite_environment", "jianguan.smartsite.alerts.demo:seed", order=88)
    periodic.register("smartsite.env_alerts_close_quiet", 60, _close_quiet)
    project_facts.register_provider(lambda p: _batch_facts([p])[p.pk], batch=_batch_facts)
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "env_alerts",
            "环境监测持续超标",
            check_env_alerts,
            (),
            "《建筑施工场界环境噪声排放标准》（GB 12523-2011）；《中华人民共和国噪声污染防治法》第四十二条",
        )
    )
    register_todo("smartsite.env_alert_decide", "环境超标待确认", _to_decide)
    register_todo("smartsite.env_alert_answer", "环境超标待反馈", _to_answer)
    register_event("smartsite.env_alert_sustained", "环境监测持续超标")
    labels.register(
        {
            "smartsite.env_alert_opened": "环境监测超标告警",
            "smartsite.env_alert_sustained": "环境监测持续超标",
            "smartsite.env_alert_closed": "环境监测恢复正常",
            "smartsite.env_alert_answered": "反馈超标处置情况",
            "smartsite.env_alert_dismissed": "超标告警经核查不予处理",
            "smartsite.env_alert_escalated": "超标告警转为整改通知",
        }
    )
    from jianguan.projects.visibility import sees_project_of
    from jianguan.smartsite.alerts.models import EnvAlert

    visibility.register("smartsite", "envalert", sees_project_of(EnvAlert))
    from jianguan.projects.links import ProjectLink, register_project_link

    register_project_link(
        ProjectLink(
            "env_monitor", "环境监测", "smartsite:env_project", "ti-wind", _has_monitors, 62
        )
    )
    from jianguan.web.nav import NavItem, register

    register(
        NavItem("smartsite_env", "环境监测", "smartsite:env_live", "ti-wind", "smartsite.view", 31)
    )
