"""Pages of onboarding: the enterprise's application and its status page (anonymous), the
regulator's review queue and decision."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from jianguan.accounts.onboarding import selectors, services
from jianguan.accounts.onboarding import workflow as wf
from jianguan.accounts.onboarding.forms import ApplicationForm, DecisionForm, add_errors
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.core.security import client_address

FIELDS = services.FIELDS


def _status_url(app, token: str) -> str:
    return reverse("accounts:apply_status", args=[app.number, token])


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data.get(k) or "" for k in FIELDS}
        try:
            app, token = services.application_submit(
                actor=request.actor,
                client_address=client_address(request),
                licence=form.cleaned_data["licence"],
                **data,
            )
        except services.Throttled as exc:
            form.add_error(None, exc.message)
            return render(request, "accounts/onboarding/apply.html", {"form": form}, status=429)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            return redirect(_status_url(app, token) + "?new=1")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/onboarding/apply.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def apply_status(request: HttpRequest, number: str, token: str) -> HttpResponse:
    app = services.application_by_secret(number=number, token=token)
    form = None
    status = 200
    if app.status == wf.RETURNED:
        initial = {k: getattr(app, k) for k in FIELDS}
        form = ApplicationForm(
            request.POST or None, request.FILES or None, initial=initial, licence_required=False
        )
        if request.method == "POST" and form.is_valid():
            data = {k: form.cleaned_data.get(k) or "" for k in FIELDS}
            try:
                services.application_resubmit(
                    actor=request.actor,
                    application=app,
                    licence=form.cleaned_data.get("licence"),
                    **data,
                )
            except DomainError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "已重新提交，请等待审核")
                return redirect(_status_url(app, token))
        if request.method == "POST":
            status = 400
    elif request.method == "POST":
        messages.error(request, f"申请{wf.LABELS[app.status]}，无需重新提交")
        return redirect(_status_url(app, token))
    ctx = {
        "app": app,
        "form": form,
        "status_label": wf.LABELS[app.status],
        "is_new": request.GET.get("new") == "1",
        "status_link": settings.PUBLIC_BASE_URL + _status_url(app, token),
    }
    return render(request, "accounts/onboarding/apply_status.html", ctx, status=status)


@permission_required("accounts.application.review")
def application_list(request: HttpRequest) -> HttpResponse:
    current = request.GET.get("status") or wf.SUBMITTED
    if current not in (*wf.LABELS, "all"):
        current = wf.SUBMITTED
    qs = selectors.application_list_for_review(
        actor=request.actor, status=None if current == "all" else current
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    tabs = [(k, v) for k, v in wf.LABELS.items()] + [("all", "全部")]
    ctx = {"page": page, "current": current, "tabs": tabs, "labels": wf.LABELS}
    return render(request, "accounts/onboarding/application_list.html", ctx)


@permission_required("accounts.application.review")
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get_for_review(actor=request.actor, pk=pk)
    form = DecisionForm(request.POST or None)
    link = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            decision, reasons = form.cleaned_data["decision"], form.cleaned_data["reasons"]
            try:
                if decision == "approve":
                    app, link = services.application_approve(
                        actor=request.actor, application=app, reasons=reasons
                    )
                else:
                    services.application_return(
                        actor=request.actor, application=app, reasons=reasons
                    )
            except DomainError as exc:
                add_errors(form, exc)
            else:
                if decision == "return":
                    messages.success(request, f"已退回入驻申请 {app.number}")
                    return redirect("accounts:application_detail", pk=app.pk)
                # Approved: the administrator's one-time link is shown once, here (it was
                # also e-mailed), so that it can be handed over when no mail arrives.
                status = 200
                app = selectors.application_get_for_review(actor=request.actor, pk=pk)
    ctx = {
        "app": app,
        "form": form,
        "status_label": wf.LABELS[app.status],
        "link": link,
        "can_decide": app.status == wf.SUBMITTED,
    }
    return render(request, "accounts/onboarding/application_detail.html", ctx, status=status)


@permission_required("accounts.application.review")
def application_licence(request: HttpRequest, pk: int) -> FileResponse:
    app = selectors.application_get_for_review(actor=request.actor, pk=pk)
    name = app.licence.name.rsplit("/", 1)[-1]
    try:
        handle = app.licence.open("rb")
    except OSError as exc:  # the file store lost it: a 404, never a 500
        raise Http404("营业执照扫描件不存在") from exc
    return FileResponse(handle, as_attachment=False, filename=name)
