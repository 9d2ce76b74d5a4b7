"""Investment control and tracking audit pages: the actor's projects with their figures, the
district view (regulator, finance bureau) by owner, town and project type, a project's
comparison table with the S-curve and the owner's plan forms, the tracking feed with the
engagement and the opinion forms, and one opinion with the owner's answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from jianguan.accounts.models import Organisation
from jianguan.core.errors import Conflict, DomainError
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.cost.control import curve, selectors, services, workflow
from jianguan.cost.control import district as district_mod

VIEW = "cost_control.view"


@require_GET
@permission_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    projects = list(selectors.visible_projects(actor).select_related("town").order_by("-pk")[:100])
    figs = selectors.figures_for(projects)
    rows = [{"project": p, "f": figs[p.pk]} for p in projects]
    opinions = list(selectors.opinions_visible_to(actor).filter(status=workflow.OPEN)[:50])
    ctx = {
        "rows": rows,
        "opinions": opinions,
        "district": actor.can("cost_control.district"),
        "today": today_local(),
    }
    return render(request, "cost_control/index.html", ctx)


@require_GET
@permission_required("cost_control.district")
def district(request: HttpRequest) -> HttpResponse:
    filters = district_mod.parse_filters(request.GET)
    result = district_mod.summary(**filters)
    ctx = {**result, "filters": filters, **district_mod.choices()}
    return render(request, "cost_control/district.html", ctx)


def _project_ctx(request: HttpRequest, project, error=None) -> dict:
    f = selectors.project_figures(project)
    plan = selectors.payment_plan(project)
    rows = curve.series(plan, selectors.payments_made(project), until=today_local())
    from jianguan.cost.control.models import CostPlan

    return {
        "project": project,
        "f": f,
        "contracts": list(selectors.contracts_of(project)),
        "plan": CostPlan.objects.filter(project=project).first(),
        "months": rows,
        "chart": mark_safe(curve.svg(rows)),
        "may_plan": request.actor.can("cost_control.plan")
        and project.owner_id == request.actor.organisation_id,
        "engagement": selectors.engaged_firm(project.pk),
        "error": error,
    }


@require_GET
@permission_required(VIEW)
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    return render(request, "cost_control/project.html", _project_ctx(request, project))


def _project_post(request, pk, write, *, template, ctx, url):
    project = selectors.project_for(actor=request.actor, pk=pk)
    try:
        write(project)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, template, ctx(request, project, exc), status=exc.status)
    return redirect(url, pk)


@require_POST
@permission_required("cost_control.plan")
def plan_post(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _project_post(
        request,
        pk,
        lambda project: services.cost_plan_update(
            actor=request.actor,
            project=project,
            budget_amount=p.get("budget_amount", ""),
            contingency=p.get("contingency", ""),
            note=p.get("note", ""),
        ),
        template="cost_control/project.html",
        ctx=_project_ctx,
        url="cost_control:project",
    )


@require_POST
@permission_required("cost_control.plan")
def payment_plan_post(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _project_post(
        request,
        pk,
        lambda project: services.payment_plan_set(
            actor=request.actor,
            project=project,
            months=[{"month": p.get("month", ""), "amount": p.get("amount", "")}],
        ),
        template="cost_control/project.html",
        ctx=_project_ctx,
        url="cost_control:project",
    )


def _tracking_ctx(request: HttpRequest, project, error=None) -> dict:
    actor = request.actor
    engagement = selectors.engaged_firm(project.pk)
    may_engage = actor.can("cost_control.engage") and (
        actor.is_kind("finance_bureau") or project.owner_id == actor.organisation_id
    )
    return {
        "project": project,
        "engagement": engagement,
        "feed": selectors.feed(project, actor=actor),
        "opinions": list(selectors.opinions_of(project)),
        "may_engage": may_engage,
        "firms": list(Organisation.objects.filter(kind="auditor").order_by("name")[:200])
        if may_engage and engagement is None
        else [],
        "may_raise": actor.can("cost_control.opinion")
        and engagement is not None
        and engagement.firm_id == actor.organisation_id,
        "kinds": workflow.SUBJECT_KINDS,
        "statuses": workflow.STATUSES,
        "today": today_local(),
        "error": error,
    }


@require_GET
@permission_required(VIEW)
def tracking(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    return render(request, "cost_control/tracking.html", _tracking_ctx(request, project))


@require_POST
@permission_required("cost_control.engage")
def engage_post(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _project_post(
        request,
        pk,
        lambda project: services.engagement_create(
            actor=request.actor,
            project=project,
            firm_id=p.get("firm", ""),
            reference=p.get("reference", ""),
            started_on=p.get("started_on", ""),
        ),
        template="cost_control/tracking.html",
        ctx=_tracking_ctx,
        url="cost_control:tracking",
    )


@require_POST
@permission_required("cost_control.engage")
def engage_end_post(request: HttpRequest, pk: int) -> HttpResponse:
    def end(project):
        engagement = selectors.engaged_firm(project.pk)
        if engagement is None:
            raise Conflict("本项目没有进行中的跟踪审计委托", code="not_engaged")
        services.engagement_end(actor=request.actor, engagement=engagement)

    return _project_post(
        request,
        pk,
        end,
        template="cost_control/tracking.html",
        ctx=_tracking_ctx,
        url="cost_control:tracking",
    )


@require_POST
@permission_required("cost_control.opinion")
def opinion_post(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    kind, _, sid = p.get("subject", "").partition(":")
    return _project_post(
        request,
        pk,
        lambda project: services.opinion_raise(
            actor=request.actor,
            project=project,
            subject_kind=p.get("subject_kind") or kind,
            subject_id=p.get("subject_id") or sid,
            text=p.get("text", ""),
        ),
        template="cost_control/tracking.html",
        ctx=_tracking_ctx,
        url="cost_control:tracking",
    )


def _opinion_ctx(request: HttpRequest, o, error=None) -> dict:
    actor = request.actor
    return {
        "o": o,
        "status_label": workflow.STATUSES[o.status],
        "kind_label": workflow.SUBJECT_KINDS[o.subject_kind],
        "raised_by_name": selectors.name_of(o.raised_by),
        "answered_by_name": selectors.name_of(o.answered_by),
        "may_answer": actor.can("cost_control.answer")
        and o.project.owner_id == actor.organisation_id
        and o.status == workflow.OPEN,
        "may_close": actor.can("cost_control.opinion")
        and o.engagement.firm_id == actor.organisation_id
        and o.status == workflow.ANSWERED,
        "overdue": workflow.is_overdue(o.status, o.due_on, today_local()),
        "error": error,
    }


@require_GET
@permission_required(VIEW)
def opinion_page(request: HttpRequest, pk: int) -> HttpResponse:
    o = selectors.opinion_get(actor=request.actor, pk=pk)
    return render(request, "cost_control/opinion.html", _opinion_ctx(request, o))


def _opinion_post(request, pk, write):
    o = selectors.opinion_get(actor=request.actor, pk=pk)
    try:
        write(o)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        o = selectors.opinion_get(actor=request.actor, pk=pk)
        return render(
            request, "cost_control/opinion.html", _opinion_ctx(request, o, exc), status=exc.status
        )
    return redirect("cost_control:opinion", pk)


@require_POST
@permission_required("cost_control.answer")
def opinion_answer_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _opinion_post(
        request,
        pk,
        lambda o: services.opinion_answer(
            actor=request.actor, opinion=o, text=request.POST.get("text", "")
        ),
    )


@require_POST
@permission_required("cost_control.opinion")
def opinion_close_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _opinion_post(
        request, pk, lambda o: services.opinion_close(actor=request.actor, opinion=o)
    )
