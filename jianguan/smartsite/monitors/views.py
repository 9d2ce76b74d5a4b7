"""Monitor devices of a site: registered by the project's owner or the regulator, the HTTP key
shown once, quarantined or retired with a reason; the MNs heard but never registered, for the
regulator to see who is sending."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, NotFound, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.projects.selectors import project_get_visible_to
from jianguan.smartsite.monitors import services, workflow
from jianguan.smartsite.monitors.forms import DeviceForm, StatusForm
from jianguan.smartsite.monitors.models import Device, QuarantinedFrame


def _project(request: HttpRequest, pk: int):
    return project_get_visible_to(actor=request.actor, pk=pk)


def _render(request, project, *, form=None, new_key=None, error=None, status=200):
    devices = list(Device.objects.filter(project=project).order_by("status", "mn"))
    ctx = {
        "project": project,
        "devices": devices,
        "can_manage": services.may_manage(request.actor, project),
        "form": form or DeviceForm(initial={"at_boundary": True}),
        "status_form": StatusForm(),
        "new_key": new_key,
        "error": error,
        "labels": workflow.DEVICE_STATUS,
    }
    return render(request, "smartsite/monitors/devices.html", ctx, status=status)


@require_GET
@permission_required("smartsite.view")
def devices(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _project(request, pk))


@require_POST
@permission_required("smartsite.view")
def device_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not services.may_manage(request.actor, project):
        raise PermissionDenied("仅监管部门或本项目建设单位可登记监测设备", code="not_project_owner")
    form = DeviceForm(request.POST)
    if not form.is_valid():
        return _render(request, project, form=form, status=400)
    data = form.cleaned_data
    try:
        device, key = services.device_register(
            actor=request.actor,
            project=project,
            mn=data["mn"],
            name=data["name"],
            kind=data["kind"],
            pm_unit=data["pm_unit"],
            password=data["password"],
            at_boundary=data["at_boundary"],
        )
    except DomainError as exc:
        status = 409 if exc.code == "device_exists" else 400
        return _render(request, project, form=form, error=exc, status=status)
    # The key is shown on this answer only: the platform keeps its SHA-256.
    return _render(request, project, new_key={"device": device, "key": key})


@require_POST
@permission_required("smartsite.view")
def device_status(request: HttpRequest, pk: int) -> HttpResponse:
    device = Device.objects.select_related("project").filter(pk=pk).first()
    if device is None or device.project is None:
        raise NotFound("设备不存在", code="device_not_found")
    project = _project(request, device.project_id)
    if not services.may_manage(request.actor, project):
        raise PermissionDenied("仅监管部门或本项目建设单位可管理监测设备", code="not_project_owner")
    form = StatusForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请选择状态并填写原因", code="bad_form")
        services.device_set_status(
            actor=request.actor,
            device=device,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return _render(request, project, error=exc, status=400)
    return redirect(reverse("smartsite:env_devices", args=[project.pk]))


@require_GET
@permission_required("smartsite.monitors_manage")
def unknown(request: HttpRequest) -> HttpResponse:
    """MNs heard and never registered, and other quarantined traffic (the regulator's view)."""
    if not request.actor.is_kind("regulator"):
        raise PermissionDenied("仅监管部门可查看隔离报文", code="permission_denied")
    frames = QuarantinedFrame.objects.order_by("-received_at")[:200]
    return render(
        request,
        "smartsite/monitors/unknown.html",
        {
            "frames": frames,
            "devices": Device.objects.filter(status=workflow.UNKNOWN).order_by("mn"),
        },
    )
