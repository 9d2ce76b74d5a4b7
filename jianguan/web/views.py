from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from jianguan.accounts.selectors import organisation_counts_by_kind
from jianguan.core.permissions import permission_required
from jianguan.web.context import todo_of


@permission_required("dashboard.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    counts = organisation_counts_by_kind(actor=request.actor)
    todo = todo_of(request)
    chart = {
        "labels": [c["label"] for c in counts],
        "values": [c["count"] for c in counts],
    }
    return render(
        request,
        "web/dashboard.html",
        {
            "counts": counts,
            "total": sum(c["count"] for c in counts),
            "chart": chart,
            "projects": _project_summary(request.actor),
            "todo": todo,
            "done": _done(request.actor),
            "todo_overdue": sum(1 for item in todo if item.overdue),
        },
    )


def _done(actor) -> list[dict]:
    """The actor's own recent actions (已办), in words: what, on which object, when."""
    from django.apps import apps

    from jianguan.ledger.labels import label
    from jianguan.ledger.selectors import entries_done_by

    rows = []
    for entry in entries_done_by(actor=actor, limit=8):
        try:
            model = apps.get_model(entry.object_app, entry.object_model)
        except LookupError:
            model = None
        obj = model._default_manager.filter(pk=entry.object_id).first() if model else None
        kind = model._meta.verbose_name if model else ""
        rows.append({"entry": entry, "label": label(entry.type), "kind": kind, "object": obj})
    return rows


def _project_summary(actor) -> dict:
    """What the actor's projects look like today: stages, warning levels, the reddest ones."""
    from django.db.models import Count

    from jianguan.projects.models import StageChoices, WarningLevel
    from jianguan.projects.selectors import project_list_visible_to

    qs = project_list_visible_to(actor=actor)
    by_stage = dict(qs.order_by().values_list("stage").annotate(n=Count("id")))
    by_level = dict(qs.order_by().values_list("warning_level").annotate(n=Count("id")))
    return {
        "total": sum(by_stage.values()),
        "stages": [
            {"value": v, "label": label, "count": by_stage.get(v, 0)}
            for v, label in StageChoices.choices
        ],
        "levels": [
            {"value": v, "label": label, "count": by_level.get(v, 0)}
            for v, label in WarningLevel.choices
        ],
        "worst": list(qs.filter(warning_level__gte=3).order_by("-warning_level", "code")[:8]),
    }


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not healthy"
        return JsonResponse(
            {"status": "error", "database": "unreachable", "detail": type(exc).__name__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


ERROR_TEMPLATES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html"}


def error_page(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": code, "message": message, "details": None},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    template = ERROR_TEMPLATES.get(status, "errors/400.html")
    return render(request, template, {"message": message, "status": status}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, "bad_request", "请求无法处理，请检查后重试")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您无权访问此页面"
    return error_page(request, 403, "permission_denied", message)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404, "not_found", "页面不存在或已被移除")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return error_page(request, 500, "server_error", "服务器内部错误，请稍后再试")
    # No context processors that touch the database: the fault may be the database.
    from django.template import loader

    body = loader.get_template("errors/500.html").render({"status": 500})
    return HttpResponse(body, status=500)


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {"code": "not_found", "message": "接口不存在", "details": {"path": request.path}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, "csrf_failed", "页面已过期或来源不可信，请刷新页面后重试")
