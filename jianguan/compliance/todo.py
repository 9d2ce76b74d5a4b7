"""What compliance asks of people (待办): rectification orders to answer and to re-inspect.

The responsible organisation answers an order while it is open or has failed re-inspection, by
its due date (the order's 整改期限, set from rule data when it was issued); the organisation
that inspected re-inspects once it is answered. Both read through ``orders_visible_to``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.compliance.selectors import orders_visible_to
from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def orders_to_answer(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.organisation_id or not actor.can("compliance.answer"):
        return
    orders = orders_visible_to(actor=actor).filter(
        responsible_organisation_id=actor.organisation_id, status__in=("open", "failed")
    )
    # The columns the title needs, not whole orders with their joined rows: a regulator or a
    # large contractor has hundreds of orders on the list (bench/workbench.py).
    rows = orders.order_by("due_on", "pk").values_list(
        "pk", "number", "status", "due_on", "project__name"
    )
    url = pk_url("compliance:order")
    for pk, number, status, due_on, project in rows:
        again = "（复查不通过，须重新整改）" if status == "failed" else ""
        yield TodoItem(
            kind="compliance.order_answer",
            title=f"回复整改通知单 {number}：{project}{again}",
            url=url(pk),
            due=due_on,
            overdue=due_on < today,
            module="compliance",
        )


def orders_to_reinspect(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.organisation_id or not (
        actor.can("compliance.inspect_as_regulator")
        or actor.can("compliance.inspect_as_supervisor")
    ):
        return
    orders = orders_visible_to(actor=actor).filter(
        status="answered",
        finding__inspection__inspector_organisation_id=actor.organisation_id,
    )
    rows = orders.order_by("due_on", "pk").values_list(
        "pk", "number", "project__name", "responsible_organisation__name"
    )
    url = pk_url("compliance:order")
    for pk, number, project, responsible in rows:
        yield TodoItem(
            kind="compliance.order_reinspect",
            title=f"复查整改通知单 {number}：{project}（{responsible}已回复）",
            url=url(pk),
            due=None,
            overdue=False,
            module="compliance",
        )


def register_all() -> None:
    register_todo("compliance.order_answer", "整改待回复", orders_to_answer)
    register_todo("compliance.order_reinspect", "整改待复查", orders_to_reinspect)
