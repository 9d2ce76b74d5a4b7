"""Compliance API under /api/v1/compliance: parse → service/selector → schema."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.compliance import checklist, pdf, sanctions, selectors, services, workflow
from jianguan.compliance.models import Inspection, RectificationOrder, Sanction
from jianguan.compliance.schemas import (
    AnswerForm,
    AppealIn,
    AppealRead,
    AppealReviewIn,
    BanIn,
    BlacklistIn,
    CardIn,
    ChecklistItem,
    FailuresRead,
    FindingForm,
    InspectionIn,
    InspectionRead,
    OrderRead,
    PlanForm,
    PublicSanctionPage,
    PublicSanctionQuery,
    ReinspectIn,
    RepairIn,
    RiskIn,
    RiskRead,
    SanctionRead,
)
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, ErrorOut, documented
from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Project

router = Router(tags=["检查整改与风险管控"])
ID_MAX = 2**62


class OrderQuery(Schema):
    project_id: int | None = None
    status: str = documented(
        workflow.OrderStatus, blank=True, default="", description="状态（空：全部）"
    )


# The project types that have a risk checklist (a value outside them is a 400 before the view).
ChecklistType = Literal[tuple([*checklist.BY_TYPE, "other"])]  # type: ignore[valid-type]


def _pk(raw: str, what: str) -> int:
    return path_id(raw, what)


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
def risk_checklist(request: HttpRequest, project_type: ChecklistType):
    if not request.actor.can("compliance.view"):
        raise PermissionDenied("无权查看检查整改", code="permission_denied")
    items = checklist.checklist(project_type)
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
    services.finding_access_check(request.actor, inspection)  # before the body is read
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
    content = pdf.order_document(actor=request.actor, order=order)
    response = HttpResponse(content, content_type="application/pdf")
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


# --- cards, blacklist, procurement bans ----------------------------------------------------------


def _sanction_out(s: Sanction) -> dict[str, Any]:
    return {
        **{f: getattr(s, f) for f in SANCTION_FIELDS},
        "kind_label": sanctions.KINDS[s.kind],
        "organisation_name": s.organisation.name,
        "credit_code": s.organisation.credit_code,
        "status": s.status_on(today_local()),
    }


SANCTION_FIELDS = (
    "id number kind organisation_id trigger reason legal_basis automatic issued_by issued_on "
    "effective_from effective_to published_from published_to evidence"
).split()


def _organisation(pk: int) -> Organisation:
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise NotFound("机构不存在", code="not_found")
    return org


def _sanction(request: HttpRequest, raw: str) -> Sanction:
    return selectors.sanction_get_visible_to(actor=request.actor, pk=_pk(raw, "处理决定"))


@router.get(
    "/public/sanctions",
    response={200: PublicSanctionPage, 400: ErrorOut},
    auth=None,
    summary="公开的红黄牌、黑名单及政府采购禁入记录（无需登录）",
)
def public_sanctions(request: HttpRequest, filters: Query[PublicSanctionQuery]):
    if filters.kind and filters.kind not in sanctions.KINDS:
        raise ValidationFailed(f"未知的处理类型：{filters.kind}", code="unknown_sanction_kind")
    qs = selectors.sanctions_public(q=filters.q, kind=filters.kind)
    rows = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_sanction_out(s) for s in rows]}


@router.get("/sanctions", response={200: list[SanctionRead], **ERR}, summary="处理决定列表")
def sanction_list(request: HttpRequest):
    return [_sanction_out(s) for s in selectors.sanctions_visible_to(actor=request.actor)[:500]]


@router.post("/sanctions/cards", response={201: SanctionRead, **ERR}, summary="出示黄牌或红牌")
def card_issue(request: HttpRequest, data: CardIn):
    card = services.card_issue(
        actor=request.actor,
        organisation=_organisation(data.organisation_id),
        kind=data.kind,
        reason=data.reason,
        evidence=data.evidence,
    )
    return Status(201, _sanction_out(card))


@router.post("/sanctions/blacklist", response={201: SanctionRead, **ERR}, summary="列入黑名单")
def blacklist_issue(request: HttpRequest, data: BlacklistIn):
    entry = services.blacklist_issue(
        actor=request.actor,
        organisation=_organisation(data.organisation_id),
        trigger=data.trigger,
        reason=data.reason,
        evidence=data.evidence,
        accident_dates=data.accident_dates,
    )
    return Status(201, _sanction_out(entry))


@router.post(
    "/sanctions/procurement-bans", response={201: SanctionRead, **ERR}, summary="禁止参加政府采购"
)
def procurement_ban_issue(request: HttpRequest, data: BanIn):
    ban = services.procurement_ban_issue(
        actor=request.actor,
        organisation=_organisation(data.organisation_id),
        years=data.years,
        reason=data.reason,
        evidence=data.evidence,
    )
    return Status(201, _sanction_out(ban))


# After the fixed paths above: /sanctions/{sanction_id} would otherwise swallow them (405).
@router.get("/sanctions/{sanction_id}", response={200: SanctionRead, **ERR}, summary="处理决定")
def sanction_get(request: HttpRequest, sanction_id: str):
    return _sanction_out(_sanction(request, sanction_id))


@router.get(
    "/sanctions/{sanction_id}/notice.pdf", response={200: None, **ERR}, summary="决定通知书"
)
def sanction_notice(request: HttpRequest, sanction_id: str):
    sanction = _sanction(request, sanction_id)
    content = pdf.sanction_document(actor=request.actor, sanction=sanction)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sanction.number}.pdf"'
    return response


@router.post(
    "/sanctions/{sanction_id}/appeals", response={201: AppealRead, **ERR}, summary="提出申诉"
)
def appeal_submit(request: HttpRequest, sanction_id: str, data: AppealIn):
    appeal = services.appeal_submit(
        actor=request.actor, sanction=_sanction(request, sanction_id), text=data.text
    )
    return Status(201, appeal)


@router.post("/appeals/{appeal_id}/review", response={200: AppealRead, **ERR}, summary="复核申诉")
def appeal_review(request: HttpRequest, appeal_id: str, data: AppealReviewIn):
    # Only the regulator reviews appeals: the refusal comes before the id is parsed or looked up.
    services.sanctions.require_regulator(request.actor)
    pk = _pk(appeal_id, "申诉")
    appeal = selectors.appeals_pending(actor=request.actor).filter(pk=pk).first()
    if appeal is None:
        raise NotFound("申诉不存在或已复核", code="appeal_not_found")
    return services.appeal_review(
        actor=request.actor, appeal=appeal, decision=data.decision, note=data.note
    )


@router.post(
    "/sanctions/{sanction_id}/repair", response={200: SanctionRead, **ERR}, summary="信用修复"
)
def sanction_repair(request: HttpRequest, sanction_id: str, data: RepairIn):
    sanction = services.sanction_repair(
        actor=request.actor, sanction=_sanction(request, sanction_id), note=data.note
    )
    return _sanction_out(sanction)
