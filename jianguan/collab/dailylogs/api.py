"""施工日志与监理日志 over the API (/api/v1/collab/dailylogs/...): a project's logs, the
attendance prefill, one log with its photos, writing (draft), photos, signing, addenda and the
supervisor's finding. Writes are for the general contractor's and supervisor's staff: anyone
else is refused 403 before the body is read."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.collab.dailylogs import selectors, services, workflow
from jianguan.collab.dailylogs.models import DailyLog
from jianguan.collab.dailylogs.schemas import (
    AddendumIn,
    DailyLogFindingRead,
    FindingIn,
    LogCreateIn,
    LogRead,
    LogUpdateIn,
    PhotoRead,
    PrefillRead,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, one_of, text
from jianguan.core.errors import NotFound, ValidationFailed

router = Router(tags=["施工日志与监理日志"])


def manpower_read(rows: list[dict]) -> list[dict]:
    trades = selectors.trades()
    return [{**r, "trade_label": trades.get(r["trade"], r["trade"])} for r in rows]


def log_read(log: DailyLog) -> dict:
    return {
        "id": log.pk,
        "project_id": log.project_id,
        "project_name": log.project.name,
        "kind": log.kind,
        "kind_label": workflow.KINDS[log.kind],
        "log_date": log.log_date,
        "organisation_id": log.organisation_id,
        "organisation_name": log.organisation.name,
        "author_name": log.author.display_name or "—",
        "weather_am": log.weather_am,
        "weather_am_label": workflow.WEATHER.get(log.weather_am, ""),
        "weather_pm": log.weather_pm,
        "weather_pm_label": workflow.WEATHER.get(log.weather_pm, ""),
        "temp_min": log.temp_min,
        "temp_max": log.temp_max,
        "wind": log.wind,
        "manpower": manpower_read(log.manpower),
        "manpower_total": sum(r["count"] for r in log.manpower),
        "equipment": log.equipment,
        "work_done": log.work_done,
        "issues": log.issues,
        "status": log.status,
        "status_label": workflow.STATUS[log.status],
        "signed_at": log.signed_at,
        "content_sm3": log.content_sm3,
        "addendum_of": log.addendum_of_id,
        "finding_order_id": log.finding_order_id,
        "photos": [photo_read(p) for p in log.photos.all()],
    }


def photo_read(p) -> dict:
    url = reverse("api:dailylog_photo_file", args=[p.log_id, p.pk])
    return {"id": p.pk, "caption": p.caption, "sm3": p.sm3, "url": url}


def _project(request: HttpRequest, project_id: str):
    return selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))


def _log(request: HttpRequest, log_id: str) -> DailyLog:
    return selectors.log_get(actor=request.actor, pk=path_id(log_id, "日志"))


class LogFilter(Schema):
    kind: one_of(workflow.KINDS, blank=True) = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 100


class PrefillQuery(Schema):
    log_date: dt.date


@router.get(
    "/dailylogs/projects/{project_id}/logs",
    response={200: list[LogRead], **ERR},
    summary="项目的施工日志与监理日志",
)
def log_list(request: HttpRequest, project_id: str, filters: Query[LogFilter]):
    project = _project(request, project_id)
    qs = selectors.logs_of(actor=request.actor, project=project).prefetch_related("photos")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(log_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(log_date__lte=filters.date_to)
    return [log_read(log) for log in qs[: max(1, min(filters.limit, 500))]]


@router.get(
    "/dailylogs/projects/{project_id}/prefill",
    response={200: PrefillRead, **ERR},
    summary="按考勤预填当日各工种人数",
)
def log_prefill(request: HttpRequest, project_id: str, q: Query[PrefillQuery]):
    project = _project(request, project_id)
    rows = selectors.attendance_manpower(project, q.log_date)
    return {"log_date": q.log_date, "from_attendance": bool(rows), "manpower": manpower_read(rows)}


@router.post(
    "/dailylogs/projects/{project_id}/logs",
    response={201: LogRead, **ERR},
    auth=permitted("dailylogs.write"),
    summary="填写日志（草稿；人员未填时按考勤预填）",
)
def log_create(request: HttpRequest, project_id: str, data: LogCreateIn):
    project = _project(request, project_id)
    fields = data.dict(exclude={"kind", "log_date"})
    log = services.log_create(
        actor=request.actor, project=project, kind=data.kind, log_date=data.log_date, **fields
    )
    return Status(201, log_read(log))


@router.get("/dailylogs/logs/{log_id}", response={200: LogRead, **ERR}, summary="日志")
def log_get(request: HttpRequest, log_id: str):
    return log_read(_log(request, log_id))


@router.put(
    "/dailylogs/logs/{log_id}",
    response={200: LogRead, **ERR},
    auth=permitted("dailylogs.write"),
    summary="修改日志草稿（签署后不可修改）",
)
def log_update(request: HttpRequest, log_id: str, data: LogUpdateIn):
    log = _log(request, log_id)
    fields = {k: v for k, v in data.dict().items() if v is not None}
    return log_read(services.log_update(actor=request.actor, log=log, **fields))


@router.post(
    "/dailylogs/logs/{log_id}/photos",
    response={201: PhotoRead, **ERR},
    auth=permitted("dailylogs.write"),
    summary="上传日志照片（JPEG/PNG）",
)
def log_photo_add(
    request: HttpRequest,
    log_id: str,
    photo: UploadedFile = File(...),  # noqa: B008
    caption: text(100) = Form(""),  # noqa: B008
):
    log = _log(request, log_id)
    item = services.log_photo_add(actor=request.actor, log=log, photo=photo, caption=caption)
    return Status(201, photo_read(item))


@router.get(
    "/dailylogs/logs/{log_id}/photos/{photo_id}",
    response={200: None, **ERR},
    url_name="dailylog_photo_file",
    summary="日志照片文件",
)
def log_photo_file(request: HttpRequest, log_id: str, photo_id: str):
    log = _log(request, log_id)
    photo = selectors.photo_get(actor=request.actor, log=log, pk=path_id(photo_id, "照片"))
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise NotFound("照片文件不存在", code="photo_missing") from None
    return FileResponse(handle, content_type=_mime(photo.file.name))


def _mime(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"


@router.post(
    "/dailylogs/logs/{log_id}/sign",
    response={200: LogRead, **ERR},
    auth=permitted("dailylogs.write"),
    summary="签署日志（签署后不可修改，内容 SM3 存证）",
)
def log_sign(request: HttpRequest, log_id: str):
    log = _log(request, log_id)
    return log_read(services.log_sign(actor=request.actor, log=log))


@router.post(
    "/dailylogs/logs/{log_id}/addenda",
    response={201: LogRead, **ERR},
    auth=permitted("dailylogs.write"),
    summary="对已签署日志写补充记录（更正）",
)
def log_addendum(request: HttpRequest, log_id: str, data: AddendumIn):
    log = _log(request, log_id)
    made = services.log_create(
        actor=request.actor,
        project=log.project,
        kind=log.kind,
        log_date=log.log_date,
        addendum_of=log,
        manpower=[],
        work_done=data.work_done,
        issues=data.issues,
    )
    return Status(201, log_read(made))


@router.post(
    "/dailylogs/logs/{log_id}/finding",
    response={201: DailyLogFindingRead, **ERR},
    auth=permitted("compliance.inspect_as_supervisor"),
    summary="监理日志提出检查问题（下达整改通知单）",
)
def log_finding(request: HttpRequest, log_id: str, data: FindingIn):
    log = _log(request, log_id)
    org = Organisation.objects.filter(pk=data.responsible_organisation_id).first()
    if org is None:
        raise ValidationFailed("责任单位不存在", code="unknown_organisation")
    order = services.log_finding_raise(
        actor=request.actor,
        log=log,
        type=data.type,
        severity=data.severity,
        description=data.description,
        responsible_organisation=org,
        location=data.location,
    )
    return Status(201, {"order_id": order.pk, "number": order.number, "log_id": log.pk})
