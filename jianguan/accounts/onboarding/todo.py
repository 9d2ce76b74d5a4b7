"""The regulator's to-do (待办): onboarding applications waiting for review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from jianguan.accounts.onboarding import selectors
from jianguan.accounts.onboarding import workflow as wf
from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, register_todo


def applications_to_review(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.can("accounts.application.review"):
        return
    for app in selectors.application_list_for_review(actor=actor, status=wf.SUBMITTED):
        yield TodoItem(
            kind="accounts.application_review",
            title=f"入驻申请 {app.number}：{app.name}（{app.get_kind_display()}）待审核",
            url=reverse("accounts:application_detail", args=[app.pk]),
            module="onboarding",
        )


def register_all() -> None:
    register_todo("accounts.application_review", "入驻申请待审核", applications_to_review)
