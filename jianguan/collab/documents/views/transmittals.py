"""Pages of transmittals: a project's list, the form to send one (current versions of the
project's documents to other parties of the project), a transmittal's page with each
recipient's acknowledgement, and the recipient's acknowledge button."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.collab.documents import selectors, services_transmittals
from jianguan.collab.documents.forms import TransmittalForm
from jianguan.core.errors import DomainError, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.projects.models import Participant


@require_GET
@permission_required("collab_documents.view")
def transmittal_list_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    items = list(
        selectors.transmittals_visible_to(actor=request.actor).filter(project=project)[:200]
    )
    ctx = {
        "project": project,
        "items": items,
        "can_write": selectors.may_write(request.actor, project.pk),
        "my_org": request.actor.organisation_id,
    }
    return render(request, "collab_documents/transmittals.html", ctx)


def _choices(actor, project):
    orgs = {}
    for p in (
        Participant.objects.filter(project=project, is_active=True)
        .exclude(organisation_id=actor.organisation_id)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        label = orgs.get(p.organisation_id, (p.organisation.name, []))
        label[1].append(p.get_role_display())
        orgs[p.organisation_id] = label
    org_choices = [(pk, f"{name}（{'、'.join(roles)}）") for pk, (name, roles) in orgs.items()]
    docs = selectors.documents_of(actor=actor, project_id=project.pk).exclude(current=None)[:500]
    version_choices = [
        (d.current_id, f"{d.reference + ' ' if d.reference else ''}{d.title}（{d.current.label}）")
        for d in docs
    ]
    return org_choices, version_choices


@require_http_methods(["GET", "POST"])
@permission_required("collab_documents.write")
def transmittal_new_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    if not selectors.may_write(actor, project.pk):
        raise PermissionDenied("仅本项目的参建单位可发送文件传递单", code="permission_denied")
    orgs, versions = _choices(actor, project)
    initial = {"versions": [int(v) for v in request.GET.getlist("version") if v.isdigit()]}
    form = TransmittalForm(
        request.POST or None, organisations=orgs, versions=versions, initial=initial
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services_transmittals.transmittal_send(
                actor=actor,
                project=project,
                subject=data["subject"],
                purpose=data["purpose"],
                message=data["message"],
                version_ids=data["versions"],
                recipient_ids=data["recipients"],
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            messages.success(request, f"已发送文件传递单 {item.number}")
            return redirect("collab_documents:transmittal", item.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"project": project, "form": form, "error": error}
    return render(request, "collab_documents/transmittal_new.html", ctx, status=status)


@require_GET
@permission_required("collab_documents.view")
def transmittal_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    item = selectors.transmittal_get(actor=actor, pk=pk)
    recipients = list(item.recipients.all())
    mine = next((r for r in recipients if r.organisation_id == actor.organisation_id), None)
    ctx = {
        "project": item.project,
        "item": item,
        "recipients": recipients,
        "versions": list(selectors.transmittal_versions(item)),
        "may_acknowledge": mine is not None
        and mine.acknowledged_at is None
        and actor.can("collab_documents.acknowledge"),
        "acknowledged": sum(1 for r in recipients if r.acknowledged_at),
    }
    return render(request, "collab_documents/transmittal.html", ctx)


@require_POST
@permission_required("collab_documents.acknowledge")
def transmittal_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.transmittal_get(actor=request.actor, pk=pk)
    try:
        services_transmittals.transmittal_acknowledge(actor=request.actor, transmittal=item)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已确认收到文件传递单 {item.number}")
    return redirect("collab_documents:transmittal", item.pk)
