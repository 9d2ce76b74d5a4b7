"""Schedule pages: the schedules the actor sees, a project's Gantt chart (server-rendered SVG:
the critical path in red, the baseline bar under each bar, progress), its activities with dates
and floats, the import form, the baseline button, progress reporting and the MSPDI export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jianguan.collab.schedule import convert, reads, selectors, services
from jianguan.collab.schedule.engine.gantt import GanttRow, render_svg
from jianguan.collab.schedule.models import Activity
from jianguan.collab.schedule.table import table_rows
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import now

VIEW = "collab_schedule.view"
MANAGE = "collab_schedule.manage"
GANTT_MAX = 3000


@require_GET
@permission_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    rows = []
    for s in selectors.schedules_visible_to(actor=request.actor)[:500]:
        rows.append(reads.schedule_read(s))
    return render(request, "collab_schedule/index.html", {"rows": rows})


def gantt_rows(acts: list[Activity]) -> list[GanttRow]:
    n = convert.naive
    return [
        GanttRow(
            key=str(a.pk),
            name=a.name,
            start=n(a.early_start),
            finish=n(a.early_finish),
            baseline_start=n(a.baseline_start),
            baseline_finish=n(a.baseline_finish),
            percent_complete=a.percent_complete,
            critical=a.critical and not a.summary,
            milestone=a.milestone,
            total_float_minutes=a.total_float or 0,
            level=a.outline_level,
            summary=a.summary,
        )
        for a in acts
        if a.early_start and a.early_finish
    ]


def gantt_svg(acts: list[Activity], links: list[tuple[int, int, str]]) -> str:
    rows = gantt_rows(acts)
    if not rows:
        return ""
    arrows = [(str(p), str(s), t) for p, s, t in links]
    return render_svg(rows, arrows, today=convert.naive(now()))


@require_GET
@permission_required(VIEW)
def gantt(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    s = selectors.schedule_of(project)
    can_keep = request.actor.can(MANAGE) and selectors.is_keeper(request.actor, project.pk)
    ctx = {"project": project, "s": None, "can_keep": can_keep}
    if s is not None:
        acts = list(s.activities.order_by("seq")[:GANTT_MAX])
        shown = {a.pk for a in acts}
        _summarise_summaries(acts)
        links = [
            (p, q, t)
            for p, q, t in s.links.values_list("pred_id", "succ_id", "type")
            if p in shown and q in shown
        ]
        rows = [reads.activity_read(a, s.minutes_per_day) for a in acts]
        ctx.update(
            s=reads.schedule_read(s, reads.counts_of(s)),
            svg=gantt_svg(acts, links),
            table=table_rows(rows, can_keep=can_keep, csrf=get_token(request)),
            truncated=s.activities.count() > GANTT_MAX,
        )
    return render(request, "collab_schedule/gantt.html", ctx)


def _summarise_summaries(acts: list[Activity]) -> None:
    """A summary bar spans the tasks under it (the engine leaves summaries out)."""
    stack: list[Activity] = []
    for a in acts:
        while stack and stack[-1].outline_level >= a.outline_level:
            stack.pop()
        if not a.summary and a.early_start:
            for parent in stack:
                parent.early_start = min(parent.early_start or a.early_start, a.early_start)
                parent.early_finish = max(parent.early_finish or a.early_finish, a.early_finish)
        if a.summary:
            a.early_start = a.early_finish = None
            stack.append(a)


def _back(pk: int):
    return redirect("collab_schedule:gantt", pk=pk)


@require_POST
@permission_required(MANAGE)
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_to_keep(actor=request.actor, pk=pk)
    try:
        s = services.schedule_import(
            actor=request.actor, project=project, upload=request.FILES.get("file")
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, f"导入失败，原计划未改动：{exc.message}")
    else:
        n = s.activities.count()
        note = "；未导入：" + "；".join(s.not_imported) if s.not_imported else ""
        messages.success(request, f"已导入 {n} 项作业并计算关键路径{note}")
    return _back(project.pk)


@require_POST
@permission_required(MANAGE)
def baseline(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_to_keep(actor=request.actor, pk=pk)
    s = selectors.schedule_for(actor=request.actor, project_id=project.pk)
    services.baseline_set(actor=request.actor, schedule_obj=s)
    messages.success(request, "已将当前计划设为基线")
    return _back(project.pk)


def _local(value: str, label: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return convert.aware(dt.datetime.fromisoformat(value[:16]))
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确", code="bad_datetime") from None


@require_POST
@permission_required(MANAGE)
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    act = selectors.activity_to_keep(actor=request.actor, pk=pk)
    project_id = act.schedule.project_id
    try:
        raw = (request.POST.get("percent_complete") or "").strip()
        if not raw.isdigit():
            raise ValidationFailed("完成百分比应为 0 到 100 的整数", code="bad_percent")
        services.progress_update(
            actor=request.actor,
            activity=act,
            percent_complete=int(raw),
            actual_start=_local(request.POST.get("actual_start", ""), "实际开始"),
            actual_finish=_local(request.POST.get("actual_finish", ""), "实际完成"),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已填报“{act.name}”的进度并重新计算关键路径")
    return _back(project_id)


@require_GET
@permission_required(VIEW)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.schedule_for(actor=request.actor, project_id=pk)
    response = HttpResponse(
        services.schedule_export(schedule_obj=s), content_type="application/xml"
    )
    response["Content-Disposition"] = f'attachment; filename="schedule-{s.project_id}.xml"'
    return response
