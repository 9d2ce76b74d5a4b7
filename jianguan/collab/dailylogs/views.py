"""Daily log pages, phone-width first (field staff write logs on phones): a project's month
calendar and list, the log form (manpower prefilled from attendance), a log with its photos,
signing, addenda and the supervisor's finding."""

from __future__ import annotations

import calendar
import datetime as dt

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.collab.dailylogs import selectors, services, workflow
from jianguan.collab.dailylogs.forms import LogForm, equipment_text, parse_equipment, parse_manpower
from jianguan.collab.dailylogs.models import DailyLog
from jianguan.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Participant


def _month(raw: str | None, today: dt.date) -> dt.date:
    try:
        y, m = (int(x) for x in (raw or "").split("-"))
        return dt.date(y, m, 1)
    except ValueError:
        return today.replace(day=1)


@require_GET
@permission_required("dailylogs.view")
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    today = today_local()
    first = _month(request.GET.get("month"), today)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    logs = list(
        selectors.logs_of(actor=actor, project=project)
        .filter(log_date__gte=first, log_date__lte=last)
        .order_by("log_date", "kind", "pk")
    )
    by_day: dict[dt.date, list[DailyLog]] = {}
    for log in logs:
        by_day.setdefault(log.log_date, []).append(log)
    weeks = [
        [{"day": d, "in_month": d.month == first.month, "logs": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    prev_m = (first - dt.timedelta(days=1)).replace(day=1)
    next_m = last + dt.timedelta(days=1)
    ctx = {
        "project": project,
        "month": first,
        "prev_month": f"{prev_m:%Y-%m}",
        "next_month": f"{next_m:%Y-%m}" if next_m <= today else "",
        "weeks": weeks,
        "logs": list(reversed(logs)),
        "today": today,
        "writer_kind": selectors.writer_kind(actor, project),
        "kinds": workflow.KINDS,
    }
    return render(request, "dailylogs/project.html", ctx)


def _form_ctx(project, form, *, kind, log_date, manpower, addendum_of=None, log=None, error=None):
    trades = selectors.trades()
    counts = {r["trade"]: r for r in manpower}
    rows = [
        {
            "code": code,
            "label": label,
            "count": counts[code]["count"] if code in counts else "",
            "from_attendance": counts.get(code, {}).get("from_attendance", False),
        }
        for code, label in trades.items()
    ]
    rows.sort(key=lambda r: r["count"] == "")  # the trades on site first
    return {
        "project": project,
        "form": form,
        "kind": kind,
        "kind_label": workflow.KINDS.get(kind, ""),
        "log_date": log_date,
        "rows": rows,
        "prefilled": any(r["from_attendance"] for r in manpower),
        "addendum_of": addendum_of,
        "log": log,
        "error": error,
    }


def _content(request: HttpRequest, form: LogForm) -> dict:
    data = form.cleaned_data
    return {
        "weather_am": data["weather_am"],
        "weather_pm": data["weather_pm"],
        "temp_min": data["temp_min"],
        "temp_max": data["temp_max"],
        "wind": data["wind"],
        "equipment": parse_equipment(data["equipment_text"]),
        "work_done": data["work_done"],
        "issues": data["issues"],
        "manpower": parse_manpower(request.POST, selectors.trades()),
    }


@permission_required("dailylogs.write")
def log_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    kind = selectors.writer_kind(actor, project)
    if kind is None:
        selectors.require_writer(actor, project, workflow.CONSTRUCTION)  # 403 with its words
    addendum_of = None
    if (raw := request.GET.get("addendum") or request.POST.get("addendum")) and raw.isdigit():
        addendum_of = selectors.log_get(actor=actor, pk=int(raw))
    try:
        log_date = dt.date.fromisoformat(request.GET.get("date") or request.POST.get("date") or "")
    except ValueError:
        log_date = today_local()
    if addendum_of is not None:
        log_date = addendum_of.log_date
    if request.method == "POST":
        form = LogForm(request.POST)
        error = None
        if form.is_valid():
            try:
                log = services.log_create(
                    actor=actor,
                    project=project,
                    kind=kind,
                    log_date=log_date,
                    addendum_of=addendum_of,
                    **_content(request, form),
                )
                return redirect(reverse("collab_dailylogs:log", args=[log.pk]))
            except DomainError as exc:
                error = exc
        manpower = parse_manpower_safe(request)
        ctx = _form_ctx(
            project,
            form,
            kind=kind,
            log_date=log_date,
            manpower=manpower,
            addendum_of=addendum_of,
            error=error,
        )
        return render(
            request,
            "dailylogs/form.html",
            ctx,
            status=409 if error and error.status == 409 else 400,
        )
    manpower = [] if addendum_of else selectors.attendance_manpower(project, log_date)
    ctx = _form_ctx(
        project,
        LogForm(),
        kind=kind,
        log_date=log_date,
        manpower=manpower,
        addendum_of=addendum_of,
    )
    return render(request, "dailylogs/form.html", ctx)


def parse_manpower_safe(request: HttpRequest) -> list[dict]:
    try:
        return parse_manpower(request.POST, selectors.trades())
    except DomainError:
        return []


@permission_required("dailylogs.write")
def log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    log = selectors.log_get(actor=actor, pk=pk)
    if log.author_id != actor.user_id:
        raise PermissionDenied("只有日志的填写人可以修改", code="not_author")
    if log.status != workflow.DRAFT:
        raise Conflict("日志已签署，不可修改；如需更正请另写补充记录", code="log_signed")
    error = None
    if request.method == "POST":
        form = LogForm(request.POST)
        if form.is_valid():
            try:
                services.log_update(actor=actor, log=log, **_content(request, form))
                return redirect(reverse("collab_dailylogs:log", args=[log.pk]))
            except DomainError as exc:
                error = exc
        manpower = parse_manpower_safe(request)
    else:
        form = LogForm(
            initial={
                "weather_am": log.weather_am,
                "weather_pm": log.weather_pm,
                "temp_min": log.temp_min,
                "temp_max": log.temp_max,
                "wind": log.wind,
                "equipment_text": equipment_text(log.equipment),
                "work_done": log.work_done,
                "issues": log.issues,
            }
        )
        manpower = log.manpower
    ctx = _form_ctx(
        log.project,
        form,
        kind=log.kind,
        log_date=log.log_date,
        manpower=manpower,
        log=log,
        error=error,
    )
    return render(
        request, "dailylogs/form.html", ctx, status=400 if request.method == "POST" else 200
    )


@require_GET
@permission_required("dailylogs.view")
def log_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    log = selectors.log_get(actor=actor, pk=pk)
    return render(request, "dailylogs/log.html", _log_ctx(request, log))


def _log_ctx(request: HttpRequest, log: DailyLog, error=None) -> dict:
    actor = request.actor
    trades = selectors.trades()
    own = log.organisation_id == actor.organisation_id and actor.can("dailylogs.write")
    order = None
    if log.finding_order_id:
        from jianguan.compliance.models import RectificationOrder

        order = RectificationOrder.objects.filter(pk=log.finding_order_id).first()
    may_raise = (
        own
        and log.kind == workflow.SUPERVISION
        and not log.finding_order_id
        and actor.can("compliance.inspect_as_supervisor")
    )
    return {
        "log": log,
        "project": log.project,
        "kind_label": workflow.KINDS[log.kind],
        "status_label": workflow.STATUS[log.status],
        "weather_am": workflow.WEATHER.get(log.weather_am, ""),
        "weather_pm": workflow.WEATHER.get(log.weather_pm, ""),
        "manpower": [{**r, "label": trades.get(r["trade"], r["trade"])} for r in log.manpower],
        "manpower_total": sum(r["count"] for r in log.manpower),
        "photos": list(log.photos.all()),
        "addenda": list(selectors.addenda_of(actor=actor, log=log)),
        "is_author": log.author_id == actor.user_id,
        "may_addendum": own and log.status == workflow.SIGNED and log.addendum_of_id is None,
        "may_raise": may_raise,
        "parties": selectors.other_parties(log, actor) if may_raise else [],
        "order": order,
        "error": error,
    }


def _act(request: HttpRequest, pk: int, call) -> HttpResponse:
    log = selectors.log_get(actor=request.actor, pk=pk)
    try:
        call(log)
    except DomainError as exc:
        if exc.status == 403:
            raise
        log = selectors.log_get(actor=request.actor, pk=pk)
        return render(request, "dailylogs/log.html", _log_ctx(request, log, exc), status=exc.status)
    return redirect(reverse("collab_dailylogs:log", args=[pk]))


@require_POST
@permission_required("dailylogs.write")
def log_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda log: services.log_sign(actor=request.actor, log=log))


@require_POST
@permission_required("dailylogs.write")
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    def call(log):
        services.log_photo_add(
            actor=request.actor,
            log=log,
            photo=request.FILES.get("photo"),
            caption=request.POST.get("caption", ""),
        )

    return _act(request, pk, call)


@require_POST
@permission_required("compliance.inspect_as_supervisor")
def finding_raise(request: HttpRequest, pk: int) -> HttpResponse:
    def call(log):
        raw = request.POST.get("responsible") or ""
        org = (
            Participant.objects.filter(
                project_id=log.project_id, organisation_id=int(raw) if raw.isdigit() else 0
            )
            .select_related("organisation")
            .first()
        )
        if org is None:
            from jianguan.core.errors import ValidationFailed

            raise ValidationFailed("请选择本项目的责任单位", code="not_participant")
        services.log_finding_raise(
            actor=request.actor,
            log=log,
            type=request.POST.get("type", ""),
            severity=request.POST.get("severity", ""),
            description=request.POST.get("description", ""),
            responsible_organisation=org.organisation,
            location=request.POST.get("location", ""),
        )

    return _act(request, pk, call)


@require_GET
@permission_required("dailylogs.view")
def photo_file(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    log = selectors.log_get(actor=request.actor, pk=pk)
    item = selectors.photo_get(actor=request.actor, log=log, pk=photo)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise NotFound("照片文件不存在", code="photo_missing") from None
    ctype = "image/png" if item.file.name.endswith(".png") else "image/jpeg"
    return FileResponse(handle, content_type=ctype)
