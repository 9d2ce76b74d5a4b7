"""The 实名制 page's record forms: safety education and training, certificates, exit (退场).
Each posts to the project's page and comes back to it with a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required
from jianguan.smartsite.workers import forms, selectors, services
from jianguan.smartsite.workers.models import Placement
from jianguan.smartsite.workers.views import manageable_workers, project_url


def _fail(request: HttpRequest, form, anchor: str, scope) -> HttpResponse:
    errors = [str(e) for field in form.errors.values() for e in field]
    messages.error(request, "；".join(errors) or "请检查填写内容")
    return redirect(project_url(scope, anchor))


@require_POST
@permission_required("smartsite.workers_manage")
def training_record(request: HttpRequest, pk: int) -> HttpResponse:
    scope = selectors.project_scope(actor=request.actor, pk=pk)
    workers = manageable_workers(request, scope)
    form = forms.TrainingForm(request.POST, workers=workers)
    if not form.is_valid():
        return _fail(request, form, "records", scope)
    data = form.cleaned_data
    try:
        services.worker_training_record(
            actor=request.actor,
            worker=workers.get(pk=data["worker"]),
            kind=data["kind"],
            title=data["title"],
            held_on=data["held_on"],
            hours=data["hours"],
            passed=data["passed"],
            project=scope.project,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记培训教育记录")
    return redirect(project_url(scope, "records"))


@require_POST
@permission_required("smartsite.workers_manage")
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    scope = selectors.project_scope(actor=request.actor, pk=pk)
    workers = manageable_workers(request, scope)
    form = forms.CertificateForm(request.POST, workers=workers)
    if not form.is_valid():
        return _fail(request, form, "records", scope)
    data = form.cleaned_data
    try:
        services.worker_certificate_add(
            actor=request.actor,
            worker=workers.get(pk=data["worker"]),
            kind=data["kind"],
            name=data["name"],
            number=data["number"],
            valid_to=data["valid_to"],
            project=scope.project,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记证书")
    return redirect(project_url(scope, "records"))


@require_POST
@permission_required("smartsite.workers_manage")
def worker_exit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = selectors.project_scope(actor=request.actor, pk=pk)
    form = forms.ExitForm(request.POST)
    if not form.is_valid():
        return _fail(request, form, "roster", scope)
    placement = (
        Placement.objects.select_related("worker", "project")
        .filter(
            pk=form.cleaned_data["placement"],
            project=scope.project,
            worker__in=manageable_workers(request, scope),
        )
        .first()
    )
    if placement is None:
        raise NotFound("进场记录不存在或无权办理", code="placement_not_found")
    try:
        services.worker_exit(actor=request.actor, placement=placement)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{placement.worker.name} 已退场")
    return redirect(project_url(scope, "roster"))
