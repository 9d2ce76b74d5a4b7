"""Meeting pages: a project's meetings, the new-meeting form, and the meeting page where the
organiser marks attendance, writes minutes and decisions, adds action items and issues the
minutes (which turns the action items into tasks)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.collab.tasks import reads, selectors, workflow
from jianguan.collab.tasks import services as task_services
from jianguan.collab.tasks.forms import MeetingForm, assignee_choices, lines, split_assignee
from jianguan.collab.tasks.meetings import services
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required

VIEW = "collab_tasks.view"


@require_GET
@permission_required(VIEW)
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    rows = [
        reads.meeting_read(m)
        for m in selectors.meetings_visible_to(actor=request.actor).filter(project=project)[:200]
    ]
    can_manage = request.actor.can(services.PERMISSION) and selectors.is_party(
        request.actor, project.pk
    )
    return render(
        request,
        "collab_tasks/meetings/list.html",
        {"project": project, "rows": rows, "can_manage": can_manage},
    )


@require_http_methods(["GET", "POST"])
@permission_required(VIEW)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    task_services.require_party(request.actor, project.pk, services.PERMISSION)
    form = MeetingForm(request.POST or None, parties=selectors.party_people(project.pk))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                m = services.meeting_create(
                    actor=request.actor,
                    project=project,
                    title=d["title"],
                    starts_at=d["starts_at"],
                    place=d["place"],
                    agenda=lines(d["agenda"]),
                    attendee_ids=[int(x) for x in d["attendees"]],
                )
            except DomainError as exc:
                if exc.status == 403:
                    raise
                form.add_error(None, exc.message)
            else:
                return redirect("collab_tasks:meeting", pk=m.pk)
    return render(
        request, "collab_tasks/meetings/new.html", {"project": project, "form": form}, status=status
    )


@require_GET
@permission_required(VIEW)
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.meeting_get(actor=request.actor, pk=pk)
    parties = selectors.party_people(m.project_id)
    can_edit = (
        m.status == workflow.DRAFT
        and request.actor.can(services.PERMISSION)
        and selectors.is_party(request.actor, m.project_id)
        and (
            m.organiser_org_id == request.actor.organisation_id
            or selectors.is_manager(request.actor, m.project_id)
        )
    )
    ctx = {
        "m": m,
        "d": reads.meeting_detail(m),
        "can_edit": can_edit,
        "attendance": workflow.ATTENDANCE,
        "assignees": assignee_choices(parties) if can_edit else [],
        "parties": parties if can_edit else [],
    }
    return render(request, "collab_tasks/meetings/meeting.html", ctx)


@require_POST
@permission_required(VIEW)
def meeting_act(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.meeting_get(actor=request.actor, pk=pk)
    task_services.require_party(request.actor, m.project_id, services.PERMISSION)
    action, post, actor = request.POST.get("action", ""), request.POST, request.actor
    try:
        if action == "minutes":
            services.meeting_update(
                actor=actor,
                meeting=m,
                minutes=post.get("minutes", ""),
                decisions=lines(post.get("decisions", "")),
                agenda=lines(post.get("agenda", "")),
            )
        elif action == "attendance":
            marks = {}
            for key, value in post.items():
                if key.startswith("att_") and key[4:].isdigit():
                    marks[int(key[4:])] = value
            add = [int(x) for x in post.getlist("add") if x.isdigit()]
            services.attendance_set(actor=actor, meeting=m, marks=marks, add=add)
        elif action == "action_item":
            user_id, org_id = split_assignee(post.get("assignee", ""))
            due = post.get("due_on") or None
            services.action_item_add(
                actor=actor,
                meeting=m,
                title=post.get("title", ""),
                assignee_user_id=user_id,
                assignee_org_id=org_id,
                due_on=_date(due),
            )
        elif action == "issue":
            services.meeting_issue(actor=actor, meeting=m)
        else:
            raise ValidationFailed("未知的操作", code="bad_action")
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "已签发会议纪要，待办事项已转为任务" if action == "issue" else "已保存"
        )
    return redirect("collab_tasks:meeting", pk=m.pk)


def _date(value):
    import datetime as dt

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("截止日期格式应为 年-月-日", code="bad_date") from None
