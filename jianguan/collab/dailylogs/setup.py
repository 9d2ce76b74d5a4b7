"""What daily logs register with the platform (called from the app's ready()): grants, ledger
words and visibility, the writers' to-do items (yesterday's missing log, drafts not signed),
the project page's link and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from django.urls import reverse

    from jianguan.collab.dailylogs import workflow
    from jianguan.collab.dailylogs.models import DailyLog
    from jianguan.projects.models import Participant
    from jianguan.rules.lookup import workday_checker

    if actor.organisation_id is None or not actor.can("dailylogs.write"):
        return
    rows = Participant.objects.filter(
        organisation_id=actor.organisation_id,
        is_active=True,
        role__in=workflow.WRITER_ROLE.values(),
        project__stage="construction",
    ).values_list("project_id", "project__name", "role")
    rows = list(rows)
    if not rows:
        return
    # Provisional: a to-do of every page must not fail in a year whose holidays are not loaded.
    checker = workday_checker(today - dt.timedelta(days=30), today, provisional=True)
    day = workflow.previous_workday(today, checker)
    done = set(
        DailyLog.objects.filter(
            organisation_id=actor.organisation_id, log_date=day, addendum_of__isnull=True
        ).values_list("project_id", "kind")
    )
    by_role = {role: kind for kind, role in workflow.WRITER_ROLE.items()}
    for project_id, name, role in rows:
        kind = by_role[role]
        if (project_id, kind) in done:
            continue
        yield TodoItem(
            kind="dailylogs.missing",
            title=f"补写{workflow.KINDS[kind]}：{name}，{day:%m月%d日}",
            url=reverse("collab_dailylogs:new", args=[project_id]) + f"?date={day:%Y-%m-%d}",
            due=today,
            overdue=True,
            module="projects",
        )
    drafts = DailyLog.objects.filter(author_id=actor.user_id, status=workflow.DRAFT).values_list(
        "pk", "kind", "log_date", "project__name"
    )[:100]
    url = pk_url("collab_dailylogs:log")
    for pk, kind, log_date, name in drafts:
        yield TodoItem(
            kind="dailylogs.unsigned",
            title=f"签署{workflow.KINDS[kind]}：{name}，{log_date:%m月%d日}",
            url=url(pk),
            module="projects",
        )


def _log_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.collab.dailylogs import selectors
    from jianguan.core.errors import DomainError

    if not object_id.isdigit():
        return False
    try:
        selectors.log_get(actor=actor, pk=int(object_id))
    except DomainError:
        return False
    return True


def _may_see(actor: Actor, project) -> bool:
    return actor.can("dailylogs.view")


def register_all() -> None:
    from jianguan.collab.dailylogs import permissions  # noqa: F401  (registers grants)
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.projects.links import ProjectLink, register_project_link

    register_todo("dailylogs.missing", "补写日志", _todo)
    register_todo("dailylogs.unsigned", "签署日志")
    labels.register(
        {
            "dailylogs.log_created": "填写日志（草稿）",
            "dailylogs.log_updated": "修改日志草稿",
            "dailylogs.photo_added": "上传日志照片",
            "dailylogs.log_signed": "签署日志（内容 SM3 存证）",
            "dailylogs.addendum_created": "对已签署日志写补充记录",
            "dailylogs.finding_raised": "监理日志提出检查问题",
        }
    )
    visibility.register("collab_dailylogs", "dailylog", _log_rule)
    register_project_link(
        ProjectLink(
            "dailylogs", "施工/监理日志", "collab_dailylogs:project", "ti-notebook", _may_see, 63
        )
    )
    register_seeder("collab_dailylogs", "jianguan.collab.dailylogs.demo:seed", order=93)
