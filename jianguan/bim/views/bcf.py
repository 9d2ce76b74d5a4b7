"""BCF buttons of a clash set: export (one topic per clash, a deterministic GUID so a re-export
updates the topics in Navisworks/Solibri/BIMcollab) and import (statuses and comments back)."""

from __future__ import annotations

import importlib
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.bim import selectors, services_clash
from jianguan.bim.forms import BcfImportForm
from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required

MAX_BCF_BYTES = 50 * 1024 * 1024


def _service(name: str):
    """The core's BCF verb, wherever the core keeps it."""
    for module in ("jianguan.bim.services_bcf", "jianguan.bim.services_clash"):
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise NotFound("BCF 功能尚未启用", code="bcf_unavailable")


@require_GET
@permission_required("bim.view")
def bcf_export(request: HttpRequest, pk: int) -> HttpResponse:
    cs = selectors.clash_set_get(actor=request.actor, pk=pk)
    services_clash.require_coordinate(request.actor, cs.project_id)
    data = _service("clash_bcf_export")(actor=request.actor, clash_set=cs)
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
    form = BcfImportForm(request.POST, request.FILES)
    if not form.is_valid() or form.cleaned_data["file"].size > MAX_BCF_BYTES:
        return redirect(f"{url}?error=bad_bcf")
    try:
        result = _service("clash_bcf_import")(
            actor=request.actor, clash_set=cs, data=form.cleaned_data["file"].read()
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        return redirect(f"{url}?error=bad_bcf")
    updated = result.get("updated", 0) if isinstance(result, dict) else result
    return redirect(f"{url}?notice={quote(f'BCF 已导入：更新 {updated} 条碰撞')}")
