"""投资控制与跟踪审计 over the API (/api/v1/cost/control/...): a project's figures, the owner's
plan and monthly payment plan, the S-curve's months, the district summary; the tracking feed,
the engagement, opinions, answers and confirmations. Writes check the grant first (403)
before the body is read (400)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.timeutil import today_local
from jianguan.cost.control import curve, district, selectors, services, workflow
from jianguan.cost.control.models import Engagement, Opinion
from jianguan.cost.control.schemas import (
    CostControlAnswerIn,
    CostControlDistrict,
    CostControlDistrictFilter,
    CostControlEngagementIn,
    CostControlEngagementOut,
    CostControlFeedItem,
    CostControlFigures,
    CostControlMonthOut,
    CostControlOpinionFilter,
    CostControlOpinionIn,
    CostControlOpinionOut,
    CostControlPaymentPlanIn,
    CostControlPlanIn,
)

router = Router(tags=["投资控制与跟踪审计"])
VIEW = "cost_control.view"


def _project(request: HttpRequest, project_id: str):
    return selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))


def figures_out(project) -> dict:
    f = selectors.project_figures(project)
    return {
        "project_id": project.pk,
        "project_name": project.name,
        **{
            k: getattr(f, k)
            for k in (
                "estimate",
                "budget",
                "budget_source",
                "contract_price",
                "variations_approved",
                "contract_current",
                "variations_pending",
                "contingency",
                "paid",
                "forecast",
                "forecast_deviation",
                "forecast_ratio",
                "settled",
            )
        },
    }


def opinion_out(o: Opinion) -> dict:
    return {
        "id": o.pk,
        "number": o.number,
        "project_id": o.project_id,
        "contract_number": o.contract.number,
        "subject_kind": o.subject_kind,
        "subject_kind_label": workflow.SUBJECT_KINDS[o.subject_kind],
        "subject_id": o.subject_id,
        "subject_label": o.subject_label,
        "text": o.text,
        "firm_name": o.engagement.firm.name,
        "raised_by_name": selectors.name_of(o.raised_by),
        "raised_at": o.created_at,
        "due_on": o.due_on,
        "status": o.status,
        "status_label": workflow.STATUSES[o.status],
        "answer": o.answer,
        "answered_by_name": selectors.name_of(o.answered_by) if o.answered_by_id else "",
        "answered_at": o.answered_at,
    }


def engagement_out(e: Engagement) -> dict:
    return {
        "id": e.pk,
        "project_id": e.project_id,
        "firm_name": e.firm.name,
        "engaged_by_name": e.engaged_by_org.name,
        "reference": e.reference,
        "started_on": e.started_on,
        "ended_on": e.ended_on,
    }


@router.get(
    "/control/projects/{project_id}/figures",
    response={200: CostControlFigures, **ERR},
    auth=permitted(VIEW),
    summary="项目投资控制：概算、预算、合同价、变更、已付、预测总投资、结算及偏差",
)
def figures(request: HttpRequest, project_id: str):
    return figures_out(_project(request, project_id))


@router.put(
    "/control/projects/{project_id}/plan",
    response={200: CostControlFigures, **ERR},
    auth=permitted("cost_control.plan"),
    summary="填报预算与预留不可预见费（建设单位）",
)
def plan_update(request: HttpRequest, project_id: str, data: CostControlPlanIn):
    project = _project(request, project_id)
    services.cost_plan_update(
        actor=request.actor,
        project=project,
        budget_amount=data.budget_amount,
        contingency=data.contingency,
        note=data.note,
    )
    return figures_out(project)


@router.put(
    "/control/projects/{project_id}/payment-plan",
    response={200: list[CostControlMonthOut], **ERR},
    auth=permitted("cost_control.plan"),
    summary="填报资金支付计划（按月；金额为 0 删除该月）",
)
def payment_plan(request: HttpRequest, project_id: str, data: CostControlPaymentPlanIn):
    project = _project(request, project_id)
    services.payment_plan_set(
        actor=request.actor, project=project, months=[m.dict() for m in data.months]
    )
    return _curve(project)


def _curve(project) -> list[dict]:
    return curve.series(
        selectors.payment_plan(project), selectors.payments_made(project), until=today_local()
    )


@router.get(
    "/control/projects/{project_id}/payment-curve",
    response={200: list[CostControlMonthOut], **ERR},
    auth=permitted(VIEW),
    summary="资金支付S曲线：逐月计划与实际支付及累计",
)
def payment_curve(request: HttpRequest, project_id: str):
    return _curve(_project(request, project_id))


@router.get(
    "/control/district",
    response={200: CostControlDistrict, **ERR},
    auth=permitted("cost_control.district"),
    summary="全区投资控制汇总：按建设单位、乡镇街道、项目类型",
)
def district_summary(request: HttpRequest, filters: Query[CostControlDistrictFilter]):
    out = district.summary(owner_id=filters.owner, town_id=filters.town, project_type=filters.type)
    out["total"] = {"name": "全区", **out["total"]}
    return out


@router.get(
    "/control/projects/{project_id}/tracking",
    response={200: list[CostControlFeedItem], **ERR},
    auth=permitted(VIEW),
    summary="跟踪审计动态：已提交的变更、进度款申请、审核与支付",
)
def tracking_feed(request: HttpRequest, project_id: str):
    return selectors.feed(_project(request, project_id), actor=request.actor)


@router.post(
    "/control/projects/{project_id}/engagements",
    response={201: CostControlEngagementOut, **ERR},
    auth=permitted("cost_control.engage"),
    summary="委托全过程跟踪审计（建设单位或财政部门）",
)
def engage(request: HttpRequest, project_id: str, data: CostControlEngagementIn):
    project = _project(request, project_id)
    e = services.engagement_create(
        actor=request.actor,
        project=project,
        firm_id=data.firm_id,
        reference=data.reference,
        started_on=data.started_on,
    )
    return Status(201, engagement_out(e))


@router.get(
    "/control/projects/{project_id}/opinions",
    response={200: list[CostControlOpinionOut], **ERR},
    auth=permitted(VIEW),
    summary="项目的跟踪审计意见",
)
def opinions(request: HttpRequest, project_id: str, filters: Query[CostControlOpinionFilter]):
    project = _project(request, project_id)
    return [opinion_out(o) for o in selectors.opinions_of(project, status=filters.status)[:500]]


@router.post(
    "/control/projects/{project_id}/opinions",
    response={201: CostControlOpinionOut, **ERR},
    auth=permitted("cost_control.opinion"),
    summary="出具跟踪审计意见（受托审计单位）",
)
def opinion_create(request: HttpRequest, project_id: str, data: CostControlOpinionIn):
    project = _project(request, project_id)
    o = services.opinion_raise(
        actor=request.actor,
        project=project,
        subject_kind=data.subject_kind,
        subject_id=data.subject_id,
        text=data.text,
    )
    return Status(201, opinion_out(selectors.opinion_get(actor=request.actor, pk=o.pk)))


def _opinion(request: HttpRequest, opinion_id: str) -> Opinion:
    return selectors.opinion_get(actor=request.actor, pk=path_id(opinion_id, "审计意见"))


@router.get(
    "/control/opinions/{opinion_id}",
    response={200: CostControlOpinionOut, **ERR},
    auth=permitted(VIEW),
    summary="一条跟踪审计意见及其答复",
)
def opinion_get(request: HttpRequest, opinion_id: str):
    return opinion_out(_opinion(request, opinion_id))


@router.post(
    "/control/opinions/{opinion_id}/answer",
    response={200: CostControlOpinionOut, **ERR},
    auth=permitted("cost_control.answer"),
    summary="答复跟踪审计意见（本项目建设单位）",
)
def opinion_answer(request: HttpRequest, opinion_id: str, data: CostControlAnswerIn):
    o = _opinion(request, opinion_id)
    services.opinion_answer(actor=request.actor, opinion=o, text=data.text)
    return opinion_out(_opinion(request, opinion_id))


@router.post(
    "/control/opinions/{opinion_id}/close",
    response={200: CostControlOpinionOut, **ERR},
    auth=permitted("cost_control.opinion"),
    summary="确认建设单位的答复并关闭意见（出具意见的审计单位）",
)
def opinion_close(request: HttpRequest, opinion_id: str):
    o = _opinion(request, opinion_id)
    services.opinion_close(actor=request.actor, opinion=o)
    return opinion_out(_opinion(request, opinion_id))
