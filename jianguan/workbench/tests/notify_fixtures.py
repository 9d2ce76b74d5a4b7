"""Fixtures for the notification tests: users with addresses, a to-do provider the test
controls (registered in the real registry, removed afterwards), and the real task worker."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core import todo
from jianguan.core.actor import SYSTEM
from jianguan.core.todo import TodoItem

KIND = "tests.inspection_answer"


def make_user(username: str, *, email: str = "", phone: str = "", kind: str = "owner"):
    from jianguan.accounts import services
    from jianguan.accounts.tests.factories import OrganisationFactory

    org = OrganisationFactory(kind=kind)
    user = services.user_create(
        actor=SYSTEM,
        username=username,
        password="Notify-pass-2026",
        display_name=username,
        email=email,
        phone=phone,
    )
    services.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=["staff"])
    return user


class Work:
    """What the test provider yields: {username: [TodoItem, ...]}, changed by the test."""

    def __init__(self) -> None:
        self.items: dict[str, list[TodoItem]] = {}

    def give(self, username: str, key: str, *, due=None, overdue: bool = False) -> TodoItem:
        item = TodoItem(
            kind=KIND,
            title=f"整改通知书 {key} 待回复",
            url=f"/compliance/orders/{key}/",
            due=due,
            overdue=overdue,
            module="compliance",
        )
        mine = [i for i in self.items.get(username, []) if i.url != item.url]
        self.items[username] = [*mine, item]
        return item

    def provider(self, actor, day: dt.date):
        return list(self.items.get(actor.username, []))


@pytest.fixture(name="work")
def work_fixture():
    w = Work()
    todo.register_todo(KIND, "整改回复（测试）", w.provider)
    yield w
    todo._PROVIDERS.pop(KIND, None)


def run_worker() -> None:
    """The django-tasks database worker's own claim-and-run, until the queue is empty.

    Not `call_command("db_worker", "--batch")`: its loop calls close_old_connections(), which
    inside a test's transaction closes the connection on PostgreSQL (SQLite's in-memory test
    database survives it). Claiming and running go through the worker's code all the same."""
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if result is None:
                return
            result.claim(worker.worker_id)
        worker.run_task(result)
