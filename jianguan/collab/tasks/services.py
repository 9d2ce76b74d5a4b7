"""Tasks: the only code that writes them. Each service is one transaction with its ledger
entry; notifications go out after commit. A task is worked by the parties of its project only;
its assignee is a person of a party or a party itself; bad input is refused before anything is
written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from jianguan.accounts.models import Membership, Organisation, User
from jianguan.collab.tasks import links as link_registry
from jianguan.collab.tasks import selectors, workflow
from jianguan.collab.tasks.models import (
    ChecklistItem,
    Task,
    TaskAttachment,
    TaskComment,
    TaskEvent,
    TaskLink,
)
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant

MAX_CHECKLIST = 50
MAX_LINKS = 20


def max_file_bytes() -> int:
    # a product setting (a phone photo, a scanned page), not a legal number
    return int(getattr(settings, "COLLAB_TASK_MAX_FILE_BYTES", uploads.MAX_DOC_BYTES))


def require_party(actor: Actor, project_id: int, permission: str = "collab_tasks.work") -> None:
    """Grant first (403), then standing: only the project's parties work in it."""
    require(actor, permission)
    if not selectors.is_party(actor, project_id):
        raise PermissionDenied("仅本项目参建单位的人员可以办理", code="not_a_party")


def _wf(fn, *args) -> None:
    try:
        fn(*args)
    except workflow.TransitionRefused as exc:
        cls = PermissionDenied if exc.forbidden else ValidationFailed
        raise cls(exc.message, code=exc.code) from exc


def _clean_text(value: str | None, label: str, max_length: int, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code=f"{label}_missing".replace(" ", ""))
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字", code="too_long")
    return value


def resolve_assignee(
    project_id: int, user_id: int | None, org_id: int | None
) -> tuple[Organisation, User | None]:
    """The organisation (and person) a task goes to: a party of the project, or a person of
    a party; anyone else is refused with the reason."""
    parties = set(
        Participant.objects.filter(project_id=project_id, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    if user_id:
        orgs = set(
            Membership.objects.filter(
                user_id=user_id, is_active=True, user__is_active=True
            ).values_list("organisation_id", flat=True)
        )
        inside = orgs & parties
        if org_id:
            inside &= {org_id}
        if not inside:
            raise ValidationFailed(
                "承办人不是本项目参建单位的人员，不能指派", code="assignee_not_in_project"
            )
        return Organisation.objects.get(pk=min(inside)), User.objects.get(pk=user_id)
    if org_id:
        if org_id not in parties:
            raise ValidationFailed(
                "承办单位不是本项目的参建单位，不能指派", code="assignee_not_in_project"
            )
        return Organisation.objects.get(pk=org_id), None
    raise ValidationFailed("请指定承办人或承办单位", code="assignee_missing")


def _recipients(task: Task) -> list[int]:
    if task.assignee_user_id:
        return [task.assignee_user_id]
    return list(
        Membership.objects.filter(
            organisation_id=task.assignee_org_id, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)[:200]
    )


def task_url(task_id: int) -> str:
    return reverse("collab_tasks:task", args=[task_id])


def _notify_later(recipients: Iterable[int], kind: str, title: str, url: str, skip=None) -> None:
    from jianguan.workbench.notifications.services import notify

    ids = [r for r in recipients if r and r != skip]
    if ids:
        transaction.on_commit(lambda: notify(recipients=ids, kind=kind, title=title, url=url))


def _event(task: Task, actor: Actor, text: str) -> None:
    TaskEvent.objects.create(task=task, actor_id=actor.user_id, text=text[:300])


def _payload(task: Task, **extra: Any) -> dict:
    return {
        "project": task.project.code,
        "title": task.title,
        "status": task.status,
        "assignee_org": task.assignee_org.credit_code,
        "assignee_user": task.assignee_user.username if task.assignee_user_id else None,
        "due_on": task.due_on,
        **extra,
    }


@transaction.atomic
def task_create(
    *,
    actor: Actor,
    project,
    title: str,
    description: str = "",
    priority: str = workflow.NORMAL,
    due_on: dt.date | None = None,
    assignee_user_id: int | None = None,
    assignee_org_id: int | None = None,
    checklist: Iterable[str] = (),
    links: Iterable[tuple[str, int]] = (),
    meeting=None,
    today: dt.date | None = None,
) -> Task:
    require_party(actor, project.pk)
    title = _clean_text(title, "任务名称", 200, required=True)
    description = _clean_text(description, "说明", 4000, required=False)
    if priority not in workflow.PRIORITY:
        raise ValidationFailed("未知的优先级", code="unknown_priority")
    _wf(workflow.check_due, due_on, today or today_local())
    org, user = resolve_assignee(project.pk, assignee_user_id, assignee_org_id)
    items = [t.strip() for t in checklist if t and t.strip()]
    if len(items) > MAX_CHECKLIST or any(len(t) > 200 for t in items):
        raise ValidationFailed(f"检查项最多 {MAX_CHECKLIST} 条、每条 200 字", code="bad_checklist")
    links = list(links)
    targets = [_link_target(actor, project.pk, kind, pk) for kind, pk in links]
    task = Task.objects.create(
        project=project,
        title=title,
        description=description,
        priority=priority,
        due_on=due_on,
        assignee_org=org,
        assignee_user=user,
        created_by_id=actor.user_id,
        creator_org_id=actor.organisation_id,
        meeting=meeting,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(task=task, text=t, position=i) for i, t in enumerate(items)
    )
    for kind, obj in targets:
        _link_create(actor, task, kind, obj)
    _event(task, actor, f"创建任务，指派给{task.assignee_label}")
    record(actor=actor, type="collab_tasks.task_created", obj=task, payload=_payload(task))
    _notify_later(
        _recipients(task),
        "collab_tasks.task_assigned",
        f"新任务：{project.name}，{title}",
        task_url(task.pk),
        skip=actor.user_id,
    )
    return task


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))  # the assignee (outer join) is not locked
        .select_related("project", "assignee_org", "assignee_user")
        .get(pk=task.pk)
    )


@transaction.atomic
def task_assign(
    *, actor: Actor, task: Task, assignee_user_id: int | None, assignee_org_id: int | None
) -> Task:
    require_party(actor, task.project_id)
    task = _locked(task)
    if not selectors.standing(actor, task) & {workflow.CREATOR, workflow.MANAGER}:
        raise PermissionDenied("只有任务创建人或项目管理人员可以改派", code="not_your_move")
    if task.status not in workflow.OPEN_STATUSES:
        raise Conflict("任务已结束，不能改派", code="task_closed")
    org, user = resolve_assignee(task.project_id, assignee_user_id, assignee_org_id)
    before = task.assignee_label
    task.assignee_org, task.assignee_user = org, user
    task.save(update_fields=["assignee_org", "assignee_user", "updated_at"])
    _event(task, actor, f"由{before}改派给{task.assignee_label}")
    record(actor=actor, type="collab_tasks.task_assigned", obj=task, payload=_payload(task))
    _notify_later(
        _recipients(task),
        "collab_tasks.task_assigned",
        f"任务指派给您：{task.project.name}，{task.title}",
        task_url(task.pk),
        skip=actor.user_id,
    )
    return task


@transaction.atomic
def task_move(*, actor: Actor, task: Task, status: str, note: str = "") -> Task:
    """Move a task on the board (a status change), by someone whose standing allows it."""
    require_party(actor, task.project_id)
    task = _locked(task)
    note = _clean_text(note, "说明", 500, required=False)
    _wf(workflow.check_move, task.status, status, selectors.standing(actor, task))
    before = task.status
    task.status = status
    task.completed_at = now() if status == workflow.DONE else None
    task.save(update_fields=["status", "completed_at", "updated_at"])
    text = f"状态由“{workflow.STATUS[before]}”改为“{workflow.STATUS[status]}”"
    _event(task, actor, text + (f"：{note}" if note else ""))
    record(
        actor=actor,
        type="collab_tasks.task_status_changed",
        obj=task,
        payload=_payload(task, before=before, note=note),
    )
    watchers = {task.created_by_id, *_recipients(task)}
    _notify_later(
        watchers,
        "collab_tasks.task_status_changed",
        f"任务{workflow.STATUS[status]}：{task.project.name}，{task.title}",
        task_url(task.pk),
        skip=actor.user_id,
    )
    return task


def _open_for_work(actor: Actor, task: Task) -> Task:
    require_party(actor, task.project_id)
    task = _locked(task)
    if task.status == workflow.CANCELLED:
        raise Conflict("任务已取消", code="task_cancelled")
    return task


@transaction.atomic
def checklist_add(*, actor: Actor, task: Task, text: str) -> ChecklistItem:
    task = _open_for_work(actor, task)
    text = _clean_text(text, "检查项", 200, required=True)
    if task.checklist.count() >= MAX_CHECKLIST:
        raise ValidationFailed(f"检查项最多 {MAX_CHECKLIST} 条", code="bad_checklist")
    item = ChecklistItem.objects.create(task=task, text=text, position=task.checklist.count())
    _event(task, actor, f"添加检查项：{text}")
    return item


@transaction.atomic
def checklist_toggle(*, actor: Actor, task: Task, item_id: int, done: bool) -> ChecklistItem:
    task = _open_for_work(actor, task)
    item = ChecklistItem.objects.filter(task=task, pk=item_id).first()
    if item is None:
        raise NotFound("检查项不存在", code="checklist_item_not_found")
    item.done, item.done_by_id = bool(done), actor.user_id if done else None
    item.save(update_fields=["done", "done_by", "updated_at"])
    _event(task, actor, f"{'完成' if done else '取消完成'}检查项：{item.text}")
    return item


MENTION = re.compile(r"@([^\s@，。,:：;；]{1,50})")


def _mentions(project_id: int, body: str, ids: Iterable[int]) -> list[int]:
    """Mentioned people: the picker's ids and "@name" in the text; project parties only."""
    people = {
        p["id"]: p["name"] for org in selectors.party_people(project_id) for p in org["people"]
    }
    ids = [int(i) for i in ids]
    outside = [i for i in ids if i not in people]
    if outside:
        raise ValidationFailed(
            "只能提及本项目参建单位的人员", code="mention_not_in_project", details=outside
        )
    by_name: dict[str, list[int]] = {}
    for pk, name in people.items():
        by_name.setdefault(name, []).append(pk)
    for name in MENTION.findall(body):
        if len(by_name.get(name, ())) == 1:  # an ambiguous name needs the picker
            ids.append(by_name[name][0])
    return sorted(set(ids))


@transaction.atomic
def comment_add(
    *, actor: Actor, task: Task, body: str, mentions: Iterable[int] = ()
) -> TaskComment:
    task = _open_for_work(actor, task)
    body = _clean_text(body, "意见", 2000, required=True)
    mentioned = _mentions(task.project_id, body, mentions)
    comment = TaskComment.objects.create(
        task=task,
        author_id=actor.user_id,
        author_org_id=actor.organisation_id,
        body=body,
        mentions=mentioned,
    )
    _event(task, actor, "发表意见")
    _notify_later(
        mentioned,
        "collab_tasks.mentioned",
        f"{actor.display_name or '有人'}在任务中提到了您：{task.title}",
        task_url(task.pk) + f"#comment-{comment.pk}",
        skip=actor.user_id,
    )
    return comment


@transaction.atomic
def attachment_add(*, actor: Actor, task: Task, upload) -> TaskAttachment:
    task = _open_for_work(actor, task)
    ext = uploads.check(upload, "附件", uploads.EVIDENCE_TYPES, max_file_bytes())
    digest = uploads.sm3(upload)
    size = upload.size
    n = task.attachments.count() + 1
    if n > uploads.MAX_FILES:
        raise ValidationFailed(f"附件最多 {uploads.MAX_FILES} 个", code="too_many_files")
    upload.name = f"task-{task.pk}-{n}{ext}"  # client file names are not trusted
    item = TaskAttachment.objects.create(
        task=task,
        file=upload,
        name=f"附件{n}{ext}",
        is_photo=ext in (".jpg", ".png"),
        size=size,
        sm3=digest,
        uploaded_by_id=actor.user_id,
    )
    _event(task, actor, f"上传{'照片' if item.is_photo else '附件'}（{item.name}）")
    record(
        actor=actor,
        type="collab_tasks.attachment_added",
        obj=task,
        payload={"project": task.project.code, "name": item.name, "size": size},
        files=[{"name": item.name, "sm3": digest}],
    )
    return item


def _link_target(actor: Actor, project_id: int, kind: str, pk: int):
    kind_obj, obj = link_registry.target(actor, kind, pk)
    if kind_obj.project_id(obj) != project_id:
        raise ValidationFailed("只能关联本项目的对象", code="link_other_project")
    return kind_obj, obj


def _link_create(actor: Actor, task: Task, kind, obj) -> TaskLink:
    if TaskLink.objects.filter(task=task, kind=kind.code, object_id=obj.pk).exists():
        raise Conflict("已关联该对象", code="link_exists")
    label = kind.describe(obj)[:200]
    link = TaskLink.objects.create(
        task=task, kind=kind.code, object_id=obj.pk, label=label, created_by_id=actor.user_id
    )
    _event(task, actor, f"关联{kind.label}：{label}")
    return link


@transaction.atomic
def link_add(*, actor: Actor, task: Task, kind: str, object_id: int) -> TaskLink:
    task = _open_for_work(actor, task)
    if task.links.count() >= MAX_LINKS:
        raise ValidationFailed(f"关联对象最多 {MAX_LINKS} 个", code="too_many_links")
    kind_obj, obj = _link_target(actor, task.project_id, kind, object_id)
    return _link_create(actor, task, kind_obj, obj)


def overdue_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Tell the assignee and the creator once when a task falls overdue (the to-do list keeps
    it at the top after that)."""
    from jianguan.workbench.notifications.services import notify

    today = today or today_local()
    qs = Task.objects.filter(
        status__in=workflow.OPEN_STATUSES, due_on__lt=today, overdue_notified_on__isnull=True
    ).select_related("project", "assignee_org", "assignee_user")
    n = 0
    for task in qs[:500]:
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, overdue_notified_on__isnull=True).update(
                overdue_notified_on=today
            ):
                continue
            ids = {task.created_by_id, *_recipients(task)}
            days = workflow.overdue_days(task.status, task.due_on, today)
            notify(
                recipients=ids,
                kind="collab_tasks.task_overdue",
                title=f"任务已逾期 {days} 天：{task.project.name}，{task.title}",
                url=task_url(task.pk),
                urgent=True,
            )
            n += 1
    return {"notified": n}
