"""The BoQ mapping page: each bill-of-quantities item (GB 50500 code) with the IFC classes that
measure it and the model quantity in each discipline's newest ready revision, and the form to
add an item (the services recompute the quantities)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from jianguan.bim import labels, selectors, services_quantity, workflow
from jianguan.bim.forms import MappingForm
from jianguan.bim.models import Element, ModelQuantity
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required

MEASURE_ZH = {"m3": "体积", "m2": "面积", "m": "长度", "个": "数量", "t": "体积 × 密度"}


def _ctx(request, project, form=None, error=None) -> dict:
    revisions = [
        r
        for r in (selectors.latest_ready(project.pk, d) for d in workflow.DISCIPLINES)
        if r is not None
    ]
    mappings = list(selectors.mappings_visible_to(actor=request.actor, project_id=project.pk))
    quantities = {
        (q.revision_id, q.code): q for q in ModelQuantity.objects.filter(revision__in=revisions)
    }
    for m in mappings:
        m.measure_label = MEASURE_ZH.get(m.unit, m.unit)
        m.quantities = [quantities.get((r.pk, m.code)) for r in revisions]
    present = set(
        Element.objects.filter(revision__in=revisions).values_list("ifc_class", flat=True)
    )
    classes = present | set(labels.IFC_CLASSES) - {"IfcSite", "IfcBuilding", "IfcBuildingStorey"}
    return {
        "project": project,
        "revisions": revisions,
        "mappings": mappings,
        "form": form or MappingForm(classes=classes),
        "classes": classes,
        "can_map": services_quantity.may_map(request.actor, project.pk),
        "error": error,
    }


@require_http_methods(["GET", "POST"])
@permission_required("bim.view")
def boq_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    if request.method == "GET":
        return render(request, "bim/boq.html", _ctx(request, project))
    services_quantity.require_map(request.actor, project.pk)  # 403 before the form
    ctx = _ctx(request, project)
    form = MappingForm(request.POST, classes=ctx["classes"])
    try:
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            raise ValidationFailed(str(first), code="bad_form")
        d = form.cleaned_data
        services_quantity.mapping_create(
            actor=request.actor,
            project=project,
            code=d["code"],
            name=d["name"],
            unit=d["unit"],
            selector=form.selector(),
        )
        services_quantity.model_quantities_compute(actor=request.actor, project=project)
    except DomainError as exc:
        if exc.status == 403:
            raise
        ctx.update(form=form, error=exc)
        return render(request, "bim/boq.html", ctx, status=exc.status)
    return redirect(reverse("bim:boq", args=[project.pk]))
