"""Wages API under /api/v1/smartsite: parse → service/selector → schema. Reads are scoped by
the roster's scope (``workers.selectors``); a firm off the project is told it does not exist."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.smartsite.wages import selectors, services
from jianguan.smartsite.wages.arrears.api import router as arrears_router
from jianguan.smartsite.wages.models import Payroll
from jianguan.smartsite.wages.schemas import (
    PayrollDraftIn,
    PayrollLineDisputeIn,
    PayrollLineSignIn,
    PayrollPaymentIn,
    PayrollRead,
    PayrollSignaturesForm,
    WageAccountIn,
    WageAccountRead,
    WageNoticeRead,
    WageRateIn,
    WageRateRead,
)
from jianguan.smartsite.wages.signatures import services as signature_services
from jianguan.smartsite.workers import selectors as worker_selectors
from jianguan.smartsite.workers.models import LabourContract

router = Router(tags=["智慧工地：农民工工资"])
router.add_router("", arrears_router)


def _scope(request: HttpRequest, raw: str) -> worker_selectors.Scope:
    return worker_selectors.project_scope(actor=request.actor, pk=path_id(raw, "项目"))


def _account_read(scope) -> dict:
    acc = selectors.account(scope)
    if acc is None:
        return {"opened": False}
    return {
        "opened": True,
        "holder_name": acc.holder.name,
        "bank": acc.bank,
        "account_masked": acc.account_masked,
        "opened_on": acc.opened_on,
        "pay_day": acc.pay_day,
        "labour_officer_name": acc.labour_officer_name,
        "labour_officer_phone": acc.labour_officer_phone,
    }


@router.get(
    "/projects/{project_id}/wage-account",
    response={200: WageAccountRead, **ERR},
    summary="工资专用账户（账号脱敏）",
)
def wage_account(request: HttpRequest, project_id: str):
    return _account_read(_scope(request, project_id))


@router.post(
    "/projects/{project_id}/wage-account",
    response={200: WageAccountRead, **ERR},
    summary="开设或变更工资专用账户（施工总承包单位）",
)
def wage_account_save(request: HttpRequest, project_id: str, data: WageAccountIn):
    require(request.actor, "smartsite.wages_manage")
    scope = _scope(request, project_id)
    services.wage_account_save(actor=request.actor, project=scope.project, **data.dict())
    return _account_read(scope)


def _rate_read(r) -> dict:
    return {
        "id": r.pk,
        "employer_id": r.employer_id,
        "employer_name": r.employer.name,
        "contract_number": r.contract.number if r.contract else None,
        "worker_name": r.contract.worker.name if r.contract else None,
        "trade": r.trade,
        "trade_label": r.get_trade_display() if r.trade else "",
        "daily_rate": r.daily_rate,
        "set_by": r.set_by,
    }


@router.get(
    "/projects/{project_id}/pay-rates",
    response={200: list[WageRateRead], **ERR},
    summary="日工资标准",
)
def pay_rates(request: HttpRequest, project_id: str):
    return [_rate_read(r) for r in selectors.pay_rates(_scope(request, project_id))[:500]]


@router.post(
    "/projects/{project_id}/pay-rates",
    response={201: WageRateRead, **ERR},
    summary="设定日工资标准（按劳动合同或按工种）",
)
def pay_rate_set(request: HttpRequest, project_id: str, data: WageRateIn):
    require(request.actor, "smartsite.pay_rates_set")
    scope = _scope(request, project_id)
    contract = None
    if data.contract_id is not None:
        contract = LabourContract.objects.filter(pk=data.contract_id, project=scope.project).first()
        if contract is None:
            raise NotFound("劳动合同不存在或不属于本项目", code="contract_not_found")
    employer = None
    if data.employer_id is not None:
        employer = Organisation.objects.filter(pk=data.employer_id).first()
        if employer is None:
            raise NotFound("用工单位不存在", code="employer_not_found")
    rate = services.pay_rate_set(
        actor=request.actor,
        project=scope.project,
        daily_rate=data.daily_rate,
        contract=contract,
        employer=employer,
        trade=data.trade,
    )
    return Status(201, _rate_read(rate))


def _payroll_read(p: Payroll, with_lines: bool = False) -> dict:
    out = {
        "id": p.pk,
        "project_id": p.project_id,
        "employer_id": p.employer_id,
        "employer_name": p.employer.name,
        "month": f"{p.month:%Y-%m}",
        "due_on": p.due_on,
        "status": p.status,
        "status_label": p.get_status_display(),
        "total": p.total,
        "paid": p.paid,
        "owed": p.owed,
        "drafted_by": p.drafted_by,
        "confirmed_by": p.confirmed_by,
        "signed_sheet_sm3": p.signed_sheet_sm3,
        "lines": [],
    }
    if with_lines:
        out["lines"] = [
            {
                "worker_id": ln.worker_id,
                "worker_name": ln.worker.name,
                "trade_label": ln.worker.get_trade_display(),
                "bank_card_masked": ln.worker.bank_card_masked,
                "days": ln.days,
                "daily_rate": ln.daily_rate,
                "amount": ln.amount,
                "paid": ln.paid,
                "owed": ln.owed,
                "signed_on": ln.signed_on,
                "sign_status": ln.sign_status,
                "sign_status_label": ln.get_sign_status_display(),
                "sign_method_label": ln.get_sign_method_display() if ln.sign_method else "",
                "signed_at": ln.signed_at,
                "signature_recorded_by": ln.signature_recorded_by,
                "dispute_reason": ln.dispute_reason,
                "payments": [
                    {"amount": x.amount, "paid_on": x.paid_on, "bank_reference": x.bank_reference}
                    for x in ln.payments.all()
                ],
            }
            for ln in selectors.lines(p)
        ]
    return out


@router.get(
    "/projects/{project_id}/payrolls", response={200: list[PayrollRead], **ERR}, summary="工资表"
)
def payrolls(request: HttpRequest, project_id: str):
    return [_payroll_read(p) for p in selectors.payrolls(_scope(request, project_id))[:500]]


@router.post(
    "/projects/{project_id}/payrolls",
    response={201: PayrollRead, **ERR},
    summary="编制月度工资表（考勤天数 × 日工资）",
)
def payroll_draft(request: HttpRequest, project_id: str, data: PayrollDraftIn):
    require(request.actor, "smartsite.wages_manage")
    scope = _scope(request, project_id)
    try:
        month = dt.datetime.strptime(data.month, "%Y-%m").date()
    except ValueError:
        raise ValidationFailed("月份格式应为 YYYY-MM", code="bad_month") from None
    employer = Organisation.objects.filter(pk=data.employer_id).first()
    if employer is None:
        raise NotFound("用工单位不存在", code="employer_not_found")
    p = services.payroll_draft(
        actor=request.actor, project=scope.project, employer=employer, month=month
    )
    return Status(201, _payroll_read(p, with_lines=True))


def _payroll(request: HttpRequest, project_id: str, payroll_id: str) -> Payroll:
    return selectors.payroll(_scope(request, project_id), path_id(payroll_id, "工资表"))


@router.get(
    "/projects/{project_id}/payrolls/{payroll_id}",
    response={200: PayrollRead, **ERR},
    summary="工资表明细",
)
def payroll_one(request: HttpRequest, project_id: str, payroll_id: str):
    return _payroll_read(_payroll(request, project_id, payroll_id), with_lines=True)


@router.post(
    "/projects/{project_id}/payrolls/{payroll_id}/confirm",
    response={200: PayrollRead, **ERR},
    summary="用工单位确认工资表（第三十一条）",
)
def payroll_confirm(request: HttpRequest, project_id: str, payroll_id: str):
    require(request.actor, "smartsite.payroll_confirm")
    p = services.payroll_confirm(
        actor=request.actor, payroll=_payroll(request, project_id, payroll_id)
    )
    return _payroll_read(p, with_lines=True)


@router.post(
    "/projects/{project_id}/payrolls/{payroll_id}/signatures",
    response={200: PayrollRead, **ERR},
    summary="登记工人签字（上传签字工资表 PDF/JPEG）",
)
def payroll_signatures(
    request: HttpRequest,
    project_id: str,
    payroll_id: str,
    data: Form[PayrollSignaturesForm],
    sheet: File[UploadedFile],
):
    require(request.actor, "smartsite.wages_manage")
    p = services.payroll_signatures_record(
        actor=request.actor,
        payroll=_payroll(request, project_id, payroll_id),
        sheet=sheet,
        signed_on=data.signed_on,
    )
    return _payroll_read(p, with_lines=True)


@router.post(
    "/projects/{project_id}/payrolls/{payroll_id}/lines/{worker_id}/signature",
    response={200: PayrollRead, **ERR},
    summary="登记工人本人签字确认（签字、指纹或人脸，逐人）",
)
def payroll_line_sign(
    request: HttpRequest, project_id: str, payroll_id: str, worker_id: str, data: PayrollLineSignIn
):
    require(request.actor, "smartsite.wages_manage")
    p = _payroll(request, project_id, payroll_id)
    signature_services.payroll_line_sign(
        actor=request.actor, payroll=p, worker_id=path_id(worker_id, "工人"), method=data.method
    )
    p.refresh_from_db()
    return _payroll_read(p, with_lines=True)


@router.post(
    "/projects/{project_id}/payrolls/{payroll_id}/lines/{worker_id}/dispute",
    response={200: PayrollRead, **ERR},
    summary="登记工人对工资表的异议（该工人暂不发放，告知监管部门和用工单位）",
)
def payroll_line_dispute(
    request: HttpRequest,
    project_id: str,
    payroll_id: str,
    worker_id: str,
    data: PayrollLineDisputeIn,
):
    require(request.actor, "smartsite.wages_manage")
    p = _payroll(request, project_id, payroll_id)
    signature_services.payroll_line_dispute(
        actor=request.actor, payroll=p, worker_id=path_id(worker_id, "工人"), reason=data.reason
    )
    p.refresh_from_db()
    return _payroll_read(p, with_lines=True)


@router.post(
    "/projects/{project_id}/payrolls/{payroll_id}/payments",
    response={201: PayrollRead, **ERR},
    summary="从专用账户向工人发放工资（可部分发放）",
)
def payroll_pay(request: HttpRequest, project_id: str, payroll_id: str, data: PayrollPaymentIn):
    require(request.actor, "smartsite.wages_manage")
    p = _payroll(request, project_id, payroll_id)
    services.wage_pay(actor=request.actor, payroll=p, **data.dict())
    p.refresh_from_db()
    return Status(201, _payroll_read(p, with_lines=True))


@router.get(
    "/projects/{project_id}/wage-notice",
    response={200: WageNoticeRead, **ERR},
    summary="维权信息告示牌（第三十四条）",
)
def wage_notice(request: HttpRequest, project_id: str):
    return selectors.notice_board(_scope(request, project_id), on=today_local())
