"""The 实名制 pages: the smart site index, a project's roster page (workers, contracts, today's
headcount, gate devices, alerts), a worker's page (identity as the actor may see it,
contracts, placements, training, certificates and the person's blacklist entries), the Excel
import, and the attendance page (headcount per day by trade and employer, manual entry by the
labour officer)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jianguan.accounts.models import Organisation
from jianguan.core.errors import DomainError, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import to_local, today_local
from jianguan.projects.models import Participant
from jianguan.smartsite.workers import forms, importer, selectors, services, workflow
from jianguan.smartsite.workers.attendance import services as attendance_services
from jianguan.smartsite.workers.blacklist import selectors as blacklist_selectors
from jianguan.smartsite.workers.models import EntryAlert, LabourContract, Placement, Worker

EMPLOYER_ROLES = ("general_contractor", "labour_subcontractor", "specialist_subcontractor")


def _scope(request: HttpRequest, pk: int) -> selectors.Scope:
    return selectors.project_scope(actor=request.actor, pk=pk)


def _employers(request: HttpRequest, scope: selectors.Scope) -> list[Organisation]:
    """Whom the actor may register workers for on this project: its own firm, and for the
    general contractor every firm on the project that employs workers."""
    actor = request.actor
    if not actor.can("smartsite.workers_manage") or actor.organisation_id is None:
        return []
    ids = {actor.organisation_id}
    if scope.is_gc:
        ids |= set(
            Participant.objects.filter(
                project=scope.project, is_active=True, role__in=EMPLOYER_ROLES
            ).values_list("organisation_id", flat=True)
        )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def manageable_workers(request: HttpRequest, scope: selectors.Scope):
    employers = _employers(request, scope)
    return Worker.objects.filter(employer__in=employers).order_by("name", "pk")


def project_url(scope: selectors.Scope, anchor: str = "") -> str:
    return reverse("smartsite:project", args=[scope.project.pk]) + (f"#{anchor}" if anchor else "")


@permission_required("smartsite.view")
def index(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    today = today_local()
    projects = selectors.projects_with_roster(actor=actor).annotate(
        on_site=Count("placements", filter=Q(placements__status=workflow.ACTIVE), distinct=True)
    )
    alerts = selectors.alerts_visible_to(actor=actor).filter(status=workflow.ALERT_OPEN)
    return render(
        request,
        "smartsite/workers/index.html",
        {
            "projects": projects[:200],
            "alerts": alerts.order_by("-at", "-pk")[:50],
            "today": today,
            "can_blacklist": actor.can("smartsite.worker_blacklist_manage"),
        },
    )


def _roster_rows(request: HttpRequest, scope: selectors.Scope) -> list[dict]:
    rows = []
    placements = selectors.roster(scope, on=today_local())
    listed = blacklist_selectors.blacklisted_among(
        [p.worker.id_number_index for p in placements], today_local()
    )
    for p in placements:
        full = selectors.may_see_identity(scope, request.actor, p.worker)
        rows.append(
            {
                "placement": p,
                "worker": p.worker,
                "id_number": selectors.identity_of(p.worker) if full else p.worker.id_number_masked,
                "full": full,
                "blacklisted": p.worker.id_number_index in listed,
            }
        )
    return rows


def _render_project(request: HttpRequest, scope: selectors.Scope, **bound) -> HttpResponse:
    actor = request.actor
    today = today_local()
    employers = _employers(request, scope)
    workers = manageable_workers(request, scope) if employers else Worker.objects.none()
    can_alerts = actor.can("smartsite.alerts_handle") and (scope.is_gc or scope.is_regulator)
    ctx = {
        "project": scope.project,
        "scope": scope,
        "today": today,
        "roster": _roster_rows(request, scope),
        "contracts": list(selectors.contracts(scope)[:200]),
        "headcount": selectors.headcount(scope, day=today),
        "devices": list(selectors.devices(scope)),
        "alerts": list(
            EntryAlert.objects.filter(project=scope.project).order_by("status", "-at")[:50]
        )
        if can_alerts
        else [],
        "can": {
            "manage": bool(employers),
            "devices": actor.can("smartsite.devices_manage") and scope.is_gc,
            "alerts": can_alerts,
        },
        "worker_form": bound.get("worker_form")
        or forms.WorkerForm(employers=employers, initial={"contract_start": today}),
        "contract_form": bound.get("contract_form")
        or forms.ContractForm(workers=workers, initial={"start": today}),
        "device_form": bound.get("device_form") or forms.DeviceForm(),
        "training_form": forms.TrainingForm(
            workers=workers, initial={"held_on": today, "kind": "three_level"}
        ),
        "certificate_form": forms.CertificateForm(workers=workers),
        "new_key": bound.get("new_key"),
    }
    return render(request, "smartsite/workers/project.html", ctx, status=bound.get("status", 200))


@permission_required("smartsite.view")
def project(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_project(request, _scope(request, pk))


@permission_required("smartsite.view")
def worker(request: HttpRequest, pk: int, worker_id: int) -> HttpResponse:
    scope = selectors.project_scope(actor=request.actor, pk=pk)
    person = selectors.worker_visible(scope, worker_id)
    full = selectors.may_see_identity(scope, request.actor, person)
    today = today_local()
    entries = list(blacklist_selectors.blacklist_of(person))
    return render(
        request,
        "smartsite/workers/worker.html",
        {
            "project": scope.project,
            "worker": person,
            "id_number": selectors.identity_of(person) if full else person.id_number_masked,
            "contracts": LabourContract.objects.filter(worker=person, project=scope.project),
            "placements": Placement.objects.filter(worker=person, project=scope.project),
            "trainings": person.trainings.all()[:50],
            "certificates": person.certificates.all(),
            "blacklist": entries,
            "blacklisted": any(e.in_force(today) for e in entries),
        },
    )


@require_POST
@permission_required("smartsite.workers_manage")
def worker_register(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    employers = _employers(request, scope)
    form = forms.WorkerForm(request.POST, request.FILES, employers=employers)
    if not form.is_valid():
        messages.error(request, "请检查登记信息")
        return _render_project(request, scope, worker_form=form, status=400)
    data = form.cleaned_data
    employer = next(o for o in employers if o.pk == data["employer"])
    try:
        # Registration, contract and placement together or not at all (one form, one answer).
        with transaction.atomic():
            worker = services.worker_register(
                actor=request.actor,
                employer=employer,
                name=data["name"],
                id_number=data["id_number"],
                trade=data["trade"],
                phone=data["phone"],
                bank_card=data["bank_card"],
                bank_name=data["bank_name"],
                photo=data.get("photo"),
            )
            if data.get("contract_start"):
                services.labour_contract_sign(
                    actor=request.actor,
                    worker=worker,
                    project=scope.project,
                    start=data["contract_start"],
                )
                services.worker_place(actor=request.actor, worker=worker, project=scope.project)
    except DomainError as exc:
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        form.add_error(field if field in form.fields else None, exc.message)
        messages.error(request, exc.message)
        return _render_project(request, scope, worker_form=form, status=exc.status)
    messages.success(request, f"已登记 {worker.name}（{worker.id_number_masked}）")
    for warning in blacklist_selectors.registration_warnings(worker, today_local()):
        messages.warning(request, warning)
    return redirect(project_url(scope, "roster"))


@require_POST
@permission_required("smartsite.workers_manage")
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    workers = manageable_workers(request, scope)
    form = forms.ContractForm(request.POST, workers=workers)
    if not form.is_valid():
        messages.error(request, "请检查合同信息")
        return _render_project(request, scope, contract_form=form, status=400)
    data = form.cleaned_data
    worker = workers.get(pk=data["worker"])
    try:
        with transaction.atomic():
            contract = services.labour_contract_sign(
                actor=request.actor,
                worker=worker,
                project=scope.project,
                start=data["start"],
                end=data["end"],
            )
            if data["place"]:
                services.worker_place(actor=request.actor, worker=worker, project=scope.project)
    except DomainError as exc:
        form.add_error(None, exc.message)
        messages.error(request, exc.message)
        return _render_project(request, scope, contract_form=form, status=exc.status)
    messages.success(request, f"已签订劳动合同 {contract.number}")
    return redirect(project_url(scope, "contracts"))


@require_POST
@permission_required("smartsite.devices_manage")
def device_register(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    form = forms.DeviceForm(request.POST)
    if not form.is_valid():
        return _render_project(request, scope, device_form=form, status=400)
    try:
        device, key = attendance_services.gate_device_register(
            actor=request.actor, project=scope.project, **form.cleaned_data
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_project(request, scope, device_form=form, status=exc.status)
    messages.success(request, f"已登记闸机 {device.name}，请立即把密钥配置到闸机（只显示这一次）")
    return _render_project(request, scope, new_key=key)


@require_POST
@permission_required("smartsite.alerts_handle")
def alert_close(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    form = forms.AlertCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写处理说明")
        return redirect(project_url(scope, "alerts"))
    alert = selectors.alert_visible(actor=request.actor, pk=form.cleaned_data["alert"])
    if alert.project_id != scope.project.pk:
        raise PermissionDenied("告警不属于本项目", code="permission_denied")
    attendance_services.entry_alert_close(
        actor=request.actor, alert=alert, note=form.cleaned_data["note"]
    )
    messages.success(request, "告警已处理")
    return redirect(project_url(scope, "alerts"))


@permission_required("smartsite.workers_manage")
def worker_import(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    employers = _employers(request, scope)
    if not employers:
        raise PermissionDenied("无权为本项目导入工人", code="permission_denied")
    result, status = None, 200
    form = forms.ImportForm(employers=employers)
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES, employers=employers)
        if form.is_valid():
            employer = next(o for o in employers if o.pk == form.cleaned_data["employer"])
            try:
                result = importer.workers_import(
                    actor=request.actor, employer=employer, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
                status = exc.status
        else:
            status = 400
    return render(
        request,
        "smartsite/workers/import.html",
        {
            "project": scope.project,
            "form": form,
            "result": result,
            "columns": list(importer.COLUMNS),
        },
        status=status,
    )


@permission_required("smartsite.view")
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''workers-template.xlsx"
    return response


def _parse_day(raw: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@permission_required("smartsite.view")
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, pk)
    today = today_local()
    day = _parse_day(request.GET.get("day"), today)
    employers = _employers(request, scope)
    workers = (
        Worker.objects.filter(
            employer__in=employers,
            placements__project=scope.project,
            placements__status=workflow.ACTIVE,
        ).order_by("name", "pk")
        if employers
        else Worker.objects.none()
    )
    form, status = forms.ManualEventForm(workers=workers), 200
    if request.method == "POST":
        if not employers:
            raise PermissionDenied("无权补录考勤", code="permission_denied")
        form = forms.ManualEventForm(request.POST, workers=workers)
        if form.is_valid():
            try:
                attendance_services.attendance_record_manual(
                    actor=request.actor,
                    project=scope.project,
                    worker=workers.get(pk=form.cleaned_data["worker"]),
                    direction=form.cleaned_data["direction"],
                    at=form.cleaned_data["at"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "已补录考勤")
                return redirect(reverse("smartsite:attendance", args=[pk]) + f"?day={day}")
        else:
            status = 400
    week = [day - dt.timedelta(days=i) for i in range(6, -1, -1)]
    counts = [selectors.headcount(scope, day=d)["total"] for d in week]
    headcount = selectors.headcount(scope, day=day)
    days = list(selectors.attendance_days(scope, start=day, end=day))
    return render(
        request,
        "smartsite/workers/attendance.html",
        {
            "project": scope.project,
            "day": day,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
            "headcount": headcount,
            "days": [
                {
                    "row": d,
                    "first_in": to_local(d.first_in) if d.first_in else None,
                    "last_out": to_local(d.last_out) if d.last_out else None,
                    "hours": f"{d.minutes // 60}小时{d.minutes % 60}分" if d.minutes else "—",
                }
                for d in days
            ],
            "chart": {
                "trades": [k for k, _ in headcount["by_trade"]],
                "trade_counts": [v for _, v in headcount["by_trade"]],
                "week": [d.strftime("%m-%d") for d in week],
                "week_counts": counts,
            },
            "form": form,
            "can_record": bool(employers),
        },
        status=status,
    )
