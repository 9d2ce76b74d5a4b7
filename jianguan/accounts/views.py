from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.accounts import selectors, services
from jianguan.accounts.forms import LoginForm, OrganisationFilterForm, OrganisationForm
from jianguan.accounts.middleware import SESSION_ORG_KEY
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "web:dashboard")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="jianguan.accounts.backends.LockoutModelBackend")
        return redirect(next_url or "web:dashboard")
    # Every refusal the same status and words (forms.LOGIN_REFUSED): nothing tells a locked or
    # paused account from a wrong password or a username that does not exist.
    status = 200 if request.method == "GET" else 400
    policy = {
        "max_failures": settings.LOGIN_MAX_FAILURES,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "policy": policy},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Logging out changes state, so it takes a POST; a GET gets a confirmation page.
        return render(request, "accounts/logout_confirm.html")
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


@require_POST
@permission_required("dashboard.view")
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        org_id = int(request.POST.get("organisation", ""))
    except ValueError:
        org_id = None
    ids = {m.organisation_id for m in request.actor.memberships}
    if org_id in ids:
        request.session[SESSION_ORG_KEY] = org_id
    else:
        messages.error(request, "您不是该机构的成员")
    return redirect("web:dashboard")


@permission_required("accounts.organisation.view")
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organisation_list_visible_to(
        actor=request.actor,
        kind=filters.get("kind") or None,
        q=filters.get("q") or None,
        town=filters["town"].pk if filters.get("town") else None,
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    ctx = {
        "form": form,
        "page": page,
        "can_create": request.actor.can("accounts.organisation.create"),
    }
    template = "accounts/organisation_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, ctx)


@permission_required("accounts.organisation.view")
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get_visible_to(actor=request.actor, pk=pk)
    return render(request, "accounts/organisation_detail.html", {"org": org})


@permission_required("accounts.organisation.create")
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.actor, **form.cleaned_data)
        except DomainError as exc:
            for field, msg in (exc.details or {"__all__": exc.message}).items():
                form.add_error(None if field == "__all__" else field, msg)
        else:
            messages.success(request, f"已登记机构：{org.name}")
            return redirect("accounts:organisation_detail", pk=org.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/organisation_form.html", {"form": form}, status=status)
