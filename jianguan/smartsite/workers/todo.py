"""What the workers sub-domain asks of people (待办): refused entries to follow up.

An entry refused at a gate (未实名、无合同人员试图进场) is the general contractor's labour
officer's to handle (保障农民工工资支付条例 第二十八条: the GC answers for real-name
management on its site) and the regulator's to see; both read ``alerts_visible_to``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from jianguan.core.actor import Actor
from jianguan.core.timeutil import to_local
from jianguan.core.todo import TodoItem, register_todo
from jianguan.smartsite.workers import workflow
from jianguan.smartsite.workers.selectors import alerts_visible_to


def entry_alerts(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.can("smartsite.alerts_handle"):
        return
    alerts = alerts_visible_to(actor=actor).filter(status=workflow.ALERT_OPEN)
    for alert in alerts.order_by("at", "pk")[:200]:
        yield TodoItem(
            kind="smartsite.entry_alert",
            title=(
                f"{alert.get_reason_display()}：{alert.project.name}，"
                f"{alert.person_name or alert.person_masked}"
                f"（{to_local(alert.at):%m-%d %H:%M}）"
            ),
            url=reverse("smartsite:project", args=[alert.project_id]) + "#alerts",
            due=None,
            overdue=False,
            module="smartsite",
        )


def register_all() -> None:
    register_todo("smartsite.entry_alert", "进场告警待处理", entry_alerts)
