"""招标委托 pages: the owner entrusts a tender agency with a project's tendering (with the
signed 委托合同 PDF), sees and withdraws its entrustments; the agency sees what it has been
entrusted with; regulators see all. Each POST calls one service."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.accounts.models import Organisation
from jianguan.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.projects.models import Project
from jianguan.tendering import access, selectors, services
from jianguan.tendering.models import Entrustment

PAGE_SIZE = 30


def _may_entrust(actor) -> bool:
    return actor.can("tendering.manage") and not actor.is_kind("tender_agency")


def _date(raw: str | None, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        raise ValidationFailed(f"请填写{label}（年-月-日）", code="date_missing") from None


def _pick(model, raw: str | None, what: str, **scope):
    raw = (raw or "").strip()
    obj = model.objects.filter(pk=raw, **scope).first() if raw.isdigit() and len(raw) < 18 else None
    if obj is None:
        raise ValidationFailed(f"请选择{what}", code=f"{model._meta.model_name}_missing")
    return obj


def _context(request: HttpRequest) -> dict:
    actor = request.actor
    page = Paginator(selectors.entrustments_visible_to(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = access.today()
    for e in page:
        e.status_label = Entrustment.STATUSES.get(e.status, e.status)
        e.in_force = e.status == Entrustment.ACTIVE and e.starts_on <= today <= e.ends_on
        e.mine = e.project.owner_id == actor.organisation_id
    ctx = {"page": page, "today": today, "may_entrust": _may_entrust(actor)}
    if ctx["may_entrust"]:
        ctx["projects"] = Project.objects.filter(owner_id=actor.organisation_id).order_by(
            "-created_at"
        )[:500]
        ctx["agencies"] = Organisation.objects.filter(kind="tender_agency").order_by("name")[:500]
    return ctx


@require_http_methods(["GET", "POST"])
@permission_required("tendering.view")
def entrustments(request: HttpRequest) -> HttpResponse:
    """招标委托: the list the actor may see; the owner's form to entrust an agency."""
    if request.method == "GET":
        return render(request, "tendering/entrustments.html", _context(request))
    actor, post = request.actor, request.POST
    try:
        if not _may_entrust(actor):
            raise PermissionDenied("只有建设单位可以委托招标代理机构", code="not_project_owner")
        item = services.entrustment_create(
            actor=actor,
            project=_pick(
                Project, post.get("project"), "本单位的项目", owner_id=actor.organisation_id
            ),
            agency=_pick(Organisation, post.get("agency"), "招标代理机构"),
            scope=post.get("scope", ""),
            starts_on=_date(post.get("starts_on"), "委托起始日"),
            ends_on=_date(post.get("ends_on"), "委托截止日"),
            contract_file=request.FILES.get("contract"),
        )
    except DomainError as exc:
        ctx = {**_context(request), "error": exc.message, "data": post}
        return render(request, "tendering/entrustments.html", ctx, status=exc.status)
    messages.success(request, f"已委托{item.agency.name}办理{item.project.name}的{item.scope}")
    return redirect("tendering:entrustments")


@require_POST
@permission_required("tendering.manage")
def entrustment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.entrustment_get_visible_to(actor=request.actor, pk=pk)
    try:
        services.entrustment_withdraw(
            actor=request.actor, entrustment=item, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise  # a refusal is a 403/404 page, never a flash message on a redirect
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销对{item.agency.name}的招标委托，该机构即时失去办理权限")
    return redirect("tendering:entrustments")


@require_GET
@permission_required("tendering.view")
def entrustment_contract(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.entrustment_get_visible_to(actor=request.actor, pk=pk)
    if not item.contract:
        raise NotFound("委托合同不存在", code="contract_not_found")
    name = f"{item.project.code}-招标委托合同.pdf"
    response = FileResponse(item.contract.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
