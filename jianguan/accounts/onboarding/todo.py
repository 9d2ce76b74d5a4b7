"""The regulator's to-do (待办): onboarding applications waiting for review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.accounts.models import OrganisationApplication
from jianguan.accounts.onboarding import selectors
from jianguan.accounts.onboarding import workflow as wf
from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def applications_to_review(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    if not actor.can("accounts.application.review"):
        return
    # The columns the title needs, not whole applications with their joined rows: the queue
    # can be hundreds long (bench/workbench.py).
    kinds = dict(OrganisationApplication._meta.get_field("kind").flatchoices)
    url = pk_url("accounts:application_detail")
    rows = selectors.application_list_for_review(actor=actor, status=wf.SUBMITTED)
    for pk, number, name, kind in rows.values_list("pk", "number", "name", "kind"):
        yield TodoItem(
            kind="accounts.application_review",
            title=f"入驻申请 {number}：{name}（{kinds.get(kind, kind)}）待审核",
            url=url(pk),
            module="onboarding",
        )


def register_all() -> None:
    register_todo("accounts.application_review", "入驻申请待审核", applications_to_review)
