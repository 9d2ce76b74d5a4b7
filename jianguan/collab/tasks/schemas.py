"""API schemas of tasks and meetings. Codes come with their Chinese labels; people and
organisations by name."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from jianguan.collab.tasks import workflow
from jianguan.collab.tasks.links import LINK_KINDS
from jianguan.core.api_schemas import documented, one_of, text

ID = Field(default=None, ge=1, le=2**62)


class TaskFilter(Schema):
    project_id: int | None = Field(default=None, ge=1, le=2**62)
    status: one_of((*workflow.STATUS, "open"), blank=True) = ""  # type: ignore[valid-type]
    priority: one_of(workflow.PRIORITY, blank=True) = ""  # type: ignore[valid-type]
    assignee: text(40) = ""  # "me", "org:<id>", "user:<id>"
    due: one_of(("overdue", "week", "none"), blank=True) = ""  # type: ignore[valid-type]
    limit: int = Field(default=100, ge=1, le=500)


class TaskLinkIn(Schema):
    kind: text(40, 1) = documented(LINK_KINDS)
    object_id: int = Field(ge=1, le=2**62)


class TaskCreate(Schema):
    project_id: int = Field(ge=1, le=2**62)
    title: text(200, 1)
    description: text(4000) = ""
    priority: one_of(workflow.PRIORITY) = workflow.NORMAL  # type: ignore[valid-type]
    due_on: dt.date | None = None
    assignee_user_id: int | None = ID
    assignee_org_id: int | None = ID
    checklist: list[text(200)] = Field(default_factory=list, max_length=50)
    links: list[TaskLinkIn] = Field(default_factory=list, max_length=20)


class TaskMoveIn(Schema):
    status: one_of(workflow.STATUS)  # type: ignore[valid-type]
    note: text(500) = ""


class TaskAssignIn(Schema):
    assignee_user_id: int | None = ID
    assignee_org_id: int | None = ID


class TaskChecklistIn(Schema):
    text: text(200, 1)


class TaskChecklistToggleIn(Schema):
    done: bool


class TaskCommentIn(Schema):
    body: text(2000, 1)
    mentions: list[int] = Field(default_factory=list, max_length=50)


class TaskChecklistRead(Schema):
    id: int
    text: str
    done: bool


class TaskCommentRead(Schema):
    id: int
    author: str
    organisation: str
    body: str
    mentions: list[str]
    created_at: dt.datetime


class TaskAttachmentRead(Schema):
    id: int
    name: str
    is_photo: bool
    size: int
    sm3: str
    uploaded_by: str
    created_at: dt.datetime
    url: str


class TaskLinkRead(Schema):
    id: int
    kind: str
    kind_label: str
    object_id: int
    label: str
    url: str


class TaskEventRead(Schema):
    at: dt.datetime
    actor: str
    text: str


class TaskRead(Schema):
    id: int
    project_id: int
    project_name: str
    title: str
    status: str
    status_label: str
    priority: str
    priority_label: str
    due_on: dt.date | None
    overdue: bool
    overdue_days: int
    assignee_org_id: int
    assignee_org_name: str
    assignee_user_id: int | None
    assignee_user_name: str | None
    created_by: str
    meeting_id: int | None
    created_at: dt.datetime
    completed_at: dt.datetime | None
    url: str


class TaskDetail(TaskRead):
    description: str
    moves: list[str]
    checklist: list[TaskChecklistRead]
    comments: list[TaskCommentRead]
    attachments: list[TaskAttachmentRead]
    links: list[TaskLinkRead]
    history: list[TaskEventRead]


class TaskPersonRead(Schema):
    id: int
    name: str


class TaskPartyRead(Schema):
    id: int
    name: str
    role: str
    people: list[TaskPersonRead]


# --- meetings ---------------------------------------------------------------------------------


class MeetingFilter(Schema):
    project_id: int | None = Field(default=None, ge=1, le=2**62)
    limit: int = Field(default=100, ge=1, le=500)


class MeetingCreate(Schema):
    project_id: int = Field(ge=1, le=2**62)
    title: text(200, 1)
    starts_at: dt.datetime
    place: text(200) = ""
    agenda: list[text(500)] = Field(default_factory=list, max_length=50)
    attendee_ids: list[int] = Field(default_factory=list, max_length=200)


class MeetingMinutesIn(Schema):
    minutes: text(20000) | None = None
    decisions: list[text(500)] | None = Field(default=None, max_length=50)
    agenda: list[text(500)] | None = Field(default=None, max_length=50)
    place: text(200) | None = None


class MeetingAttendanceMark(Schema):
    user_id: int = Field(ge=1, le=2**62)
    attendance: one_of(workflow.ATTENDANCE)  # type: ignore[valid-type]


class MeetingAttendanceIn(Schema):
    marks: list[MeetingAttendanceMark] = Field(default_factory=list, max_length=200)
    add: list[int] = Field(default_factory=list, max_length=200)


class MeetingActionItemIn(Schema):
    title: text(200, 1)
    assignee_user_id: int | None = ID
    assignee_org_id: int | None = ID
    due_on: dt.date | None = None


class MeetingAttendeeRead(Schema):
    user_id: int
    name: str
    organisation: str
    attendance: str
    attendance_label: str


class MeetingActionItemRead(Schema):
    id: int
    title: str
    assignee: str
    due_on: dt.date | None
    task_id: int | None


class MeetingRead(Schema):
    id: int
    project_id: int
    project_name: str
    title: str
    starts_at: dt.datetime
    place: str
    status: str
    status_label: str
    organiser: str
    issued_at: dt.datetime | None
    url: str


class MeetingDetail(MeetingRead):
    agenda: list[str]
    minutes: str
    decisions: list[str]
    minutes_sm3: str
    attendees: list[MeetingAttendeeRead]
    action_items: list[MeetingActionItemRead]
