"""Pages: a project's risk register, inspections and orders; order detail with its forms; PDF."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.accounts.models import Organisation
from jianguan.compliance import checklist, pdf, selectors, services, workflow
from jianguan.compliance.forms import (
    AnswerForm,
    InspectionFindingForm,
    PlanForm,
    ReinspectForm,
    RiskForm,
)
from jianguan.compliance.models import EvidenceFile, FindingPhoto, RectificationOrder
from jianguan.core.errors import DomainError, NotFound, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Participant


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return "请检查填写的内容"


def _can_inspect(actor, project) -> bool:
    try:
        services.inspector_side(actor, project)
    except PermissionDenied:
        return False
    return True


def _responsible_choices(project) -> list[tuple[str, str]]:
    rows = (
        Participant.objects.filter(project=project, is_active=True)
        .select_related("organisation")
        .order_by("role")
    )
    seen: dict[str, str] = {}
    for p in rows:
        seen.setdefault(str(p.organisation_id), f"{p.organisation.name}（{p.get_role_display()}）")
    return list(seen.items())


@require_GET
@permission_required("compliance.view")
def index(request: HttpRequest) -> HttpResponse:
    # ?status=, ?open=1, ?overdue=1, ?mine=1: the dashboard's counts link here with the same filters.
    orders = selectors.order_filters(
        selectors.orders_visible_to(actor=request.actor), actor=request.actor, params=request.GET
    ).order_by("-issued_on", "-pk")[:200]
    # 发起检查 on any project, orders or none (issue 16): the inspector's project picker.
    actor = request.actor
    inspector = actor.can("compliance.inspect_as_regulator") or actor.can(
        "compliance.inspect_as_supervisor"
    )
    project_q = (request.GET.get("project_q") or "").strip()[:100] if inspector else ""
    ctx = {
        "inspector": inspector,
        "project_q": project_q,
        "picked": selectors.projects_to_inspect(actor=actor, query=project_q) if project_q else [],
        "orders": orders,
        "filtered": any(request.GET.get(k) for k in ("status", "open", "overdue", "mine")),
        "overdue": selectors.overdue_orders(actor=request.actor).count(),
        "today": today_local(),
        "labels": workflow.ORDER_LABELS,
    }
    return render(request, "compliance/index.html", ctx)


def _risk_form(project, risk, data=None) -> RiskForm:
    initial = {}
    if risk is not None:
        initial["responsible_person"] = risk.responsible_person
        for item in risk.items.all():
            initial[f"l_{item.code}"] = str(item.likelihood)
            initial[f"i_{item.code}"] = str(item.impact)
    return RiskForm(data, initial=initial, items=checklist.checklist(project.type))


def _render_project(
    request, project, *, form=None, error="", status=200, risk_form=None, risk_error=""
) -> HttpResponse:
    actor = request.actor
    can_inspect = _can_inspect(actor, project)
    if form is None:
        form = InspectionFindingForm(initial={"inspected_on": today_local(), "kind": "routine"})
    form.fields["responsible"].choices = _responsible_choices(project)
    risk = selectors.risk_for(actor=actor, project=project)
    ctx = {
        "project": project,
        "risk": risk,
        "risk_label": workflow.RISK_LABELS.get(risk.level) if risk else None,
        "risk_high": bool(risk and workflow.needs_emergency_plan(risk.level)),
        "inspections": selectors.inspections_for(actor=actor, project=project),
        "orders": selectors.orders_visible_to(actor=actor, project=project),
        "can_inspect": can_inspect,
        "form": form,
        "error": error,
        "today": today_local(),
        "can_assess": actor.can("compliance.risk_assess"),
        "risk_form": risk_form or _risk_form(project, risk),
        "plan_form": PlanForm(
            initial={"responsible_person": risk.responsible_person if risk else ""}
        ),
        "risk_error": risk_error,
    }
    return render(request, "compliance/project.html", ctx, status=status)


@require_POST
@permission_required("compliance.risk_assess")
def risk_assess(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    services.risk_party_check(request.actor, project)  # a 403 before the form is read
    form = _risk_form(project, None, request.POST)
    if not form.is_valid():
        return _render_project(
            request, project, risk_form=form, risk_error=_first_error(form), status=400
        )
    try:
        services.risk_assess(
            actor=request.actor,
            project=project,
            items=form.items(),
            responsible_person=form.cleaned_data["responsible_person"],
        )
    except DomainError as exc:
        return _render_project(
            request, project, risk_form=form, risk_error=exc.message, status=exc.status
        )
    messages.success(request, "已填报风险评估")
    return redirect(reverse("compliance:project", args=[project.pk]) + "#risk")


@require_POST
@permission_required("compliance.risk_assess")
def risk_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    services.risk_party_check(request.actor, project, "只能为本单位参建的项目备案应急预案")
    form = PlanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_project(request, project, risk_error=_first_error(form), status=400)
    try:
        services.risk_emergency_plan_file(
            actor=request.actor,
            project=project,
            emergency_plan=form.cleaned_data["emergency_plan"],
            responsible_person=form.cleaned_data["responsible_person"],
        )
    except DomainError as exc:
        return _render_project(request, project, risk_error=exc.message, status=exc.status)
    messages.success(request, "已备案应急预案及风险管控责任人")
    return redirect(reverse("compliance:project", args=[project.pk]) + "#risk")


@require_GET
@permission_required("compliance.view")
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_project(request, selectors.project_for(actor=request.actor, pk=pk))


@require_POST
@permission_required("compliance.view")
def inspection_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    services.inspector_side(request.actor, project)  # a 403 before the form is read
    form = InspectionFindingForm(request.POST, request.FILES)
    form.fields["responsible"].choices = _responsible_choices(project)
    if not form.is_valid():
        return _render_project(request, project, form=form, error=_first_error(form), status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            inspection = services.inspection_create(
                actor=request.actor,
                project=project,
                kind=data["kind"],
                inspected_on=data["inspected_on"],
                notes=data["notes"],
            )
            order = services.finding_raise(
                actor=request.actor,
                inspection=inspection,
                type=data["type"],
                severity=data["severity"],
                description=data["description"],
                location=data["location"],
                responsible_organisation=Organisation.objects.get(pk=int(data["responsible"])),
                photos=data["photos"],
                due_on=data["due_on"],
                stop_work=data["stop_work"],
            )
    except DomainError as exc:
        return _render_project(request, project, form=form, error=exc.message, status=exc.status)
    messages.success(request, f"已下达整改通知单 {order.number}")
    return redirect("compliance:order", pk=order.pk)


def _render_order(request, order, *, answer=None, reinspect=None, error="", status=200):
    actor = request.actor
    ctx = {
        "order": order,
        "finding": order.finding,
        "lines": pdf.order_lines(order),
        "answers": order.answers.prefetch_related("files").order_by("created_at"),
        "reinspections": order.reinspections.order_by("created_at"),
        "can_answer": actor.organisation_id == order.responsible_organisation_id
        and actor.can("compliance.answer")
        and order.status in ("open", "failed"),
        "can_reinspect": order.status == "answered" and _can_inspect(actor, order.project),
        "answer_form": answer or AnswerForm(),
        "reinspect_form": reinspect or ReinspectForm(),
        "error": error,
        "overdue": workflow.is_overdue(order.status, order.due_on, today_local()),
        "failures": selectors.consecutive_failures(order.responsible_organisation_id),
    }
    return render(request, "compliance/order.html", ctx, status=status)


def _order(request, pk) -> RectificationOrder:
    return selectors.order_get_visible_to(actor=request.actor, pk=pk)


@require_GET
@permission_required("compliance.view")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_order(request, _order(request, pk))


@require_POST
@permission_required("compliance.view")
def order_answer(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    services.answerer_check(request.actor, order)  # a 403 before the form is read
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_order(request, order, answer=form, error=_first_error(form), status=400)
    try:
        services.order_answer(
            actor=request.actor,
            order=order,
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
        )
    except DomainError as exc:
        return _render_order(request, order, answer=form, error=exc.message, status=exc.status)
    messages.success(request, "已回复整改情况，等待复查")
    return redirect(reverse("compliance:order", args=[order.pk]))


@require_POST
@permission_required("compliance.view")
def order_reinspect(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    services.inspector_side(request.actor, order.project)  # a 403 before the form is read
    form = ReinspectForm(request.POST)
    if not form.is_valid():
        return _render_order(request, order, reinspect=form, error=_first_error(form), status=400)
    try:
        services.order_reinspect(
            actor=request.actor,
            order=order,
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _render_order(request, order, reinspect=form, error=exc.message, status=exc.status)
    messages.success(request, "已登记复查结论")
    return redirect(reverse("compliance:order", args=[order.pk]))


@require_GET
@permission_required("compliance.view")
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    content = pdf.order_document(actor=request.actor, order=order)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@require_GET
@permission_required("compliance.view")
def order_file(request: HttpRequest, pk: int, kind: str, file_id: int) -> HttpResponse:
    """A finding photo or an evidence file, to whoever may see the order; SM3 in a header."""
    order = _order(request, pk)
    if kind == "photo":
        item = FindingPhoto.objects.filter(pk=file_id, finding__order=order).first()
    elif kind == "evidence":
        item = EvidenceFile.objects.filter(pk=file_id, answer__order=order).first()
    else:
        item = None
    if item is None or not item.file:
        raise NotFound("文件不存在", code="file_not_found")
    name = f"{order.number}-{kind}-{item.pk}{Path(item.file.name).suffix.lower()}"
    response = FileResponse(item.file.open("rb"), as_attachment=kind == "evidence", filename=name)
    response["X-Content-SM3"] = item.sm3
    response["X-Content-Type-Options"] = "nosniff"
    return response
