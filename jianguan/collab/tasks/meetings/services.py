"""Meetings: the only code that writes them. The organising party keeps the agenda, the
attendance, the minutes, the decisions and the action items while the minutes are a draft;
issuing them freezes all of it (their SM3 in the ledger) and turns each action item into a task
linked back to the meeting."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping

from django.db import transaction

from jianguan.collab.tasks import selectors, services, workflow
from jianguan.collab.tasks.meetings.models import ActionItem, Meeting, MeetingAttendee
from jianguan.core.actor import Actor
from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.core.timeutil import SHANGHAI, now, today_local
from jianguan.ledger.services import record

PERMISSION = "collab_tasks.meetings_manage"
MAX_ITEMS = 50


def _wf(fn, *args) -> None:
    services._wf(fn, *args)


def _lines(values: Iterable[str], label: str) -> list[str]:
    out = [v.strip() for v in values if v and v.strip()]
    if len(out) > MAX_ITEMS or any(len(v) > 500 for v in out):
        raise ValidationFailed(f"{label}最多 {MAX_ITEMS} 条、每条 500 字", code="too_long")
    return out


def _people(project_id: int, user_ids: Iterable[int]) -> dict[int, int]:
    """user id -> organisation id for people of the project's parties; others refused."""
    orgs = selectors.party_people(project_id)
    where = {p["id"]: o["id"] for o in orgs for p in o["people"]}
    ids = sorted({int(u) for u in user_ids})
    outside = [u for u in ids if u not in where]
    if outside:
        raise ValidationFailed(
            "参会人员须为本项目参建单位的人员", code="attendee_not_in_project", details=outside
        )
    return {u: where[u] for u in ids}


def _editable(actor: Actor, meeting: Meeting) -> Meeting:
    services.require_party(actor, meeting.project_id, PERMISSION)
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("project").get(pk=meeting.pk)
    )
    if meeting.organiser_org_id != actor.organisation_id and not selectors.is_manager(
        actor, meeting.project_id
    ):
        raise PermissionDenied("只有会议组织单位或项目管理人员可以修改会议", code="not_organiser")
    _wf(workflow.check_meeting_editable, meeting.status)
    return meeting


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    project,
    title: str,
    starts_at: dt.datetime,
    place: str = "",
    agenda: Iterable[str] = (),
    attendee_ids: Iterable[int] = (),
) -> Meeting:
    services.require_party(actor, project.pk, PERMISSION)
    title = services._clean_text(title, "会议名称", 200, required=True)
    place = services._clean_text(place, "地点", 200, required=False)
    if starts_at is None:
        raise ValidationFailed("请填写会议时间", code="starts_at_missing")
    if starts_at.tzinfo is None:  # a time without a zone is Beijing time, as the pages show it
        starts_at = starts_at.replace(tzinfo=SHANGHAI)
    agenda = _lines(agenda, "议程")
    people = _people(project.pk, attendee_ids)
    meeting = Meeting.objects.create(
        project=project,
        title=title,
        starts_at=starts_at,
        place=place,
        agenda=agenda,
        created_by_id=actor.user_id,
        organiser_org_id=actor.organisation_id,
    )
    MeetingAttendee.objects.bulk_create(
        MeetingAttendee(meeting=meeting, user_id=u, organisation_id=o) for u, o in people.items()
    )
    record(
        actor=actor,
        type="collab_tasks.meeting_created",
        obj=meeting,
        payload={"project": project.code, "title": title, "starts_at": starts_at},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    minutes: str | None = None,
    decisions: Iterable[str] | None = None,
    agenda: Iterable[str] | None = None,
    place: str | None = None,
) -> Meeting:
    meeting = _editable(actor, meeting)
    if minutes is not None:
        meeting.minutes = services._clean_text(minutes, "会议纪要", 20000, required=False)
    if decisions is not None:
        meeting.decisions = _lines(decisions, "会议决定")
    if agenda is not None:
        meeting.agenda = _lines(agenda, "议程")
    if place is not None:
        meeting.place = services._clean_text(place, "地点", 200, required=False)
    meeting.save()
    return meeting


@transaction.atomic
def attendance_set(
    *, actor: Actor, meeting: Meeting, marks: Mapping[int, str], add: Iterable[int] = ()
) -> Meeting:
    """Mark who attended (present/absent/excused); ``add`` brings more people of the parties."""
    meeting = _editable(actor, meeting)
    bad = [v for v in marks.values() if v not in workflow.ATTENDANCE]
    if bad:
        raise ValidationFailed("未知的出席情况", code="unknown_attendance")
    for u, o in _people(meeting.project_id, add).items():
        MeetingAttendee.objects.get_or_create(
            meeting=meeting, user_id=u, defaults={"organisation_id": o}
        )
    known = {a.user_id: a for a in meeting.attendees.all()}
    unknown = [u for u in marks if int(u) not in known]
    if unknown:
        raise ValidationFailed("该人员不在参会名单中", code="attendee_not_listed", details=unknown)
    for u, value in marks.items():
        a = known[int(u)]
        a.attendance = value
        a.save(update_fields=["attendance", "updated_at"])
    return meeting


@transaction.atomic
def action_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    assignee_user_id: int | None = None,
    assignee_org_id: int | None = None,
    due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ActionItem:
    meeting = _editable(actor, meeting)
    title = services._clean_text(title, "待办事项", 200, required=True)
    _wf(workflow.check_due, due_on, today or today_local())
    org, user = services.resolve_assignee(meeting.project_id, assignee_user_id, assignee_org_id)
    if meeting.action_items.count() >= MAX_ITEMS:
        raise ValidationFailed(f"待办事项最多 {MAX_ITEMS} 条", code="too_many_items")
    return ActionItem.objects.create(
        meeting=meeting, title=title, assignee_org=org, assignee_user=user, due_on=due_on
    )


def minutes_text(meeting: Meeting) -> str:
    """The issued minutes as one canonical text (what the SM3 in the ledger is of)."""
    doc = {
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "attendance": [[a.user_id, a.attendance] for a in meeting.attendees.all()],
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
        "action_items": [
            [i.title, i.assignee_org_id, i.assignee_user_id, str(i.due_on or "")]
            for i in meeting.action_items.all()
        ],
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@transaction.atomic
def meeting_issue(*, actor: Actor, meeting: Meeting, today: dt.date | None = None) -> Meeting:
    meeting = _editable(actor, meeting)
    marked = meeting.attendees.exclude(attendance="unknown").count()
    _wf(workflow.check_issue, meeting.status, meeting.minutes, marked)
    today = today or today_local()
    for item in meeting.action_items.select_for_update().filter(task__isnull=True):
        # an item due before today (the minutes issued late) is due today
        due = max(item.due_on, today) if item.due_on else None
        task = services.task_create(
            actor=actor,
            project=meeting.project,
            title=item.title,
            description=f"会议“{meeting.title}”（{meeting.starts_at:%Y-%m-%d}）议定事项",
            due_on=due,
            assignee_user_id=item.assignee_user_id,
            assignee_org_id=item.assignee_org_id,
            meeting=meeting,
            today=today,
        )
        item.task = task
        item.save(update_fields=["task", "updated_at"])
    meeting.status = workflow.ISSUED
    meeting.issued_at, meeting.issued_by_id = now(), actor.user_id
    meeting.minutes_sm3 = hashlib.new("sm3", minutes_text(meeting).encode()).hexdigest()
    meeting.save()
    record(
        actor=actor,
        type="collab_tasks.minutes_issued",
        obj=meeting,
        payload={
            "project": meeting.project.code,
            "title": meeting.title,
            "decisions": meeting.decisions,
            "tasks": list(meeting.tasks.values_list("pk", flat=True)),
        },
        files=[{"name": "minutes.json", "sm3": meeting.minutes_sm3}],
    )
    attendees = list(meeting.attendees.values_list("user_id", flat=True))
    services._notify_later(
        attendees,
        "collab_tasks.minutes_issued",
        f"会议纪要已签发：{meeting.project.name}，{meeting.title}",
        _meeting_url(meeting.pk),
        skip=actor.user_id,
    )
    return meeting


def _meeting_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("collab_tasks:meeting", args=[pk])
