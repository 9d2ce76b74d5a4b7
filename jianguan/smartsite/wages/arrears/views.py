"""The arrears page: one case (欠薪) for whoever may see it, with the regulator's decision on it.
A refused decision re-renders the page with the Chinese message and the error's status."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.smartsite.wages import forms, selectors, workflow
from jianguan.smartsite.wages.arrears import services


def _render_arrears(request, obj, *, status=200, form=None) -> HttpResponse:
    actor = request.actor
    can_decide = (
        actor.is_kind("regulator")
        and actor.can("smartsite.wage_arrears_decide")
        and obj.status in (workflow.A_OPEN, workflow.A_SETTLED)
    )
    return render(
        request,
        "smartsite/wages/arrears.html",
        {
            "arrears": obj,
            "payroll": obj.payroll,
            "project": obj.project,
            "can_decide": can_decide,
            "form": form or forms.DecideForm(),
        },
        status=status,
    )


@permission_required("smartsite.view")
def arrears(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_arrears(request, selectors.arrears_one(actor=request.actor, pk=pk))


@require_POST
@permission_required("smartsite.wage_arrears_decide")
def arrears_decide(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.arrears_one(actor=request.actor, pk=pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return _render_arrears(request, obj, status=400, form=form)
    decide = (
        services.arrears_confirm
        if form.cleaned_data["decision"] == "confirm"
        else services.arrears_dismiss
    )
    try:
        decide(actor=request.actor, arrears=obj, note=form.cleaned_data["note"])
    except DomainError as exc:
        form.add_error(None, exc.message)
        messages.error(request, exc.message)
        obj.refresh_from_db()
        return _render_arrears(request, obj, status=exc.status, form=form)
    messages.success(request, "已作出认定")
    return redirect(reverse("smartsite:wage_arrears", args=[pk]))
