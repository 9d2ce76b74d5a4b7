"""The wage pages: a project's 农民工工资 page (account, rates, payrolls), a payroll's page
(confirm, signatures, payment per worker) and the printable rights-notice board; an arrears
case's page is in arrears/views.py. A refused action re-renders its page with the Chinese
message and the error's status."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jianguan.accounts.models import Organisation
from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Participant
from jianguan.smartsite.wages import forms, selectors, services, workflow
from jianguan.smartsite.wages.models import Payroll, WageArrears
from jianguan.smartsite.wages.signatures import services as signature_services
from jianguan.smartsite.workers import selectors as worker_selectors
from jianguan.smartsite.workers.selectors import OWN

EMPLOYER_ROLES = ("general_contractor", "labour_subcontractor", "specialist_subcontractor")


def _scope(request: HttpRequest, pk: int) -> worker_selectors.Scope:
    return worker_selectors.project_scope(actor=request.actor, pk=pk)


def _employers(scope: worker_selectors.Scope) -> list[Organisation]:
    ids = Participant.objects.filter(
        project=scope.project, is_active=True, role__in=EMPLOYER_ROLES
    ).values_list("organisation_id", flat=True)
    if scope.reach == OWN:
        ids = [scope.organisation_id]
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))


def _render_wages(request, scope, *, status: int = 200, **forms_bound) -> HttpResponse:
    actor, today = request.actor, today_local()
    employers = _employers(scope)
    account = selectors.account(scope)
    can_manage = actor.can("smartsite.wages_manage") and scope.is_gc
    can_rates = actor.can("smartsite.pay_rates_set") and (scope.is_gc or scope.reach == OWN)
    contracts = worker_selectors.contracts(scope)[:300]
    initial_account = (
        {
            "bank": account.bank,
            # never shown in full on a page: a change re-enters it
            "opened_on": account.opened_on,
            "pay_day": account.pay_day,
            "labour_officer_name": account.labour_officer_name,
            "labour_officer_phone": account.labour_officer_phone,
        }
        if account
        else {"opened_on": today, "pay_day": 15}
    )
    last_month = workflow.add_months(workflow.first_of_month(today), -1)
    ctx = {
        "project": scope.project,
        "scope": scope,
        "account": account,
        "rates": list(selectors.pay_rates(scope)[:200]),
        "payrolls": list(selectors.payrolls(scope)[:200]),
        "can": {"manage": can_manage, "rates": can_rates},
        "account_form": forms_bound.get("account_form")
        or forms.AccountForm(initial=initial_account),
        "rate_form": forms_bound.get("rate_form")
        or forms.RateForm(employers=employers, contracts=contracts),
        "draft_form": forms_bound.get("draft_form")
        or forms.DraftForm(employers=employers, initial={"month": f"{last_month:%Y-%m}"}),
        "status_labels": workflow.STATUS,
    }
    return render(request, "smartsite/wages/project.html", ctx, status=status)


@permission_required("smartsite.view")
def project_wages(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_wages(request, _scope(request, pk))


def _refused(request, exc: DomainError, form, key: str, scope) -> HttpResponse:
    form.add_error(None, exc.message)
    messages.error(request, exc.message)
    return _render_wages(request, scope, status=exc.status, **{key: form})


@require_POST
@permission_required("smartsite.wages_manage")
def account_save(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    form = forms.AccountForm(request.POST)
    if not form.is_valid():
        return _render_wages(request, scope, status=400, account_form=form)
    try:
        services.wage_account_save(actor=request.actor, project=scope.project, **form.cleaned_data)
    except DomainError as exc:
        return _refused(request, exc, form, "account_form", scope)
    messages.success(request, "已保存工资专用账户信息")
    return redirect(reverse("smartsite:wages", args=[pk]))


@require_POST
@permission_required("smartsite.pay_rates_set")
def rate_set(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    contracts = worker_selectors.contracts(scope)
    form = forms.RateForm(request.POST, employers=_employers(scope), contracts=contracts[:300])
    if not form.is_valid():
        return _render_wages(request, scope, status=400, rate_form=form)
    data = form.cleaned_data
    try:
        services.pay_rate_set(
            actor=request.actor,
            project=scope.project,
            daily_rate=data["daily_rate"],
            contract=contracts.filter(pk=data["contract"]).first() if data["contract"] else None,
            employer=Organisation.objects.filter(pk=data["employer"]).first()
            if data["employer"]
            else None,
            trade=data["trade"] if not data["contract"] else "",
        )
    except DomainError as exc:
        return _refused(request, exc, form, "rate_form", scope)
    messages.success(request, "已设定日工资标准")
    return redirect(reverse("smartsite:wages", args=[pk]) + "#rates")


@require_POST
@permission_required("smartsite.wages_manage")
def payroll_draft(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    form = forms.DraftForm(request.POST, employers=_employers(scope))
    if not form.is_valid():
        return _render_wages(request, scope, status=400, draft_form=form)
    try:
        month = dt.datetime.strptime(form.cleaned_data["month"], "%Y-%m").date()
    except ValueError:
        form.add_error("month", "月份格式应为 YYYY-MM")
        return _render_wages(request, scope, status=400, draft_form=form)
    try:
        payroll = services.payroll_draft(
            actor=request.actor,
            project=scope.project,
            employer=Organisation.objects.get(pk=form.cleaned_data["employer"]),
            month=month,
        )
    except DomainError as exc:
        return _refused(request, exc, form, "draft_form", scope)
    messages.success(request, f"已编制{payroll}")
    return redirect(reverse("smartsite:payroll", args=[payroll.pk]))


def _payroll(request: HttpRequest, pk: int) -> tuple[worker_selectors.Scope, Payroll]:
    project_id = Payroll.objects.filter(pk=pk).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound("工资表不存在或无权查看", code="payroll_not_found")
    scope = _scope(request, project_id)
    return scope, selectors.payroll(scope, pk)


def _render_payroll(request, scope, payroll, *, status=200, **bound) -> HttpResponse:
    actor, today = request.actor, today_local()
    is_gc = actor.can("smartsite.wages_manage") and scope.is_gc
    ctx = {
        "project": scope.project,
        "payroll": payroll,
        "lines": list(selectors.lines(payroll)),
        "arrears": WageArrears.objects.filter(payroll=payroll).first(),
        "can": {
            "confirm": actor.can("smartsite.payroll_confirm")
            and actor.organisation_id == payroll.employer_id
            and payroll.status == workflow.DRAFT,
            "sign": is_gc and payroll.status == workflow.CONFIRMED,
            "sign_lines": is_gc
            and payroll.status in (workflow.CONFIRMED, workflow.SIGNED, workflow.PARTLY_PAID),
            "pay": is_gc and payroll.status in (workflow.SIGNED, workflow.PARTLY_PAID),
        },
        "sheet_form": bound.get("sheet_form") or forms.SheetForm(initial={"signed_on": today}),
        "sign_methods": workflow.SIGN_METHODS,
        "today": today,
    }
    return render(request, "smartsite/wages/payroll.html", ctx, status=status)


@permission_required("smartsite.view")
def payroll(request: HttpRequest, pk: int) -> HttpResponse:
    scope, obj = _payroll(request, pk)
    return _render_payroll(request, scope, obj)


def _payroll_refused(request, scope, obj, exc: DomainError, **bound) -> HttpResponse:
    messages.error(request, exc.message)
    obj.refresh_from_db()
    return _render_payroll(request, scope, obj, status=exc.status, **bound)


@require_POST
@permission_required("smartsite.payroll_confirm")
def payroll_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    scope, obj = _payroll(request, pk)
    try:
        services.payroll_confirm(actor=request.actor, payroll=obj)
    except DomainError as exc:
        return _payroll_refused(request, scope, obj, exc)
    messages.success(request, "已确认本月工作量和工资表")
    return redirect(reverse("smartsite:payroll", args=[pk]))


@require_POST
@permission_required("smartsite.wages_manage")
def payroll_sign(request: HttpRequest, pk: int) -> HttpResponse:
    scope, obj = _payroll(request, pk)
    form = forms.SheetForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_payroll(request, scope, obj, status=400, sheet_form=form)
    try:
        services.payroll_signatures_record(
            actor=request.actor,
            payroll=obj,
            sheet=form.cleaned_data["sheet"],
            signed_on=form.cleaned_data["signed_on"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _payroll_refused(request, scope, obj, exc, sheet_form=form)
    messages.success(request, "已登记工人签字")
    return redirect(reverse("smartsite:payroll", args=[pk]))


@require_POST
@permission_required("smartsite.wages_manage")
def payroll_line_sign(request: HttpRequest, pk: int) -> HttpResponse:
    scope, obj = _payroll(request, pk)
    form = forms.LineSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择工人和确认方式")
        return _render_payroll(request, scope, obj, status=400)
    try:
        line = signature_services.payroll_line_sign(
            actor=request.actor,
            payroll=obj,
            worker_id=form.cleaned_data["worker"],
            method=form.cleaned_data["method"],
        )
    except DomainError as exc:
        return _payroll_refused(request, scope, obj, exc)
    messages.success(request, f"已登记 {line.worker.name} 本人签字确认")
    return redirect(reverse("smartsite:payroll", args=[pk]) + "#lines")


@require_POST
@permission_required("smartsite.wages_manage")
def payroll_line_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    scope, obj = _payroll(request, pk)
    form = forms.LineDisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写异议原因")
        return _render_payroll(request, scope, obj, status=400)
    try:
        line = signature_services.payroll_line_dispute(
            actor=request.actor,
            payroll=obj,
            worker_id=form.cleaned_data["worker"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return _payroll_refused(request, scope, obj, exc)
    messages.warning(request, f"已登记 {line.worker.name} 的异议，该工人暂不发放")
    return redirect(reverse("smartsite:payroll", args=[pk]) + "#lines")


@require_POST
@permission_required("smartsite.wages_manage")
def payroll_pay(request: HttpRequest, pk: int) -> HttpResponse:
    scope, obj = _payroll(request, pk)
    form = forms.PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写发放金额、日期和银行流水号")
        return _render_payroll(request, scope, obj, status=400)
    data = form.cleaned_data
    try:
        services.wage_pay(
            actor=request.actor,
            payroll=obj,
            worker_id=data["worker"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            bank_reference=data["bank_reference"],
        )
    except DomainError as exc:
        return _payroll_refused(request, scope, obj, exc)
    messages.success(request, "已登记发放")
    return redirect(reverse("smartsite:payroll", args=[pk]) + "#lines")


@permission_required("smartsite.view")
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """维权信息告示牌: printable, or full screen on a site display (?screen=1)."""
    scope = _scope(request, pk)
    board = selectors.notice_board(scope, on=today_local())
    return render(
        request,
        "smartsite/wages/notice.html",
        {"project": scope.project, "board": board, "screen": request.GET.get("screen") == "1"},
    )
