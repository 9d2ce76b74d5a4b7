"""Create a project, a responsible person's page, and the permanent responsibility sign PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required
from jianguan.projects import selectors, services
from jianguan.projects.forms import ProjectCreateForm
from jianguan.projects.models import DistrictBoundary, Person, ProjectLead
from jianguan.projects.pdf import responsibility_sign_document
from jianguan.projects.views_map import map_settings, towns

FIELD_OF_CODE = {"bad_location": "longitude", "bad_budget": "budget", "bad_owner": "owner"}


@require_http_methods(["GET", "POST"])
@permission_required("projects.create")
def project_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    form = ProjectCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=actor, **form.service_kwargs())
        except DomainError as exc:
            field = FIELD_OF_CODE.get(exc.code)
            if exc.code == "bad_location" and "用地范围" in exc.message:
                field = "site_polygon"
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"已登记项目：{project.code} {project.name}")
            return redirect("projects:detail", pk=project.pk)
    boundary = DistrictBoundary.objects.order_by("-id").first()
    ctx = {
        "form": form,
        "map_config": {
            **map_settings(),
            "towns": towns(),
            "boundary": boundary.geojson if boundary else None,
        },
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/create.html", ctx, status=status)


@require_GET
@permission_required("projects.view_own")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Lifetime responsibility (质量终身责任): every project the person has led, replaced or not."""
    person = Person.objects.filter(pk=pk).first() if 0 < pk < 2**62 else None
    if person is None:
        raise NotFound("责任人不存在", code="person_not_found")
    visible = selectors.project_list_visible_to(actor=request.actor).order_by().values("pk")
    leads = list(
        ProjectLead.objects.filter(person=person, project__in=visible)
        .select_related("project", "project__town", "organisation", "replaced_by__person")
        .order_by("-started_on", "-pk")
    )
    if not leads and not request.actor.can("projects.view_all"):
        raise NotFound("责任人不存在或无权查看", code="person_not_found")
    ctx = {
        "person": person,
        "leads": leads,
        "current": sum(1 for lead in leads if lead.ended_on is None),
        "replaced": sum(1 for lead in leads if lead.ended_on is not None),
    }
    return render(request, "projects/person.html", ctx)


@require_GET
@permission_required("projects.view_own")
def sign_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_visible_to(actor=request.actor, pk=pk)
    data = responsibility_sign_document(actor=request.actor, project=project)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{project.code}-sign.pdf"'
    return response
