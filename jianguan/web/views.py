from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from jianguan.accounts.selectors import organisation_counts_by_kind
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.web.context import todo_of
from jianguan.web.panels import PanelContent, panels_for

# Rows of the to-do list the dashboard shows before "查看全部".
TODO_SHOWN = 50


@permission_required("dashboard.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    """工作台: the to-do list and what was done first, then the panels the domain apps offer
    this actor (web.panels): the regulator's district, an owner's money, a contractor's
    orders and claims, the reviewers' queues, an expert's committees."""
    todo = todo_of(request)
    panels = panels_for(request.actor, today_local())
    # The most urgent rows (overdue first, then by due date) and a link to all of them: a
    # regulator's thousand rows were half the page's time (bench/workbench.py) and nobody
    # reads past the first screens; ?todo=all shows the whole list on the same page.
    shown = todo if request.GET.get("todo") == "all" else todo[:TODO_SHOWN]
    return render(
        request,
        "web/dashboard.html",
        {
            "todo": todo,
            "todo_shown": shown,
            "todo_hidden": len(todo) - len(shown),
            "todo_collapsible": len(shown) > TODO_SHOWN,
            "done": _done(request.actor),
            "todo_overdue": sum(1 for item in todo if item.overdue),
            "panels": panels,
            "panel_keys": {p.key for p in panels},
        },
    )


def organisations_panel(actor, today) -> PanelContent:
    """The organisations on the platform by kind, as a table and a chart (the regulator's)."""
    counts = organisation_counts_by_kind(actor=actor)
    chart = {"labels": [c["label"] for c in counts], "values": [c["count"] for c in counts]}
    context = {"counts": counts, "total": sum(c["count"] for c in counts), "chart": chart}
    return PanelContent("web/_panel_organisations.html", context, "col-12")


def _done(actor) -> list[dict]:
    """The actor's own recent actions (已办), in words: what, on which object, when (the
    ledger's own wording of its rows, one query per kind of object)."""
    from jianguan.ledger.display import describe
    from jianguan.ledger.selectors import entries_done_by

    entries = list(entries_done_by(actor=actor, limit=8))
    words = describe(entries)
    return [
        {
            "entry": e,
            "label": words[e.index].label,
            "kind": words[e.index].kind,
            "object": words[e.index].name,
        }
        for e in entries
    ]


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
