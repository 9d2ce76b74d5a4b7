"""The contract's 预付款与质量保证金 page (a tab of the contract) and its one action endpoint:
each party sees the forms of the steps that are its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jianguan.contracts.selectors import party_roles
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.cost.payments import selectors, services
from jianguan.cost.payments import workflow as wf

VIEW = "cost_payments.view"


def _may(request: HttpRequest, contract) -> dict[str, bool]:
    actor = request.actor
    roles = party_roles(actor=actor, contract=contract)
    payer = "finance_bureau" if contract.finance_bureau_id else "employer"
    return {
        "decide": "employer" in roles and actor.can("cost_payments.decide"),
        "request": "contractor" in roles and actor.can("cost_payments.request"),
        "pay": payer in roles and actor.can("cost_payments.pay"),
    }


def _page(request: HttpRequest, contract, *, error: str = "", status: int = 200) -> HttpResponse:
    data = selectors.overview(contract)
    ctx = {
        "c": contract,
        "tab": "cost_payments",
        "may": _may(request, contract),
        "error": error,
        "today": today_local(),
        "advance_statuses": wf.ADVANCE_STATUSES,
        "release_statuses": wf.RELEASE_STATUSES,
        "post": request.POST if request.method == "POST" else {},
        **data,
    }
    return render(request, "cost_payments/contract.html", ctx, status=status)


@require_GET
@permission_required(VIEW)
def contract_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.contract_for(actor=request.actor, pk=pk))


def _day(raw: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw or "").strip()[:10])
    except ValueError:
        raise ValidationFailed(f"请填写{what}（年-月-日）", code="bad_date") from None


def _id(raw: Any) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else 0


@require_POST
@permission_required(VIEW)
def contract_act(request: HttpRequest, pk: int) -> HttpResponse:
    actor, p = request.actor, request.POST
    contract = selectors.contract_for(actor=actor, pk=pk)
    action = p.get("action", "")
    try:
        if action == "terms":
            services.advance_terms_set(
                actor=actor,
                contract=contract,
                start_ratio=p.get("start_ratio"),
                rate=p.get("rate"),
                defects_period_months=p.get("defects_period_months"),
            )
            done = "已保存预付款扣回方式与缺陷责任期"
        elif action == "advance_request":
            services.advance_request(
                actor=actor,
                contract=contract,
                amount=p.get("amount"),
                guarantee_number=p.get("guarantee_number"),
                guarantee_issuer=p.get("guarantee_issuer"),
                guarantee_amount=p.get("guarantee_amount"),
                guarantee_expires_on=_day(p.get("guarantee_expires_on"), "保函有效期"),
            )
            done = "已提交预付款申请，等待建设单位审批"
        elif action in ("advance_approve", "advance_reject"):
            advance = selectors.advance_get(actor=actor, pk=_id(p.get("advance")))
            services.advance_decide(
                actor=actor,
                advance=advance,
                approve=action == "advance_approve",
                opinion=p.get("opinion", ""),
            )
            done = "已批准预付款" if action == "advance_approve" else "已退回预付款申请"
        elif action == "advance_pay":
            advance = selectors.advance_get(actor=actor, pk=_id(p.get("advance")))
            services.advance_pay(
                actor=actor,
                advance=advance,
                paid_on=_day(p.get("paid_on"), "支付日期"),
                reference=p.get("reference"),
            )
            done = "已登记预付款支付"
        elif action == "hold_add":
            services.retention_hold_add(
                actor=actor, contract=contract, amount=p.get("amount"), reason=p.get("reason")
            )
            done = "已暂扣质量保证金"
        elif action == "hold_lift":
            hold = selectors.hold_get(actor=actor, pk=_id(p.get("hold")))
            services.retention_hold_lift(actor=actor, hold=hold)
            done = "已解除暂扣"
        elif action == "release_request":
            services.retention_release_request(
                actor=actor, contract=contract, amount=p.get("amount")
            )
            done = "已申请返还质量保证金，等待建设单位核实"
        elif action in ("release_confirm", "release_reject"):
            release = selectors.release_get(actor=actor, pk=_id(p.get("release")))
            services.retention_release_decide(
                actor=actor,
                release=release,
                approve=action == "release_confirm",
                opinion=p.get("opinion", ""),
            )
            done = "已确认返还" if action == "release_confirm" else "已不予确认返还"
        elif action == "release_pay":
            release = selectors.release_get(actor=actor, pk=_id(p.get("release")))
            services.retention_release_pay(
                actor=actor,
                release=release,
                paid_on=_day(p.get("paid_on"), "支付日期"),
                reference=p.get("reference"),
            )
            done = "已登记质量保证金返还支付"
        else:
            raise ValidationFailed("未知操作", code="bad_action")
    except DomainError as exc:
        return _page(request, contract, error=exc.message, status=exc.status)
    messages.success(request, done)
    return redirect("cost_payments:contract", pk=contract.pk)
