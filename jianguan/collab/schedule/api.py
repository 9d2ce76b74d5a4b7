"""Schedules over the API (/api/v1/collab/schedule/...): import and export MS Project XML
(MSPDI), the activities with their computed dates and floats, the critical path, the baseline
and progress. Writes check the grant first (403 before the body is read), then the project (404),
then the actor's standing (403), then the input (400)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from jianguan.collab.schedule import reads, selectors, services
from jianguan.collab.schedule.schemas import ActivityRead, ProgressIn, ScheduleRead
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.timeutil import client_instant

router = Router(tags=["进度计划"])
MANAGE = "collab_schedule.manage"


def _schedule(request: HttpRequest, project_id: str):
    return selectors.schedule_for(actor=request.actor, project_id=path_id(project_id, "项目"))


def _read(s) -> dict:
    return reads.schedule_read(s, reads.counts_of(s))


@router.get(
    "/schedule/projects/{project_id}", response={200: ScheduleRead, **ERR}, summary="项目进度计划"
)
def schedule_get(request: HttpRequest, project_id: str):
    return _read(_schedule(request, project_id))


@router.post(
    "/schedule/projects/{project_id}/import",
    response={201: ScheduleRead, **ERR},
    auth=permitted(MANAGE),
    summary="导入 MS Project XML（MSPDI）进度计划（替换原计划）",
)
def schedule_import(
    request: HttpRequest,
    project_id: str,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    project = selectors.project_to_keep(actor=request.actor, pk=path_id(project_id, "项目"))
    s = services.schedule_import(actor=request.actor, project=project, upload=file)
    return Status(201, _read(s))


@router.get(
    "/schedule/projects/{project_id}/export",
    response={200: None, **ERR},
    summary="导出 MS Project XML（MSPDI），含计算的时间与时差",
)
def schedule_export(request: HttpRequest, project_id: str):
    s = _schedule(request, project_id)
    response = HttpResponse(
        services.schedule_export(schedule_obj=s), content_type="application/xml"
    )
    response["Content-Disposition"] = f'attachment; filename="schedule-{s.project_id}.xml"'
    return response


@router.get(
    "/schedule/projects/{project_id}/activities",
    response={200: list[ActivityRead], **ERR},
    summary="作业列表（最早/最迟时间、总时差、自由时差）",
)
def activity_list(request: HttpRequest, project_id: str):
    s = _schedule(request, project_id)
    return [reads.activity_read(a, s.minutes_per_day) for a in s.activities.all()[:20000]]


@router.get(
    "/schedule/projects/{project_id}/critical-path",
    response={200: list[ActivityRead], **ERR},
    summary="关键路径（总时差不大于零的作业，按最早开始排列）",
)
def critical_path(request: HttpRequest, project_id: str):
    s = _schedule(request, project_id)
    acts = s.activities.filter(critical=True, summary=False).order_by("early_start", "seq")
    return [reads.activity_read(a, s.minutes_per_day) for a in acts[:20000]]


@router.post(
    "/schedule/projects/{project_id}/baseline",
    response={200: ScheduleRead, **ERR},
    auth=permitted(MANAGE),
    summary="将当前计算时间设为基线",
)
def baseline_set(request: HttpRequest, project_id: str):
    project = selectors.project_to_keep(actor=request.actor, pk=path_id(project_id, "项目"))
    s = selectors.schedule_for(actor=request.actor, project_id=project.pk)
    return _read(services.baseline_set(actor=request.actor, schedule_obj=s))


@router.post(
    "/schedule/activities/{activity_id}/progress",
    response={200: ActivityRead, **ERR},
    auth=permitted(MANAGE),
    summary="填报作业实际进度（重新计算关键路径）",
)
def progress_update(request: HttpRequest, activity_id: str, data: ProgressIn):
    act = selectors.activity_to_keep(actor=request.actor, pk=path_id(activity_id, "作业"))
    start = client_instant(data.actual_start, "实际开始") if data.actual_start else None
    finish = client_instant(data.actual_finish, "实际完成") if data.actual_finish else None
    act = services.progress_update(
        actor=request.actor,
        activity=act,
        percent_complete=data.percent_complete,
        actual_start=start,
        actual_finish=finish,
    )
    return reads.activity_read(act, act.schedule.minutes_per_day)
