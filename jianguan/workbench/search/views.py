"""The search page: ``/workbench/search/?q=&kind=``, results grouped by kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.core.errors import ValidationFailed
from jianguan.workbench.search import query as search_query
from jianguan.workbench.search import text
from jianguan.workbench.search.registry import labels

PAGE_LIMIT = 20


@require_GET
@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "").strip()
    context = {
        "q": q,
        "search_q": q,
        "kind": kind,
        "kinds": labels(),
        "max_chars": text.MAX_QUERY_CHARS,
        "result": None,
        "error": "",
    }
    status = 200
    if q:
        try:
            context["result"] = search_query.search(
                actor=request.actor,
                query=q[: text.MAX_QUERY_CHARS + 1],
                kind=kind or None,
                limit=PAGE_LIMIT if kind else search_query.DEFAULT_LIMIT,
            )
        except ValidationFailed as exc:
            context["error"] = exc.message
            status = 400
    return render(request, "workbench/search.html", context, status=status)
