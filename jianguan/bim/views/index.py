"""The BIM entry page from the navigation: the projects whose models the person sees, with
their model revisions, clash detection and unresolved clashes, each a link."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.bim import selectors, workflow
from jianguan.bim.models import Clash, ModelRevision
from jianguan.core.permissions import permission_required
from jianguan.projects.models import Project

LIMIT = 200


@require_GET
@permission_required("bim.view")
def index_page(request: HttpRequest) -> HttpResponse:
    ids = selectors.project_ids(request.actor)
    with_models = ModelRevision.objects.values("project_id")
    # the regulator sees the district's projects that have models; a participant its own
    # projects, models or not (it may upload the first)
    projects = (
        Project.objects.filter(pk__in=with_models)
        if ids is None
        else (Project.objects.filter(pk__in=ids))
    )
    rows = list(projects.order_by("-pk").values("pk", "code", "name")[: LIMIT + 1])
    more = len(rows) > LIMIT
    rows = rows[:LIMIT]
    pks = [r["pk"] for r in rows]
    revisions = {
        r["project_id"]: r
        for r in ModelRevision.objects.filter(project_id__in=pks)
        .values("project_id")
        .annotate(
            total=Count("id"),
            ready=Count("id", filter=Q(status=workflow.READY)),
            failed=Count("id", filter=Q(status=workflow.FAILED)),
            busy=Count("id", filter=Q(status__in=(workflow.PENDING, workflow.PROCESSING))),
        )
    }
    clashes = {
        r["project_id"]: r
        for r in Clash.objects.filter(project_id__in=pks)
        .values("project_id")
        .annotate(
            open=Count("id", filter=Q(status__in=workflow.OPEN_STATUSES)),
            hard=Count("id", filter=Q(status__in=workflow.OPEN_STATUSES, type="hard")),
            total=Count("id"),
        )
    }
    for row in rows:
        row["revisions"] = revisions.get(row["pk"], {})
        row["clashes"] = clashes.get(row["pk"], {})
    return render(request, "bim/index.html", {"rows": rows, "more": more})
