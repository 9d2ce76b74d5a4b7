"""Tasks and meetings as plain dicts (the API's bodies; the pages read the same)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jianguan.accounts.models import User
from jianguan.collab.tasks import links, selectors, workflow
from jianguan.collab.tasks.models import Meeting, Task
from jianguan.core.actor import Actor


def task_read(t: Task, today: dt.date) -> dict:
    return {
        "id": t.pk,
        "project_id": t.project_id,
        "project_name": t.project.name,
        "title": t.title,
        "status": t.status,
        "status_label": workflow.STATUS[t.status],
        "priority": t.priority,
        "priority_label": workflow.PRIORITY[t.priority],
        "due_on": t.due_on,
        "overdue": workflow.is_overdue(t.status, t.due_on, today),
        "overdue_days": workflow.overdue_days(t.status, t.due_on, today),
        "assignee_org_id": t.assignee_org_id,
        "assignee_org_name": t.assignee_org.name,
        "assignee_user_id": t.assignee_user_id,
        "assignee_user_name": str(t.assignee_user) if t.assignee_user_id else None,
        "created_by": str(t.created_by),
        "meeting_id": t.meeting_id,
        "created_at": t.created_at,
        "completed_at": t.completed_at,
        "url": reverse("collab_tasks:task", args=[t.pk]),
    }


def _names(ids) -> dict[int, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=set(ids))}


def task_detail(actor: Actor, t: Task, today: dt.date) -> dict:
    comments = list(t.comments.select_related("author", "author_org"))
    names = _names(i for c in comments for i in c.mentions)
    return {
        **task_read(t, today),
        "description": t.description,
        "moves": workflow.moves_for(t.status, selectors.standing(actor, t)),
        "checklist": [{"id": i.pk, "text": i.text, "done": i.done} for i in t.checklist.all()],
        "comments": [
            {
                "id": c.pk,
                "author": str(c.author),
                "organisation": c.author_org.name,
                "body": c.body,
                "mentions": [names.get(i, "用户") for i in c.mentions],
                "created_at": c.created_at,
            }
            for c in comments
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "is_photo": a.is_photo,
                "size": a.size,
                "sm3": a.sm3,
                "uploaded_by": str(a.uploaded_by),
                "created_at": a.created_at,
                "url": reverse("collab_tasks:attachment", args=[t.pk, a.pk]),
            }
            for a in t.attachments.select_related("uploaded_by")
        ],
        "links": [
            {
                "id": k.pk,
                "kind": k.kind,
                "object_id": k.object_id,
                **links.view(actor, k.kind, k.object_id, k.label),
            }
            for k in t.links.all()
        ],
        "history": [
            {"at": e.at, "actor": str(e.actor) if e.actor_id else "系统", "text": e.text}
            for e in t.events.select_related("actor")
        ],
    }


def meeting_read(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "project_id": m.project_id,
        "project_name": m.project.name,
        "title": m.title,
        "starts_at": m.starts_at,
        "place": m.place,
        "status": m.status,
        "status_label": workflow.MEETING_STATUS[m.status],
        "organiser": m.organiser_org.name,
        "issued_at": m.issued_at,
        "url": reverse("collab_tasks:meeting", args=[m.pk]),
    }


def meeting_detail(m: Meeting) -> dict:
    return {
        **meeting_read(m),
        "agenda": list(m.agenda),
        "minutes": m.minutes,
        "decisions": list(m.decisions),
        "minutes_sm3": m.minutes_sm3,
        "attendees": [
            {
                "user_id": a.user_id,
                "name": str(a.user),
                "organisation": a.organisation.name,
                "attendance": a.attendance,
                "attendance_label": workflow.ATTENDANCE[a.attendance],
            }
            for a in m.attendees.select_related("user", "organisation")
        ],
        "action_items": [
            {
                "id": i.pk,
                "title": i.title,
                "assignee": (
                    f"{i.assignee_user}（{i.assignee_org.name}）"
                    if i.assignee_user_id
                    else i.assignee_org.name
                ),
                "due_on": i.due_on,
                "task_id": i.task_id,
            }
            for i in m.action_items.select_related("assignee_org", "assignee_user")
        ],
    }
