"""操作说明 pages: an index, one page per module, and the developers' corner (the API docs).

Kept out of views.py (the dashboards live there) so each can change without the other.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jianguan.core.permissions import permission_required
from jianguan.web import help as help_data


@permission_required("dashboard.view")
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/help/index.html", {"modules": help_data.MODULES})


@permission_required("dashboard.view")
def help_module(request: HttpRequest, module: str) -> HttpResponse:
    entry = help_data.BY_SLUG.get(module)
    if entry is None:
        raise Http404("没有这个模块的操作说明")
    return render(
        request,
        f"web/help/{entry.slug}.html",
        {"module": entry, "modules": help_data.MODULES, "clocks": help_data.clocks_for(entry)},
    )
