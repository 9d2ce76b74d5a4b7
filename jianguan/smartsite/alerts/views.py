"""Environmental monitoring pages: the live district page (map coloured by each site's latest
readings, alerts arriving without a reload), a site's last 24 hours, and each alert with the
actions its reader may take."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.projects.views_map import map_settings
from jianguan.smartsite import limits as limit_rules
from jianguan.smartsite.alerts import selectors, services, workflow
from jianguan.smartsite.alerts.forms import AlertActForm
from jianguan.smartsite.alerts.models import EnvAlert

LEVELS = {"red": "超标", "yellow": "接近限值", "green": "正常", "grey": "无数据"}


def _sites_json(sites: list[dict]) -> list[dict]:
    return [
        {
            "name": s["project"].name,
            "code": s["project"].code,
            "lat": s["lat"],
            "lon": s["lon"],
            "level": s["level"],
            "label": LEVELS[s["level"]],
            "alerts": s["alerts"],
            "url": reverse("smartsite:env_project", args=[s["project"].pk]),
        }
        for s in sites
    ]


@require_GET
@permission_required("smartsite.view")
def live(request: HttpRequest) -> HttpResponse:
    sites = selectors.sites(actor=request.actor)
    for site in sites:
        for device in site["devices"]:
            device["label"] = LEVELS[device["level"]]
    ctx = {
        "sites": sites,
        "levels": LEVELS,
        "alerts": selectors.live_alerts(actor=request.actor),
        "is_regulator": request.actor.is_kind("regulator"),
        "map": {**map_settings(), "sites": _sites_json(sites)},
        "counts": [(k, v, sum(1 for s in sites if s["level"] == k)) for k, v in LEVELS.items()],
    }
    return render(request, "smartsite/alerts/live.html", ctx)


@require_GET
@permission_required("smartsite.view")
def live_alerts(request: HttpRequest) -> HttpResponse:
    """The alert list alone: the live page polls it (htmx, every few seconds)."""
    alerts = selectors.live_alerts(actor=request.actor)
    return render(request, "smartsite/alerts/_alerts.html", {"alerts": alerts})


@require_GET
@permission_required("smartsite.view")
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    alerts = (
        selectors.alerts_visible_to(actor=request.actor)
        .filter(project=project)
        .order_by("-last_at", "-pk")[:50]
    )
    ctx = {
        "project": project,
        "alerts": alerts,
        "series_url": reverse("smartsite:env_series", args=[project.pk]),
    }
    return render(request, "smartsite/alerts/project.html", ctx)


@require_GET
@permission_required("smartsite.view")
def project_series(request: HttpRequest, pk: int) -> JsonResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    return JsonResponse(selectors.series(project), json_dumps_params={"ensure_ascii": False})


def _can(actor, alert: EnvAlert) -> dict[str, bool]:
    regulator = actor.is_kind("regulator") and actor.can("smartsite.env_alerts_decide")
    decidable = alert.status in workflow.DECIDE_FROM
    return {
        "answer": alert.status in workflow.ACK_FROM
        and actor.can("smartsite.env_alerts_answer")
        and services._site_party(actor, alert),
        "decide": regulator and decidable,
    }


def _render_alert(request, alert, *, error=None, status=200) -> HttpResponse:
    ctx = {
        "alert": alert,
        "can": _can(request.actor, alert),
        "unit": limit_rules.UNITS[alert.metric],
        "form": AlertActForm(),
        "error": error,
    }
    return render(request, "smartsite/alerts/alert.html", ctx, status=status)


@require_GET
@permission_required("smartsite.view")
def alert_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_alert(request, selectors.alert_get(actor=request.actor, pk=pk))


@require_POST
@permission_required("smartsite.view")
def alert_act(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(actor=request.actor, pk=pk)
    form = AlertActForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed("请选择操作并填写说明（不超过 500 字）", code="bad_form")
        data, actor = form.cleaned_data, request.actor
        if data["action"] == "answer":
            services.alert_answer(actor=actor, alert=alert, answer=data["text"])
        elif data["action"] == "dismiss":
            services.alert_dismiss(actor=actor, alert=alert, reason=data["text"])
        else:
            services.alert_escalate(
                actor=actor, alert=alert, severity=data["severity"] or "general", note=data["text"]
            )
    except DomainError as exc:
        if exc.code == "permission_denied":
            raise
        status = 409 if exc.code in ("alert_state", "no_contractor") else 400
        return _render_alert(request, alert, error=exc, status=status)
    return redirect(reverse("smartsite:env_alert", args=[alert.pk]))
