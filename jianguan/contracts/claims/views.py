"""Pages: a contract's claims tab, a new claim, the claim with its review panel, payments,
the payment certificate PDF, and the reviewers' worklist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.contracts import selectors, workflow
from jianguan.contracts.claims import deductions, pdf
from jianguan.contracts.claims import reviews as review_services
from jianguan.contracts.claims import selectors as claim_selectors
from jianguan.contracts.claims import services as claim_services
from jianguan.contracts.claims.forms import (
    ClaimHeaderForm,
    CutForm,
    PaymentForm,
    ReviewSubmitForm,
    parse_lines,
    typed_lines,
)
from jianguan.contracts.models import BoqItem, Payment, Review
from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import now, today_local

STEPS = [(s, workflow.REVIEW_STAGES[s]) for s in workflow.CHAIN] + [
    (workflow.C_APPROVED, "审定"),
    (workflow.C_PAID, "支付"),
]
STEP_SHORT = {"supervisor": "监理", "owner": "建设单位", "finance": "财政评审", "audit": "审计复审"}


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return "请检查填写的内容"


def _claim(request, cid: int):
    return claim_selectors.claim_get_visible(actor=request.actor, pk=cid)


# --- the claims tab ----------------------------------------------------------------------------


@require_GET
@permission_required("contracts.view")
def claims(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    c = selectors.contract_get_visible(actor=actor, pk=pk)
    rows = list(claim_selectors.claim_list(actor=actor, contract=c))
    for r in rows:
        r.stage_label = workflow.REVIEW_STAGES.get(r.status, "")
    counted = [r for r in rows if r.status != workflow.C_DRAFT]
    payments = (
        Payment.objects.filter(claim__in=[r.pk for r in rows])
        .select_related("claim")
        .order_by("paid_on", "pk")
    )
    ctx = {
        "c": c,
        "tab": "claims",
        "rows": rows,
        "payments": payments,
        "totals": {
            "claimed": sum((r.claimed_value for r in counted), Decimal("0.00")),
            "approved": sum((r.approved_value or 0 for r in counted), Decimal("0.00")),
            "payable": sum((r.payable_amount or 0 for r in counted), Decimal("0.00")),
            "paid": sum((r.paid_amount for r in counted), Decimal("0.00")),
            "retention": sum((r.retention_amount or 0 for r in counted), Decimal("0.00")),
        },
        "stage_labels": workflow.REVIEW_STAGES,
        "can_claim": actor.can("contracts.claim")
        and "contractor" in selectors.party_roles(actor=actor, contract=c)
        and c.status in workflow.IN_FORCE,
    }
    return render(request, "contracts/claims.html", ctx)


# --- a new claim (or a draft's correction) -----------------------------------------------------


def _render_new(request, c, *, form, typed, errors, error="", draft=None, status=200):
    items = list(
        BoqItem.objects.filter(contract=c)
        .order_by("sequence")
        .only("pk", "code", "name", "unit", "unit_rate", "current_quantity", "sequence")
    )
    previous = claim_selectors.approved_quantities(c)
    rows = [
        {
            "item": it,
            "previous": previous.get(it.pk),
            "q": typed.get(it.pk, {}).get("q", ""),
            "n": typed.get(it.pk, {}).get("n", ""),
            "error": errors.get(it.pk, ""),
        }
        for it in items
    ]
    ctx = {
        "c": c,
        "tab": "claims",
        "form": form,
        "rows": rows,
        "filled": sum(1 for r in rows if r["q"]),
        "error": error,
        "line_errors": len(errors),
        "draft": draft,
    }
    return render(request, "contracts/claim_new.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("contracts.claim")
def claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    """GET/POST a new claim; with ?claim=<id> the same page corrects a draft or returned claim."""
    actor = request.actor
    c = selectors.contract_get_visible(actor=actor, pk=pk)
    draft = None
    raw = request.GET.get("claim", "")
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise NotFound("进度款申请不存在或无权查看", code="claim_not_found")
        draft = _claim(request, int(raw))
        if draft.contract_id != c.pk:
            raise NotFound("进度款申请不存在或无权查看", code="claim_not_found")
    if request.method == "GET":
        typed: dict[int, dict] = {}
        initial = {"period_start": today_local().replace(day=1), "period_end": today_local()}
        if draft is not None:
            initial = {"period_start": draft.period_start, "period_end": draft.period_end}
            typed = {
                ln.boq_item_id: {
                    "q": f"{ln.cumulative_quantity.normalize():f}",
                    "n": ln.evidence_note,
                }
                for ln in draft.lines.all()
            }
        return _render_new(
            request, c, form=ClaimHeaderForm(initial=initial), typed=typed, errors={}, draft=draft
        )
    try:
        form = ClaimHeaderForm(request.POST, request.FILES)
        typed = typed_lines(request.POST)
    except TooManyFieldsSent:
        raise ValidationFailed(
            "提交的清单项过多：请启用浏览器脚本后重新填写（页面会合并提交已填写的清单项）",
            code="too_many_fields",
        ) from None
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="bad_lines") from None
    items = BoqItem.objects.filter(contract=c).only("pk")
    lines, errors, typed = parse_lines(typed, items)
    if not form.is_valid() or errors:
        message = _first_error(form) if form.errors else f"有 {len(errors)} 个清单项填写有误"
        return _render_new(
            request,
            c,
            form=form,
            typed=typed,
            errors=errors,
            error=message,
            draft=draft,
            status=400,
        )
    if not lines:
        return _render_new(
            request,
            c,
            form=form,
            typed=typed,
            errors={},
            error="请至少填写一个清单项的累计工程量",
            draft=draft,
            status=400,
        )
    data = form.cleaned_data
    try:
        if draft is None:
            claim_obj = claim_services.claim_create(
                actor=actor,
                contract=c,
                period_start=data["period_start"],
                period_end=data["period_end"],
                lines=lines,
                files=data["files"],
            )
        else:
            claim_obj = claim_services.claim_update(
                actor=actor,
                claim=draft,
                period_start=data["period_start"],
                period_end=data["period_end"],
                lines=lines,
                files=data["files"],
            )
    except DomainError as exc:
        return _render_new(
            request,
            c,
            form=form,
            typed=typed,
            errors={},
            error=exc.message,
            draft=draft,
            status=exc.status,
        )
    messages.success(request, f"已保存进度款申请 {claim_obj.number}，请核对自动校验结果后提交")
    return redirect("contracts:claim", cid=claim_obj.pk)


# --- the claim page ----------------------------------------------------------------------------


def _steps(claim) -> list[dict]:
    status = claim.status
    order = [s for s, _ in STEPS]
    current = order.index(status) if status in order else -1
    return [
        {
            "key": s,
            "label": STEP_SHORT.get(s, label),
            "done": current > i or status == workflow.C_PAID,
            "active": current == i,
        }
        for i, (s, label) in enumerate(STEPS)
    ]


def _pct(value) -> str:
    return f"{Decimal(value) * 100:.2f}%"


def _render_claim(
    request,
    claim,
    *,
    error="",
    checks=None,
    cut_form=None,
    submit_form=None,
    pay_form=None,
    status=200,
):
    actor = request.actor
    view = claim_selectors.claim_view(actor=actor, claim=claim)
    is_draft = claim.status in (workflow.C_DRAFT, workflow.C_RETURNED)
    if checks is None:
        checks = claim_selectors.claim_checks_preview(claim) if is_draft else claim.checks
    may = view.get("may", {})
    rows = [
        {**row, "cells": [row["stages"].get(s) for s in workflow.CHAIN]}
        for row in view.get("lines", [])
    ]
    own = view.get("own_review")
    own_cuts = next(
        (
            rv["cuts"]
            for rv in view.get("reviews", [])
            if own is not None and rv["review"].pk == own.pk
        ),
        [],
    )
    paid_total = claim.paid_amount or Decimal("0.00")
    hide = view.get("hide_approved", False)
    c = claim.contract
    ctx = {
        "c": c,
        "tab": "claims",
        "claim": claim,
        "view": view,
        "may": may,
        "rows": rows,
        "own_cuts": own_cuts,
        "checks": checks or [],
        "is_draft": is_draft,
        "hide_approved": hide,
        "claim_deductions": [] if hide else deductions.lines(claim),
        "claim_net_payable": None if hide else deductions.net_payable(claim),
        "steps": _steps(claim),
        "stages": [(s, STEP_SHORT[s]) for s in workflow.CHAIN],
        "error": error,
        "cut_form": cut_form
        or (CutForm(lines=[r["line"] for r in rows]) if may.get("cut") else None),
        "submit_form": submit_form or (ReviewSubmitForm() if may.get("submit_review") else None),
        "pay_form": pay_form
        or (
            PaymentForm(
                initial={
                    "amount": max(deductions.net_payable(claim) - paid_total, Decimal("0.00")),
                    "paid_on": today_local(),
                }
            )
            if may.get("pay")
            else None
        ),
        "payments": view.get("payments", []),
        "certificate": claim.status in pdf.ISSUABLE,
        "progress": (
            _pct(claim.approved_cumulative_value / c.current_value)
            if claim.approved_cumulative_value is not None and c.current_value
            else "—"
        ),
        "progress_ratio": _pct(c.progress_ratio),
    }
    return render(request, "contracts/claim.html", ctx, status=status)


@require_GET
@permission_required("contracts.view")
def claim(request: HttpRequest, cid: int) -> HttpResponse:
    return _render_claim(request, _claim(request, cid))


@require_POST
@permission_required("contracts.claim")
def claim_submit(request: HttpRequest, cid: int) -> HttpResponse:
    claim_obj = _claim(request, cid)
    try:
        claim_services.claim_submit(actor=request.actor, claim=claim_obj)
    except DomainError as exc:
        claim_obj.refresh_from_db()
        checks = exc.details if exc.code == "claim_checks_failed" else None
        return _render_claim(
            request, claim_obj, error=exc.message, checks=checks, status=exc.status
        )
    messages.success(request, f"已提交进度款申请 {claim_obj.number}，等待监理审核")
    return redirect("contracts:claim", cid=claim_obj.pk)


def _own_review(request, claim_obj):
    view = claim_selectors.claim_view(actor=request.actor, claim=claim_obj)
    review = view.get("own_review")
    if review is None:
        raise NotFound("您尚未开始审核该进度款申请", code="review_not_found")
    return view, review


@require_POST
@permission_required("contracts.review")
def claim_review(request: HttpRequest, cid: int) -> HttpResponse:
    """One form, three actions: `start` the review, `cut` a line, `submit` the review."""
    actor = request.actor
    claim_obj = _claim(request, cid)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            review_services.review_start(actor=actor, claim=claim_obj)
            messages.success(request, "已开始审核")
        elif action == "cut":
            view, review = _own_review(request, claim_obj)
            form = CutForm(request.POST, request.FILES, lines=[r["line"] for r in view["lines"]])
            if not form.is_valid():
                return _render_claim(
                    request, claim_obj, error=_first_error(form), cut_form=form, status=400
                )
            line = next(
                r["line"] for r in view["lines"] if r["line"].pk == form.cleaned_data["line"]
            )
            review_services.review_cut(
                actor=actor,
                review=review,
                line=line,
                accepted_quantity=form.cleaned_data["accepted_quantity"],
                reason=form.cleaned_data["reason"],
                files=form.cleaned_data["files"],
            )
            messages.success(request, f"已记录审减：{line.boq_item.code}")
        elif action == "submit":
            _, review = _own_review(request, claim_obj)
            form = ReviewSubmitForm(request.POST)
            if not form.is_valid():
                return _render_claim(
                    request, claim_obj, error=_first_error(form), submit_form=form, status=400
                )
            review_services.review_submit(
                actor=actor,
                review=review,
                decision=form.cleaned_data["decision"],
                opinion=form.cleaned_data["opinion"],
            )
            messages.success(request, "已提交审核意见")
        else:
            return _render_claim(request, claim_obj, error="未知的操作", status=400)
    except DomainError as exc:
        if exc.status == 404:
            raise
        claim_obj.refresh_from_db()
        return _render_claim(request, claim_obj, error=exc.message, status=exc.status)
    return redirect("contracts:claim", cid=claim_obj.pk)


@require_POST
@permission_required("contracts.pay")
def claim_pay(request: HttpRequest, cid: int) -> HttpResponse:
    claim_obj = _claim(request, cid)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _render_claim(
            request, claim_obj, error=_first_error(form), pay_form=form, status=400
        )
    try:
        claim_services.payment_record(
            actor=request.actor,
            claim=claim_obj,
            amount=form.cleaned_data["amount"],
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
    except DomainError as exc:
        claim_obj.refresh_from_db()
        return _render_claim(
            request, claim_obj, error=exc.message, pay_form=form, status=exc.status
        )
    messages.success(request, "已登记支付")
    return redirect("contracts:claim", cid=claim_obj.pk)


@require_GET
@permission_required("contracts.view")
def certificate(request: HttpRequest, cid: int) -> HttpResponse:
    """The payment certificate: parties and the regulator only, approved or paid claims only."""
    claim_obj = _claim(request, cid)
    if claim_obj.status not in pdf.ISSUABLE:
        raise NotFound("进度款尚未审定，无支付证书", code="certificate_not_available")
    content = pdf.certificate_document(actor=request.actor, claim=claim_obj)
    response = HttpResponse(content, content_type="application/pdf")
    name = quote(f"进度款支付证书_{claim_obj.number}.pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"certificate-{claim_obj.pk}.pdf\"; filename*=UTF-8''{name}"
    )
    return response


# --- the reviewers' worklist -------------------------------------------------------------------


@require_GET
@permission_required("contracts.review")
def worklist(request: HttpRequest) -> HttpResponse:
    """待审: claims waiting at the actor's stage (days since they reached it); 已审: the
    reviews the actor's organisation has submitted."""
    actor = request.actor
    waiting = claim_selectors.worklist(actor=actor)
    arrived: dict[tuple[int, int], dt.datetime] = {}
    for claim_id, rnd, at in Review.objects.filter(
        claim__in=[w.pk for w in waiting], submitted_at__isnull=False
    ).values_list("claim_id", "round", "submitted_at"):
        arrived[(claim_id, rnd)] = max(at, arrived.get((claim_id, rnd), at))
    current = now()
    pending = []
    for cl in waiting:
        since = arrived.get((cl.pk, cl.round)) or cl.submitted_at
        pending.append({"claim": cl, "days": (current - since).days if since else None})
    done = []
    if actor.organisation_id is not None:
        done = list(
            Review.objects.filter(
                organisation_id=actor.organisation_id,
                submitted_at__isnull=False,
                claim__contract__in=selectors.contract_list_visible_to(actor=actor),
            )
            .select_related("claim", "claim__contract", "claim__contract__project")
            .order_by("-submitted_at")[:200]
        )
    ctx = {
        "pending": pending,
        "done": done,
        "tab": "done" if request.GET.get("tab") == "done" else "pending",
    }
    return render(request, "contracts/worklist.html", ctx)
