"""Compliance API under /api/v1/compliance: parse → service/selector → schema."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.compliance import checklist, pdf, selectors, services
from jianguan.compliance.models import Inspection, RectificationOrder
from jianguan.compliance.schemas import (
    AnswerForm,
    ChecklistItem,
    FailuresRead,
    FindingForm,
    InspectionIn,
    InspectionRead,
    OrderRead,
    PlanForm,
    ReinspectIn,
    RiskIn,
    RiskRead,
)
from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.projects.models import Project

router = Router(tags=["检查整改与风险管控"])
_ID = re.compile(r"[0-9]{1,19}")
ID_MAX = 2**62


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


ERR = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class OrderQuery(Schema):
    project_id: int | None = None
    status: str = ""


def _pk(raw: str, what: str) -> int:
    if not _ID.fullmatch(raw or "") or not 0 < int(raw) <= ID_MAX:
        raise NotFound(f"{what}不存在", code="not_found", details={"id": (raw or "")[:40]})
    return int(raw)


def _project(request: HttpRequest, raw: str) -> Project:
    return selectors.project_for(actor=request.actor, pk=_pk(raw, "项目"))


def _order(request: HttpRequest, raw: str) -> RectificationOrder:
    return selectors.order_get_visible_to(actor=request.actor, pk=_pk(raw, "整改通知单"))


def _reload(order: RectificationOrder) -> RectificationOrder:
    return RectificationOrder.objects.select_related("finding").get(pk=order.pk)


@router.get(
    "/checklist/{project_type}",
    response={200: list[ChecklistItem], **ERR},
    summary="项目类型的风险评估清单",
)
def risk_checklist(request: HttpRequest, project_type: str):
    if not request.actor.can("compliance.view"):
        raise PermissionDenied("无权查看检查整改", code="permission_denied")
    items = checklist.checklist(project_type)
    if project_type not in checklist.BY_TYPE and project_type != "other":
        raise NotFound("未知的项目类型", code="unknown_project_type")
    return [{"code": c, "name": n, "hint": h} for c, n, h in items]


@router.get("/projects/{project_id}/risk", response={200: RiskRead, **ERR}, summary="项目风险评估")
def risk_get(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    risk = selectors.risk_for(actor=request.actor, project=project)
    if risk is None:
        raise NotFound("该项目尚未填报风险评估", code="no_assessment")
    return risk


@router.put("/projects/{project_id}/risk", response={200: RiskRead, **ERR}, summary="填报风险评估")
def risk_put(request: HttpRequest, project_id: str, data: RiskIn):
    project = _project(request, project_id)
    services.risk_assess(
        actor=request.actor,
        project=project,
        items={k: v.dict() for k, v in data.items.items()},
        responsible_person=data.responsible_person,
    )
    return selectors.risk_for(actor=request.actor, project=project)


@router.post(
    "/projects/{project_id}/risk/plan",
    response={200: RiskRead, **ERR},
    summary="上传应急预案（PDF）并明确风险管控责任人",
)
def risk_plan(
    request: HttpRequest,
    project_id: str,
    data: Form[PlanForm],
    emergency_plan: File[UploadedFile] = None,  # type: ignore[assignment]
):
    project = _project(request, project_id)
    services.risk_emergency_plan_file(
        actor=request.actor,
        project=project,
        emergency_plan=emergency_plan,
        responsible_person=data.responsible_person,
    )
    return selectors.risk_for(actor=request.actor, project=project)


@router.get(
    "/projects/{project_id}/inspections",
    response={200: list[InspectionRead], **ERR},
    summary="项目的监督检查记录",
)
def inspection_list(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    return list(selectors.inspections_for(actor=request.actor, project=project)[:500])


@router.post(
    "/projects/{project_id}/inspections",
    response={201: InspectionRead, **ERR},
    summary="开展监督检查",
)
def inspection_create(request: HttpRequest, project_id: str, data: InspectionIn):
    project = _project(request, project_id)
    inspection = services.inspection_create(
        actor=request.actor,
        project=project,
        kind=data.kind,
        inspected_on=data.inspected_on,
        notes=data.notes,
    )
    return Status(201, inspection)


@router.post(
    "/inspections/{inspection_id}/findings",
    response={201: OrderRead, **ERR},
    summary="登记检查问题并下达整改通知单（可附现场照片）",
)
def finding_raise(
    request: HttpRequest,
    inspection_id: str,
    data: Form[FindingForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    pk = _pk(inspection_id, "检查记录")
    inspection = Inspection.objects.select_related("project").filter(pk=pk).first()
    if inspection is None:
        raise NotFound("检查记录不存在", code="inspection_not_found")
    selectors.project_for(actor=request.actor, pk=inspection.project_id)
    organisation = Organisation.objects.filter(pk=data.responsible_organisation_id).first()
    if organisation is None:
        raise ValidationFailed("责任单位不存在", code="unknown_organisation")
    order = services.finding_raise(
        actor=request.actor,
        inspection=inspection,
        type=data.type,
        severity=data.severity,
        description=data.description,
        location=data.location,
        responsible_organisation=organisation,
        photos=photos or [],
        due_on=data.due_on,
        stop_work=data.stop_work,
    )
    return Status(201, _reload(order))


@router.get("/orders", response={200: list[OrderRead], **ERR}, summary="整改通知单列表")
def order_list(request: HttpRequest, q: Query[OrderQuery]):
    qs = selectors.orders_visible_to(actor=request.actor)
    if q.project_id is not None:
        qs = qs.filter(project_id=q.project_id if 0 < q.project_id <= ID_MAX else 0)
    if q.status:
        qs = qs.filter(status=q.status[:20])
    return list(qs.order_by("-issued_on", "-pk")[:500])


@router.get("/orders/{order_id}", response={200: OrderRead, **ERR}, summary="整改通知单")
def order_get(request: HttpRequest, order_id: str):
    return _order(request, order_id)


@router.get("/orders/{order_id}/pdf", response={200: None, **ERR}, summary="整改通知单 PDF")
def order_pdf(request: HttpRequest, order_id: str):
    order = _order(request, order_id)
    response = HttpResponse(pdf.order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@router.post(
    "/orders/{order_id}/answer",
    response={200: OrderRead, **ERR},
    summary="责任单位回复整改情况（附证明材料）",
)
def order_answer(
    request: HttpRequest,
    order_id: str,
    data: Form[AnswerForm],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    order = _order(request, order_id)
    services.order_answer(actor=request.actor, order=order, text=data.text, files=files or [])
    return _reload(order)


@router.post("/orders/{order_id}/reinspect", response={200: OrderRead, **ERR}, summary="整改复查")
def order_reinspect(request: HttpRequest, order_id: str, data: ReinspectIn):
    order = _order(request, order_id)
    services.order_reinspect(
        actor=request.actor,
        order=order,
        result=data.result,
        note=data.note,
        inspected_on=data.inspected_on,
    )
    return _reload(order)


@router.get(
    "/organisations/{organisation_id}/consecutive-failures",
    response={200: FailuresRead, **ERR},
    summary="责任单位连续整改不合格次数",
)
def failures(request: HttpRequest, organisation_id: str):
    if not request.actor.can("compliance.view"):
        raise PermissionDenied("无权查看检查整改", code="permission_denied")
    pk = _pk(organisation_id, "机构")
    if not Organisation.objects.filter(pk=pk).exists():
        raise NotFound("机构不存在", code="not_found")
    return {"organisation_id": pk, "consecutive_failures": selectors.consecutive_failures(pk)}
