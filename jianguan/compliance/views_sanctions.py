"""Pages for cards, blacklist entries and procurement bans: the public list (no login), the
regulator's issuing and appeal review, the sanctioned organisation's appeal."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jianguan.accounts.models import Organisation
from jianguan.compliance import pdf, sanctions, selectors, services
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """公开：current red/yellow cards, blacklist entries and procurement bans, no login."""
    q = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("kind") or ""
    if kind not in sanctions.KINDS:
        kind = ""
    page = Paginator(selectors.sanctions_public(q=q, kind=kind), 50).get_page(
        request.GET.get("page")
    )
    ctx = {"page": page, "q": q, "kind": kind, "kinds": sanctions.KINDS, "today": today_local()}
    return render(request, "compliance/public_sanctions.html", ctx)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()][:50]


def _render_index(request, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    ctx = {
        # ?kind=, ?in_force=1: the dashboard's counts of sanctions in force link here.
        "sanctions": selectors.sanction_filters(
            selectors.sanctions_visible_to(actor=actor), request.GET, today_local()
        )[:300],
        "appeals": selectors.appeals_pending(actor=actor)[:100],
        "can_issue": actor.is_kind("regulator") and actor.can("compliance.sanction_issue"),
        "organisations": Organisation.objects.exclude(kind="regulator").order_by("name")[:1000],
        "kinds": sanctions.KINDS,
        "statuses": sanctions.STATUSES,
        "triggers": sanctions.TRIGGERS,
        "today": today_local(),
        "error": error,
    }
    return render(request, "compliance/sanctions.html", ctx, status=status)


@require_GET
@permission_required("compliance.view")
def index(request: HttpRequest) -> HttpResponse:
    return _render_index(request)


def _org(raw: str) -> Organisation:
    org = Organisation.objects.filter(pk=int(raw)).first() if (raw or "").isdigit() else None
    if org is None or len(raw) > 18:
        raise ValidationFailed("请选择被处理单位", code="organisation_missing")
    return org


@require_POST
@permission_required("compliance.view")
def issue(request: HttpRequest) -> HttpResponse:
    services.require_regulator(request.actor)  # a 403 before the form is read
    post = request.POST
    what = post.get("what", "")
    try:
        org = _org(post.get("organisation", ""))
        common = dict(
            actor=request.actor,
            organisation=org,
            reason=post.get("reason", ""),
            evidence=_lines(post.get("evidence", "")),
        )
        if what == "card":
            sanction = services.card_issue(kind=post.get("kind", ""), **common)
        elif what == "blacklist":
            dates = []
            for line in _lines(post.get("accident_dates", "")):
                try:
                    dates.append(dt.date.fromisoformat(line))
                except ValueError:
                    raise ValidationFailed(
                        f"事故日期格式不正确：{line[:20]}", code="bad_date"
                    ) from None
            sanction = services.blacklist_issue(
                trigger=post.get("trigger", ""), accident_dates=dates, **common
            )
        elif what == "ban":
            years = post.get("years", "")
            if not years.isdigit() or len(years) > 3:
                raise ValidationFailed("禁入期限须为整数年", code="bad_ban_period")
            sanction = services.procurement_ban_issue(years=int(years), **common)
        else:
            raise ValidationFailed("未知的处理类型", code="unknown_sanction_kind")
    except DomainError as exc:
        return _render_index(request, error=exc.message, status=exc.status)
    messages.success(request, f"已作出{sanction.get_kind_display()}决定 {sanction.number}")
    return redirect("compliance:sanction", pk=sanction.pk)


def _render_detail(request, sanction, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    regulator = actor.is_kind("regulator") and actor.can("compliance.sanction_issue")
    pending = sanction.appeals.filter(status=sanctions.APPEAL_SUBMITTED).first()
    ctx = {
        "sanction": sanction,
        "lines": pdf.sanction_lines(sanction),
        "appeals": sanction.appeals.all(),
        "pending": pending,
        "can_appeal": actor.organisation_id == sanction.organisation_id
        and actor.has_role("admin", "staff")
        and sanction.status == sanctions.ACTIVE
        and pending is None,
        "can_review": regulator and pending is not None,
        "can_repair": regulator and sanction.status == sanctions.ACTIVE,
        "error": error,
    }
    return render(request, "compliance/sanction.html", ctx, status=status)


def _sanction(request, pk):
    return selectors.sanction_get_visible_to(actor=request.actor, pk=pk)


@require_GET
@permission_required("compliance.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _sanction(request, pk))


@require_POST
@permission_required("compliance.view")
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """Appeal (the organisation), review an appeal or repair (the regulator)."""
    sanction = _sanction(request, pk)
    post, actor = request.POST, request.actor
    action = post.get("action", "")
    try:
        if action == "appeal":
            services.appeal_submit(actor=actor, sanction=sanction, text=post.get("text", ""))
            done = "已提交申诉，等待监管部门复核"
        elif action == "review":
            appeal = sanction.appeals.filter(status=sanctions.APPEAL_SUBMITTED).first()
            if appeal is None:
                raise ValidationFailed("没有待复核的申诉", code="appeal_not_found")
            services.appeal_review(
                actor=actor,
                appeal=appeal,
                decision=post.get("decision", ""),
                note=post.get("note", ""),
            )
            done = "已复核申诉"
        elif action == "repair":
            services.sanction_repair(actor=actor, sanction=sanction, note=post.get("note", ""))
            done = "已完成信用修复"
        else:
            raise ValidationFailed("未知的操作", code="unknown_action")
    except DomainError as exc:
        return _render_detail(request, sanction, error=exc.message, status=exc.status)
    messages.success(request, done)
    return redirect("compliance:sanction", pk=sanction.pk)


@require_GET
@permission_required("compliance.view")
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = _sanction(request, pk)
    content = pdf.sanction_document(actor=request.actor, sanction=sanction)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sanction.number}.pdf"'
    return response
