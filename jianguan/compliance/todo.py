"""What compliance asks of people (待办): rectification orders to answer and to re-inspect.

The responsible organisation answers an order while it is open or has failed re-inspection, by
its due date (the order's 整改期限, set from rule data when it was issued); the organisation
that inspected re-inspects once it is answered. Both read through ``orders_visible_to``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from jianguan.compliance.selectors import orders_visible_to
from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, register_todo


def orders_to_answer(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.organisation_id or not actor.can("compliance.answer"):
        return
    orders = orders_visible_to(actor=actor).filter(
        responsible_organisation_id=actor.organisation_id, status__in=("open", "failed")
    )
    for order in orders.order_by("due_on", "pk"):
        again = "（复查不通过，须重新整改）" if order.status == "failed" else ""
        yield TodoItem(
            kind="compliance.order_answer",
            title=f"回复整改通知单 {order.number}：{order.project.name}{again}",
            url=reverse("compliance:order", args=[order.pk]),
            due=order.due_on,
            overdue=order.due_on < today,
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
    for order in orders.order_by("due_on", "pk"):
        yield TodoItem(
            kind="compliance.order_reinspect",
            title=f"复查整改通知单 {order.number}：{order.project.name}（{order.responsible_organisation.name}已回复）",
            url=reverse("compliance:order", args=[order.pk]),
            due=None,
            overdue=False,
            module="compliance",
        )


def register_all() -> None:
    register_todo("compliance.order_answer", "整改待回复", orders_to_answer)
    register_todo("compliance.order_reinspect", "整改待复查", orders_to_reinspect)
