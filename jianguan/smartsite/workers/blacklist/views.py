"""The regulator's personal blacklist page: list, add, lift."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.smartsite.workers.blacklist import forms, selectors, services


def _render_list(request: HttpRequest, form=None, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "smartsite/workers/blacklist.html",
        {
            "entries": list(selectors.blacklist_visible_to(actor=request.actor)[:500]),
            "form": form or forms.BlacklistForm(initial={"valid_from": today_local()}),
        },
        status=status,
    )


@permission_required("smartsite.worker_blacklist_manage")
def blacklist(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_list(request)
    form = forms.BlacklistForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    try:
        entry = services.worker_blacklist_add(actor=request.actor, **form.cleaned_data)
    except DomainError as exc:
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        form.add_error(field if field in form.fields else None, exc.message)
        return _render_list(request, form, status=exc.status)
    messages.success(request, f"已将 {entry} 列入黑名单")
    return redirect(reverse("smartsite:worker_blacklist"))


@require_POST
@permission_required("smartsite.worker_blacklist_manage")
def blacklist_lift(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.blacklist_entry(actor=request.actor, pk=pk)
    form = forms.BlacklistLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写移出原因")
        return _render_list(request, status=400)
    try:
        services.worker_blacklist_lift(
            actor=request.actor, entry=entry, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_list(request, status=exc.status)
    messages.success(request, f"已将 {entry} 移出黑名单")
    return redirect(reverse("smartsite:worker_blacklist"))
