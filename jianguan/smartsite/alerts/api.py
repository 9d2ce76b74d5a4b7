"""Environmental alerts over the API: the list and one alert (scoped to the projects the actor
sees), the site contractor's answer, the regulator's decision, and a site's last 24 hours."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import ValidationFailed
from jianguan.smartsite.alerts import selectors, services, workflow
from jianguan.smartsite.alerts.models import EnvAlert

router = Router(tags=["智慧工地：环境监测"])


class EnvAlertRead(Schema):
    id: int
    project_id: int
    project_name: str
    device_mn: str
    device_name: str
    metric: str
    metric_label: str
    status: str
    status_label: str
    first_at: dt.datetime
    last_at: dt.datetime
    count: int
    peak: float
    limit: float
    instantaneous: bool
    sustained: bool
    answer: str
    decision: str
    order_number: str | None


class EnvAlertFilter(Schema):
    status: Literal["open", "acknowledged", "escalated", "closed", "dismissed"] | None = None
    project_id: int | None = Field(None, ge=1, le=2**62)
    limit: int = Field(100, ge=1, le=500)


class EnvAlertAnswerIn(Schema):
    answer: str = Field(..., max_length=500)


class EnvAlertDecisionIn(Schema):
    action: Literal["escalate", "dismiss"]
    text: str = Field("", max_length=500)
    severity: Literal["general", "major", "serious"] = "general"


class EnvSeriesDevice(Schema):
    name: str
    pm10: list[tuple[str, float]]
    pm25: list[tuple[str, float]]
    noise: list[tuple[str, float]]


class EnvSeriesLimits(Schema):
    pm10: float | None
    noise_day: float
    noise_night: float


class EnvSeriesRead(Schema):
    devices: list[EnvSeriesDevice]
    limits: EnvSeriesLimits


def _read(a: EnvAlert) -> dict:
    return {
        "id": a.pk,
        "project_id": a.project_id,
        "project_name": a.project.name,
        "device_mn": a.device.mn,
        "device_name": a.device.name,
        "metric": a.metric,
        "metric_label": a.get_metric_display(),
        "status": a.status,
        "status_label": workflow.STATUS[a.status],
        "first_at": a.first_at,
        "last_at": a.last_at,
        "count": a.count,
        "peak": round(a.peak, 1),
        "limit": a.limit,
        "instantaneous": a.instantaneous,
        "sustained": a.sustained,
        "answer": a.answer,
        "decision": a.decision,
        "order_number": a.order.number if a.order else None,
    }


@router.get("/env-alerts", response={200: list[EnvAlertRead], **ERR}, summary="环境监测告警列表")
def alert_list(request: HttpRequest, filters: Query[EnvAlertFilter]):
    qs = selectors.alerts_visible_to(actor=request.actor)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    return [_read(a) for a in qs.order_by("-last_at", "-pk")[: filters.limit]]


@router.get("/env-alerts/{alert_id}", response={200: EnvAlertRead, **ERR}, summary="环境监测告警")
def alert_read(request: HttpRequest, alert_id: str):
    return _read(selectors.alert_get(actor=request.actor, pk=path_id(alert_id, "告警")))


@router.post(
    "/env-alerts/{alert_id}/answer", response={200: EnvAlertRead, **ERR}, summary="反馈处置情况"
)
def alert_answer(request: HttpRequest, alert_id: str, data: EnvAlertAnswerIn):
    alert = selectors.alert_get(actor=request.actor, pk=path_id(alert_id, "告警"))
    services.alert_answer(actor=request.actor, alert=alert, answer=data.answer)
    return _read(selectors.alert_get(actor=request.actor, pk=alert.pk))


@router.post(
    "/env-alerts/{alert_id}/decision",
    response={200: EnvAlertRead, **ERR},
    summary="监管处理（转整改通知或不予处理）",
)
def alert_decide(request: HttpRequest, alert_id: str, data: EnvAlertDecisionIn):
    alert = selectors.alert_get(actor=request.actor, pk=path_id(alert_id, "告警"))
    if data.action == "dismiss":
        services.alert_dismiss(actor=request.actor, alert=alert, reason=data.text)
    elif data.action == "escalate":
        services.alert_escalate(
            actor=request.actor, alert=alert, severity=data.severity, note=data.text
        )
    else:  # pragma: no cover - the schema allows only the two
        raise ValidationFailed("未知的处理方式", code="bad_action")
    return _read(selectors.alert_get(actor=request.actor, pk=alert.pk))


@router.get(
    "/projects/{project_id}/environment",
    response={200: EnvSeriesRead, **ERR},
    summary="工地近 24 小时扬尘与噪声",
)
def project_series(request: HttpRequest, project_id: str):
    project = selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))
    return selectors.series(project)
