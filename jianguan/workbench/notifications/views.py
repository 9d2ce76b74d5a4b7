"""The inbox and the preferences pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.core.api_params import ID_MAX
from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required
from jianguan.workbench.notifications import selectors, services
from jianguan.workbench.notifications.events import label_for
from jianguan.workbench.notifications.forms import PreferenceForm
from jianguan.workbench.notifications.models import DELIVERY_STATUSES

FILTERS = {"unread": ("未读", True), "read": ("已读", False), "all": ("全部", None)}
PERMISSION = "workbench.inbox.view"


@permission_required(PERMISSION)
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "unread")
    if status not in FILTERS:
        status = "unread"
    qs = selectors.notifications_for(actor=request.actor, unread=FILTERS[status][1])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for n in page:
        n.kind_label = label_for(n.kind)
    return render(
        request,
        "workbench/inbox.html",
        {
            "page": page,
            "status": status,
            "filters": [(key, label) for key, (label, _) in FILTERS.items()],
            "unread": selectors.unread_count(user_id=request.actor.user_id),
        },
    )


@require_POST
@permission_required(PERMISSION)
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` go on to its object's page."""
    try:
        if pk > ID_MAX:  # beyond any database id: a 404, not an overflow
            raise NotFound("通知不存在", code="notification_not_found")
        n = services.notification_mark_read(actor=request.actor, notification_id=pk)
    except NotFound as exc:
        return render(request, "workbench/inbox_missing.html", {"message": exc.message}, status=404)
    if "open" in request.POST and n.url:
        if url_has_allowed_host_and_scheme(n.url, {request.get_host()}):
            return redirect(n.url)
    return redirect(_back(request))


@require_POST
@permission_required(PERMISSION)
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.actor)
    messages.success(request, f"已将 {count} 条通知标为已读")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    status = request.POST.get("status", "unread")
    return f"/workbench/inbox/?status={status if status in FILTERS else 'unread'}"


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def preferences(request: HttpRequest) -> HttpResponse:
    pref = services.preference_of(request.actor.user)
    initial = {"email": pref.email, "sms": pref.sms, "muted_kinds": pref.muted_kinds}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(actor=request.actor, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "通知偏好已保存")
            return redirect("workbench:preferences")
    user = request.actor.user
    deliveries = user.notification_deliveries.all()[:10] if user is not None else []
    return render(
        request,
        "workbench/preferences.html",
        {
            "form": form,
            "email": getattr(user, "email", ""),
            "phone": getattr(user, "phone", ""),
            "deliveries": deliveries,
            "statuses": DELIVERY_STATUSES,
        },
        status=400 if request.method == "POST" else 200,
    )
