"""BCF buttons of a clash set: export (one topic per clash, a deterministic GUID so a re-export
updates the topics in Navisworks/Solibri/BIMcollab) and import (statuses and comments back)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.bim import selectors, services_bcf, services_clash
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required


@require_GET
@permission_required("bim.view")
def bcf_export(request: HttpRequest, pk: int) -> HttpResponse:
    cs = selectors.clash_set_get(actor=request.actor, pk=pk)  # whoever sees the set
    data = services_bcf.clash_bcf_export(actor=request.actor, clash_set=cs)
    response = HttpResponse(data, content_type="application/octet-stream")
    name = f"{cs.project.code}-{cs.name}.bcf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
@permission_required("bim.view")
def bcf_import(request: HttpRequest, pk: int) -> HttpResponse:
    cs = selectors.clash_set_get(actor=request.actor, pk=pk)
    services_clash.require_coordinate(request.actor, cs.project_id)  # 403 before the file
    url = reverse("bim:clash_set", args=[cs.pk])
    try:
        counts = services_bcf.clash_bcf_import(
            actor=request.actor, clash_set=cs, upload=request.FILES.get("file")
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, f"BCF 导入失败：{exc.message}")
        return redirect(url)
    messages.success(
        request,
        f"BCF 已导入：{counts.get('topics', 0)} 个主题，更新 {counts.get('updated', 0)} 条碰撞状态，"
        f"新增 {counts.get('comments', 0)} 条意见"
        + (f"，{counts['unknown']} 个主题不属于本检测集" if counts.get("unknown") else ""),
    )
    return redirect(url)
