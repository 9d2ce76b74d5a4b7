"""Wage arrears over the API (under /api/v1/smartsite, attached to the wages router): the cases
whoever may see them reads, and the regulator's decision on one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.permissions import require
from jianguan.smartsite.wages import selectors
from jianguan.smartsite.wages.arrears import services
from jianguan.smartsite.wages.models import WageArrears
from jianguan.smartsite.wages.schemas import WageArrearsDecisionIn, WageArrearsRead

router = Router()  # tagged by the wages router it is attached to


def _arrears_read(a: WageArrears) -> dict:
    return {
        "id": a.pk,
        "project_id": a.project_id,
        "project_name": a.project.name,
        "payroll_id": a.payroll_id,
        "missing_sheet": a.missing_sheet,
        "worker_days": a.worker_days,
        "employer_name": a.employer.name,
        "month": f"{a.month:%Y-%m}",
        "due_on": a.due_on,
        "found_on": a.found_on,
        "owed": a.owed,
        "repeated": a.repeated,
        "status": a.status,
        "status_label": a.get_status_display(),
        "credit_record_id": a.credit_record_id,
    }


@router.get("/wage-arrears", response={200: list[WageArrearsRead], **ERR}, summary="欠薪记录")
def wage_arrears(request: HttpRequest):
    qs = selectors.arrears_visible_to(actor=request.actor).order_by("-found_on", "-pk")[:500]
    return [_arrears_read(a) for a in qs]


@router.post(
    "/wage-arrears/{arrears_id}/decision",
    response={200: WageArrearsRead, **ERR},
    summary="监管部门认定欠薪（屡次拖欠记入信用）",
)
def wage_arrears_decide(request: HttpRequest, arrears_id: str, data: WageArrearsDecisionIn):
    require(request.actor, "smartsite.wage_arrears_decide")
    a = selectors.arrears_one(actor=request.actor, pk=path_id(arrears_id, "欠薪记录"))
    decide = services.arrears_confirm if data.decision == "confirm" else services.arrears_dismiss
    return _arrears_read(decide(actor=request.actor, arrears=a, note=data.note))
