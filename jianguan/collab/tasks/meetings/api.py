"""Meetings over the API (/api/v1/collab/meetings/...)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from jianguan.collab.tasks import reads, selectors
from jianguan.collab.tasks.meetings import services
from jianguan.collab.tasks.schemas import (
    MeetingActionItemIn,
    MeetingActionItemRead,
    MeetingAttendanceIn,
    MeetingCreate,
    MeetingDetail,
    MeetingFilter,
    MeetingMinutesIn,
    MeetingRead,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR

router = Router(tags=["任务与会议"])
MANAGE = services.PERMISSION


def _meeting(request: HttpRequest, meeting_id: str):
    return selectors.meeting_get(actor=request.actor, pk=path_id(meeting_id, "会议"))


def _detail(request: HttpRequest, pk: int) -> dict:
    return reads.meeting_detail(selectors.meeting_get(actor=request.actor, pk=pk))


@router.get("/meetings", response={200: list[MeetingRead], **ERR}, summary="会议列表")
def meeting_list(request: HttpRequest, filters: Query[MeetingFilter]):
    qs = selectors.meetings_visible_to(actor=request.actor)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    return [reads.meeting_read(m) for m in qs[: filters.limit]]


@router.post(
    "/meetings", response={201: MeetingDetail, **ERR}, auth=permitted(MANAGE), summary="召集会议"
)
def meeting_create(request: HttpRequest, data: MeetingCreate):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    m = services.meeting_create(
        actor=request.actor,
        project=project,
        title=data.title,
        starts_at=data.starts_at,
        place=data.place,
        agenda=data.agenda,
        attendee_ids=data.attendee_ids,
    )
    return Status(201, _detail(request, m.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetail, **ERR}, summary="会议")
def meeting_get(request: HttpRequest, meeting_id: str):
    return _detail(request, _meeting(request, meeting_id).pk)


@router.post(
    "/meetings/{meeting_id}/minutes",
    response={200: MeetingDetail, **ERR},
    auth=permitted(MANAGE),
    summary="填写议程、纪要和会议决定（签发前）",
)
def meeting_update(request: HttpRequest, meeting_id: str, data: MeetingMinutesIn):
    m = services.meeting_update(
        actor=request.actor,
        meeting=_meeting(request, meeting_id),
        minutes=data.minutes,
        decisions=data.decisions,
        agenda=data.agenda,
        place=data.place,
    )
    return _detail(request, m.pk)


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: MeetingDetail, **ERR},
    auth=permitted(MANAGE),
    summary="登记出席情况",
)
def attendance_set(request: HttpRequest, meeting_id: str, data: MeetingAttendanceIn):
    m = services.attendance_set(
        actor=request.actor,
        meeting=_meeting(request, meeting_id),
        marks={x.user_id: x.attendance for x in data.marks},
        add=data.add,
    )
    return _detail(request, m.pk)


@router.post(
    "/meetings/{meeting_id}/action-items",
    response={201: MeetingActionItemRead, **ERR},
    auth=permitted(MANAGE),
    summary="添加会议待办事项（纪要签发时转为任务）",
)
def action_item_add(request: HttpRequest, meeting_id: str, data: MeetingActionItemIn):
    item = services.action_item_add(
        actor=request.actor,
        meeting=_meeting(request, meeting_id),
        title=data.title,
        assignee_user_id=data.assignee_user_id,
        assignee_org_id=data.assignee_org_id,
        due_on=data.due_on,
    )
    rows = _detail(request, item.meeting_id)["action_items"]
    return Status(201, next(r for r in rows if r["id"] == item.pk))


@router.post(
    "/meetings/{meeting_id}/issue",
    response={200: MeetingDetail, **ERR},
    auth=permitted(MANAGE),
    summary="签发会议纪要（待办事项转为任务，纪要不可再改）",
)
def meeting_issue(request: HttpRequest, meeting_id: str):
    m = services.meeting_issue(actor=request.actor, meeting=_meeting(request, meeting_id))
    return _detail(request, m.pk)
