"""Pages of a project's models: the revisions by discipline with their processing progress
(htmx refreshes the table while one is processing), the chunked upload page (the script in
static/bim/upload.js talks to the API), a revision's summary and its model quantities."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from jianguan.bim import selectors, services, viewpayload, workflow
from jianguan.bim.forms import UploadForm
from jianguan.bim.meshcache import FileMeshCache
from jianguan.bim.models import BoqMapping, Element
from jianguan.core.permissions import permission_required

BUSY = (workflow.PENDING, workflow.PROCESSING)
MAX_ELEMENTS = 20_000  # the payload stops at MAX_MODEL_TRIANGLES long before


def _groups(revisions) -> list[dict]:
    """Revisions by discipline, in the order disciplines are listed, newest first in each."""
    by: dict[str, list] = {}
    for r in revisions:
        by.setdefault(r.discipline, []).append(r)
    return [
        {"code": code, "label": label, "revisions": by[code]}
        for code, label in workflow.DISCIPLINES.items()
        if code in by
    ]


@require_GET
@permission_required("bim.view")
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    revisions = list(
        selectors.revisions_visible_to(actor=request.actor, project_id=project.pk).select_related(
            "organisation"
        )[:300]
    )
    ctx = {
        "project": project,
        "groups": _groups(revisions),
        "busy": any(r.status in BUSY for r in revisions),
        "can_upload": services.may_upload(request.actor, project.pk),
        "max_mb": settings.BIM_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    if request.GET.get("part") == "revisions":
        return render(request, "bim/_revisions.html", ctx)
    return render(request, "bim/project.html", ctx)


def _api_start() -> str:
    try:
        return reverse("api:upload_start")
    except NoReverseMatch:  # the page still renders without the API mounted
        return "/api/v1/bim/uploads"


@require_GET
@permission_required("bim.view")
def upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    services.require_upload(request.actor, project.pk)  # the services' rule and message
    ctx = {
        "project": project,
        "form": UploadForm(),
        "api_start": _api_start(),
        "chunk_size": settings.BIM_CHUNK_BYTES,
        "max_size": settings.BIM_MAX_UPLOAD_BYTES,
    }
    return render(request, "bim/upload.html", ctx)


def _rows(counts: dict, limit: int = 60) -> list[dict]:
    """Count table rows, largest first, each with its share of the largest (the bar)."""
    items = sorted((counts or {}).items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    top = items[0][1] if items else 0
    return [{"code": k, "n": n, "pct": round(100 * n / top) if top else 0} for k, n in items]


@require_GET
@permission_required("bim.view")
def revision_page(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.revision_get(actor=request.actor, pk=pk)
    s = r.summary or {}
    ctx = {
        "r": r,
        "project": r.project,
        "s": s,
        "by_class": _rows(s.get("counts_by_class")),
        "by_storey": _rows(s.get("counts_by_storey")),
    }
    return render(request, "bim/revision.html", ctx)


@require_GET
@permission_required("bim.view")
def quantities_page(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.revision_get(actor=request.actor, pk=pk)
    names = dict(BoqMapping.objects.filter(project_id=r.project_id).values_list("code", "name"))
    rows = list(selectors.quantities_of(r))
    for q in rows:
        q.name = names.get(q.code, "")
    ctx = {"r": r, "project": r.project, "rows": rows, "mappings_exist": bool(names)}
    return render(request, "bim/quantities.html", ctx)


@require_GET
@permission_required("bim.view")
def revision_view_page(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.revision_get(actor=request.actor, pk=pk)
    return render(request, "bim/revision_view.html", {"r": r, "project": r.project})


@require_GET
@permission_required("bim.view")
def revision_view_json(request: HttpRequest, pk: int) -> JsonResponse:
    """Every element of a ready revision from the mesh cache, around a local origin."""
    r = selectors.revision_get(actor=request.actor, pk=pk)
    cache = FileMeshCache(services.mesh_dir())
    rows = Element.objects.filter(revision=r).values_list("guid", "geometry_hash")[:MAX_ELEMENTS]
    meshes = (cache.get(guid, h) for guid, h in rows if h)
    return JsonResponse(viewpayload.build_model(m for m in meshes if m is not None))
