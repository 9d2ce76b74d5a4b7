from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.accounts.selectors import organisation_get_visible_to
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.registry import importer, selectors, services
from jianguan.registry.forms import EligibilityForm, ImportForm


def _can_manage(actor, org) -> bool:
    return actor.can("registry.manage_any") or (
        actor.can("registry.manage_own") and actor.organisation_id == org.pk
    )


def _badged(items, today):
    return [(item, *selectors.expiry_badge(item.valid_to, today)) for item in items]


def _credentials_context(request: HttpRequest, org, **extra) -> dict:
    today = today_local()
    creds = selectors.credentials_of(actor=request.actor, organisation=org)
    return {
        "org": org,
        "today": today,
        "qualifications": _badged(creds["qualifications"], today),
        "licences": _badged(creds["licences"], today),
        "persons": _badged(creds["persons"], today),
        "can_manage": _can_manage(request.actor, org),
        "form": extra.pop("form", None) or ImportForm(),
        "layout": importer.LAYOUT,
        **extra,
    }


@permission_required("registry.view")
def organisation_credentials(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_get_visible_to(actor=request.actor, pk=pk)
    return render(request, "registry/organisation.html", _credentials_context(request, org))


@require_POST
@permission_required("registry.view")
def organisation_import(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_get_visible_to(actor=request.actor, pk=pk)
    services.may_manage(request.actor, org)  # a 403 before the form is read
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            result = services.registry_import_xlsx(
                actor=request.actor, organisation=org, file=form.cleaned_data["file"]
            )
        except DomainError as exc:
            errors = [exc.message, *(exc.details if isinstance(exc.details, list) else [])]
            status = 403 if exc.status == 403 else 400
        else:
            messages.success(
                request,
                f"已导入资质 {result['qualifications']} 项、注册人员 {result['persons']} 名",
            )
            return redirect("registry:organisation", pk=org.pk)
    else:
        status = 400
    ctx = _credentials_context(request, org, form=form, import_errors=errors)
    return render(request, "registry/organisation.html", ctx, status=status)


@require_http_methods(["GET"])
@permission_required("registry.eligibility")
def eligibility_page(request: HttpRequest) -> HttpResponse:
    form = EligibilityForm(request.GET or None)
    result = None
    if form.is_valid():
        on = form.cleaned_data["on"] or today_local()
        try:
            result = selectors.eligibility_check(
                actor=request.actor,
                organisation=form.cleaned_data["organisation"],
                standard=form.cleaned_data["standard"],
                on=on,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            result["on"] = on
    return render(request, "registry/eligibility.html", {"form": form, "result": result})
