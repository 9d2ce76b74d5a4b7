"""Workers and attendance API under /api/v1/smartsite: parse → service/selector → schema.

The gate endpoint (POST /gate-events) is the only one a device calls: it is authenticated by
the device's key in the ``X-Device-Key`` header (no user), and rate-limited per device and,
for failed keys, per client address.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.core import ratelimit
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, ErrorOut
from jianguan.core.errors import DomainError, NotFound, PermissionDenied
from jianguan.core.permissions import require
from jianguan.core.security import client_address
from jianguan.core.timeutil import today_local
from jianguan.smartsite.workers import importer, selectors, services, workflow
from jianguan.smartsite.workers.attendance import services as attendance_services
from jianguan.smartsite.workers.blacklist import selectors as blacklist_selectors
from jianguan.smartsite.workers.blacklist.api import router as blacklist_router
from jianguan.smartsite.workers.models import EntryAlert, LabourContract, Placement, Worker
from jianguan.smartsite.workers.schemas import (
    AttendanceDayRead,
    AttendanceEventRead,
    CertificateIn,
    CertificateRead,
    EntryAlertRead,
    GateDeviceCreated,
    GateDeviceIn,
    GateEventIn,
    HeadcountRead,
    LabourContractIn,
    LabourContractRead,
    ManualAttendanceIn,
    PlacementIn,
    PlacementRead,
    TrainingIn,
    TrainingRead,
    WorkerImportRead,
    WorkerIn,
    WorkerRegisteredRead,
)

router = Router(tags=["智慧工地：实名制与考勤"])
router.add_router("", blacklist_router)
GATE_ERR = {400: ErrorOut, 401: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class DeviceUnauthorized(DomainError):
    status = 401
    code = "device_unauthorized"


def _scope(request: HttpRequest, raw: str) -> selectors.Scope:
    return selectors.project_scope(actor=request.actor, pk=path_id(raw, "项目"))


def _worker_read(scope: selectors.Scope | None, actor, worker: Worker) -> dict:
    full = scope is not None and selectors.may_see_identity(scope, actor, worker)
    if scope is None:  # the employer's own labour officer, just after registration
        full = actor.can("smartsite.identity_view") and actor.organisation_id == worker.employer_id
    return {
        "id": worker.pk,
        "name": worker.name,
        "id_number": selectors.identity_of(worker) if full else worker.id_number_masked,
        "id_number_masked": worker.id_number_masked,
        "trade": worker.trade,
        "trade_label": worker.get_trade_display(),
        "employer_id": worker.employer_id,
        "employer_name": worker.employer.name,
        "bank_card": selectors.bank_card_of(worker) if full else worker.bank_card_masked,
        "bank_name": worker.bank_name,
    }


def _employer(request: HttpRequest, employer_id: int | None) -> Organisation:
    pk = employer_id or request.actor.organisation_id
    org = Organisation.objects.filter(pk=pk).first() if pk else None
    if org is None:
        raise NotFound("用工单位不存在", code="employer_not_found")
    return org


def _own_worker(scope: selectors.Scope, actor, worker_id: int) -> Worker:
    """A worker the actor may contract or place on the scope's project: its employer's own, or
    (for the project's general contractor) any worker of a firm on the project."""
    worker = Worker.objects.select_related("employer").filter(pk=worker_id).first()
    if worker is None or not (worker.employer_id == actor.organisation_id or scope.is_gc):
        raise NotFound("工人不存在或不属于本单位", code="worker_not_found")
    return worker


@router.post(
    "/workers",
    response={201: WorkerRegisteredRead, **ERR},
    summary="工人实名登记（此人在工人黑名单中时照常登记，并返回警示 blacklist_warnings）",
)
def worker_register(request: HttpRequest, data: WorkerIn):
    require(request.actor, "smartsite.workers_manage")
    worker = services.worker_register(
        actor=request.actor,
        employer=_employer(request, data.employer_id),
        name=data.name,
        id_number=data.id_number,
        trade=data.trade,
        phone=data.phone,
        bank_card=data.bank_card,
        bank_name=data.bank_name,
    )
    warnings = blacklist_selectors.registration_warnings(worker, today_local())
    return Status(
        201, {**_worker_read(None, request.actor, worker), "blacklist_warnings": warnings}
    )


class WorkerImportForm(Schema):
    employer_id: int | None = None


@router.post(
    "/workers/import",
    response={200: WorkerImportRead, **ERR},
    summary="从 Excel 导入工人（有效行导入，错误行逐行报告）",
)
def worker_import(request: HttpRequest, data: Form[WorkerImportForm], file: File[UploadedFile]):
    require(request.actor, "smartsite.workers_manage")
    result = importer.workers_import(
        actor=request.actor, employer=_employer(request, data.employer_id), upload=file
    )
    return {
        "rows": result.rows,
        "created": len(result.created),
        "created_ids": [w.pk for w in result.created],
        "errors": [e.__dict__ for e in result.errors],
        "warnings": [w.__dict__ for w in result.warnings],
    }


@router.get(
    "/projects/{project_id}/workers",
    response={200: list[PlacementRead], **ERR},
    summary="项目实名制花名册（身份证号按权限脱敏）",
)
def roster(request: HttpRequest, project_id: str):
    scope = _scope(request, project_id)
    out = []
    for p in selectors.roster(scope, on=today_local()):
        full = selectors.may_see_identity(scope, request.actor, p.worker)
        out.append(
            {
                "id": p.pk,
                "worker_id": p.worker_id,
                "worker_name": p.worker.name,
                "worker_id_number": selectors.identity_of(p.worker)
                if full
                else p.worker.id_number_masked,
                "employer_name": p.worker.employer.name,
                "trade_label": p.worker.get_trade_display(),
                "contract_number": p.contract.number,
                "placed_on": p.placed_on,
                "left_on": p.left_on,
                "status": p.status,
                "status_label": p.get_status_display(),
            }
        )
    return out


def _contract_read(c: LabourContract) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "worker_id": c.worker_id,
        "worker_name": c.worker.name,
        "employer_name": c.employer.name,
        "start": c.start,
        "end": c.end,
        "signed_on": c.signed_on,
    }


@router.get(
    "/projects/{project_id}/contracts",
    response={200: list[LabourContractRead], **ERR},
    summary="项目劳动合同",
)
def contract_list(request: HttpRequest, project_id: str):
    return [_contract_read(c) for c in selectors.contracts(_scope(request, project_id))]


@router.post(
    "/projects/{project_id}/contracts",
    response={201: LabourContractRead, **ERR},
    summary="签订劳动合同",
)
def contract_sign(request: HttpRequest, project_id: str, data: LabourContractIn):
    scope = _scope(request, project_id)
    require(request.actor, "smartsite.workers_manage")
    contract = services.labour_contract_sign(
        actor=request.actor,
        worker=_own_worker(scope, request.actor, data.worker_id),
        project=scope.project,
        start=data.start,
        end=data.end,
        signed_on=data.signed_on,
    )
    return Status(201, _contract_read(contract))


@router.post(
    "/projects/{project_id}/placements",
    response={201: PlacementRead, **ERR},
    summary="工人进场登记（无合同、未满最低年龄、本人或用工单位列入黑名单的拒绝）",
)
def placement_create(request: HttpRequest, project_id: str, data: PlacementIn):
    scope = _scope(request, project_id)
    require(request.actor, "smartsite.workers_manage")
    worker = _own_worker(scope, request.actor, data.worker_id)
    p: Placement = services.worker_place(
        actor=request.actor, worker=worker, project=scope.project, on=data.on
    )
    return Status(
        201,
        {
            "id": p.pk,
            "worker_id": worker.pk,
            "worker_name": worker.name,
            "worker_id_number": worker.id_number_masked,
            "employer_name": worker.employer.name,
            "trade_label": worker.get_trade_display(),
            "contract_number": p.contract.number,
            "placed_on": p.placed_on,
            "left_on": p.left_on,
            "status": p.status,
            "status_label": p.get_status_display(),
        },
    )


@router.post(
    "/projects/{project_id}/trainings",
    response={201: TrainingRead, **ERR},
    summary="登记安全教育培训记录",
)
def training_record(request: HttpRequest, project_id: str, data: TrainingIn):
    scope = _scope(request, project_id)
    require(request.actor, "smartsite.workers_manage")
    t = services.worker_training_record(
        actor=request.actor,
        worker=_own_worker(scope, request.actor, data.worker_id),
        kind=data.kind,
        title=data.title,
        held_on=data.held_on,
        hours=data.hours,
        passed=data.passed,
        project=scope.project,
    )
    return Status(
        201,
        {
            "id": t.pk,
            "worker_id": t.worker_id,
            "kind": t.kind,
            "kind_label": t.get_kind_display(),
            "title": t.title,
            "held_on": t.held_on,
            "hours": t.hours,
            "passed": t.passed,
        },
    )


@router.post(
    "/projects/{project_id}/certificates",
    response={201: CertificateRead, **ERR},
    summary="登记工人证书（特种作业操作证、职业技能等级证书）",
)
def certificate_add(request: HttpRequest, project_id: str, data: CertificateIn):
    scope = _scope(request, project_id)
    require(request.actor, "smartsite.workers_manage")
    c = services.worker_certificate_add(
        actor=request.actor,
        worker=_own_worker(scope, request.actor, data.worker_id),
        kind=data.kind,
        name=data.name,
        number=data.number,
        valid_to=data.valid_to,
        project=scope.project,
    )
    return Status(
        201,
        {
            "id": c.pk,
            "worker_id": c.worker_id,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "name": c.name,
            "number": c.number,
            "valid_to": c.valid_to,
        },
    )


class HeadcountDayQuery(Schema):
    day: dt.date | None = None


@router.get(
    "/projects/{project_id}/headcount",
    response={200: HeadcountRead, **ERR},
    summary="当日在场人数（按工种、用工单位）",
)
def headcount(request: HttpRequest, project_id: str, q: Query[HeadcountDayQuery]):
    h = selectors.headcount(_scope(request, project_id), day=q.day or today_local())
    return {
        "day": h["day"],
        "total": h["total"],
        "by_trade": [{"label": k, "count": v} for k, v in h["by_trade"]],
        "by_employer": [{"label": k, "count": v} for k, v in h["by_employer"]],
    }


class AttendanceRangeQuery(Schema):
    start: dt.date
    end: dt.date


@router.get(
    "/projects/{project_id}/attendance",
    response={200: list[AttendanceDayRead], **ERR},
    summary="每人每日考勤（工资表读取）",
)
def attendance(request: HttpRequest, project_id: str, q: Query[AttendanceRangeQuery]):
    if q.end < q.start or (q.end - q.start).days > 62:
        raise DomainError("查询区间须为不超过62天的有效区间", code="bad_range")
    days = selectors.attendance_days(_scope(request, project_id), start=q.start, end=q.end)
    return [
        {
            "worker_id": d.worker_id,
            "worker_name": d.worker.name,
            "day": d.day,
            "first_in": d.first_in,
            "last_out": d.last_out,
            "minutes": d.minutes,
            "events": d.events,
        }
        for d in days
    ]


def _event_read(e) -> dict:
    return {
        "id": e.pk,
        "worker_id": e.worker_id,
        "worker_name": e.worker.name,
        "direction": e.direction,
        "direction_label": workflow.DIRECTIONS[e.direction],
        "at": e.at,
    }


@router.post(
    "/projects/{project_id}/attendance",
    response={201: AttendanceEventRead, **ERR},
    summary="劳资专管员补录进出场",
)
def attendance_manual(request: HttpRequest, project_id: str, data: ManualAttendanceIn):
    scope = _scope(request, project_id)
    if not request.actor.can("smartsite.workers_manage"):
        raise PermissionDenied("无权补录考勤", code="permission_denied")
    worker = selectors.worker_visible(scope, data.worker_id)
    event = attendance_services.attendance_record_manual(
        actor=request.actor,
        project=scope.project,
        worker=worker,
        direction=data.direction,
        at=data.at,
    )
    return Status(201, _event_read(event))


@router.post(
    "/projects/{project_id}/gate-devices",
    response={201: GateDeviceCreated, **ERR},
    summary="登记考勤闸机（密钥只返回一次）",
)
def device_register(request: HttpRequest, project_id: str, data: GateDeviceIn):
    scope = _scope(request, project_id)
    device, key = attendance_services.gate_device_register(
        actor=request.actor, project=scope.project, name=data.name, serial=data.serial
    )
    return Status(201, {"id": device.pk, "name": device.name, "serial": device.serial, "key": key})


@router.post(
    "/gate-events",
    auth=None,
    response={201: AttendanceEventRead, **GATE_ERR},
    summary="闸机上报进出场事件（X-Device-Key 认证）",
    description="黑名单人员、未实名登记、无劳动合同或未办理进场的人员被拒绝（409，code 为 "
    "worker_blacklisted / worker_not_registered / no_contract / not_placed），同时生成进场告警。",
)
def gate_event(request: HttpRequest, data: GateEventIn):
    key = request.headers.get("X-Device-Key", "")
    device = attendance_services.gate_device_by_key(key)
    if device is None:
        ratelimit.hit(
            f"gate-auth:{client_address(request)}",
            per_minute=getattr(settings, "SMARTSITE_GATE_AUTH_FAILURES_PER_MINUTE", 60),
        )
        raise DeviceUnauthorized("设备未登记或密钥错误", code="device_unauthorized")
    ratelimit.hit(
        f"gate:{device.pk}", per_minute=getattr(settings, "SMARTSITE_GATE_EVENTS_PER_MINUTE", 600)
    )
    event = attendance_services.gate_event_record(
        device=device,
        id_number=data.id_number,
        direction=data.direction,
        at=data.at,
        person_name=data.name,
    )
    return Status(201, _event_read(event))


def _alert_read(a: EntryAlert) -> dict:
    return {
        "id": a.pk,
        "project_id": a.project_id,
        "project_name": a.project.name,
        "reason": a.reason,
        "reason_label": a.get_reason_display(),
        "person_masked": a.person_masked,
        "person_name": a.person_name,
        "at": a.at,
        "status": a.status,
        "status_label": a.get_status_display(),
    }


@router.get(
    "/alerts", response={200: list[EntryAlertRead], **ERR}, summary="进场告警（待处理在前）"
)
def alerts(request: HttpRequest):
    qs = selectors.alerts_visible_to(actor=request.actor).order_by("status", "-at", "-pk")[:200]
    return [_alert_read(a) for a in qs]
