"""Task pages: my tasks across projects, a project's board (columns by status, a card moves
with a small form) and list with filters, the new-task form, and the task page (checklist,
comments with mentions, photos and files, links, history). Every page works at phone width:
the board's columns and the list collapse into cards."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.collab.tasks import links, reads, selectors, services, workflow
from jianguan.collab.tasks.forms import TaskForm, assignee_choices, lines, split_assignee
from jianguan.collab.tasks.models import TaskAttachment
from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local

VIEW = "collab_tasks.view"


@require_GET
@permission_required(VIEW)
def mine(request: HttpRequest) -> HttpResponse:
    today = today_local()
    tasks = [reads.task_read(t, today) for t in selectors.my_open_tasks(actor=request.actor)[:300]]
    tasks.sort(key=lambda t: (not t["overdue"], t["due_on"] is None, t["due_on"] or today))
    return render(request, "collab_tasks/mine.html", {"tasks": tasks})


def _filters(request: HttpRequest) -> dict[str, str]:
    keys = ("status", "priority", "assignee", "due")
    return {k: (request.GET.get(k) or "")[:40] for k in keys}


@require_GET
@permission_required(VIEW)
def board(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    today = today_local()
    f = _filters(request)
    as_list = request.GET.get("view") == "list"
    qs = selectors.tasks_visible_to(actor=request.actor).filter(project=project)
    qs = selectors.filter_tasks(qs, today=today, actor=request.actor, **f)
    can_work = request.actor.can("collab_tasks.work") and selectors.is_party(
        request.actor, project.pk
    )
    manager = can_work and selectors.is_manager(request.actor, project.pk)
    rows = []
    for t in qs[:500]:
        row = reads.task_read(t, today)
        if can_work:
            mine = selectors.standing(request.actor, t, manager=manager)
            row["moves"] = [(s, workflow.STATUS[s]) for s in workflow.moves_for(t.status, mine)]
        rows.append(row)
    columns = [
        {"code": s, "label": workflow.STATUS[s], "tasks": [t for t in rows if t["status"] == s]}
        for s in workflow.BOARD_COLUMNS
    ]
    ctx = {
        "project": project,
        "columns": columns,
        "rows": rows,
        "as_list": as_list,
        "f": f,
        "statuses": workflow.STATUS,
        "priorities": workflow.PRIORITY,
        "assignee_options": assignee_choices(selectors.party_people(project.pk)),
        "can_work": can_work,
    }
    return render(request, "collab_tasks/board.html", ctx)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW)
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    services.require_party(request.actor, project.pk)  # 403 before the form is read
    parties = selectors.party_people(project.pk)
    initial = {"link": (request.GET.get("link") or "")[:80]}
    form = TaskForm(request.POST or None, parties=parties, initial=initial)
    link_label = _link_label(request, initial["link"])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            user_id, org_id = split_assignee(d["assignee"])
            try:
                task = services.task_create(
                    actor=request.actor,
                    project=project,
                    title=d["title"],
                    description=d["description"],
                    priority=d["priority"],
                    due_on=d["due_on"],
                    assignee_user_id=user_id,
                    assignee_org_id=org_id,
                    checklist=lines(d["checklist"]),
                    links=_parse_links(d["link"]),
                )
            except DomainError as exc:
                if exc.status == 403:
                    raise
                form.add_error(None, exc.message)
            else:
                messages.success(request, "任务已创建并通知承办人")
                return redirect("collab_tasks:task", pk=task.pk)
    ctx = {"project": project, "form": form, "link_label": link_label}
    return render(request, "collab_tasks/task_new.html", ctx, status=status)


def _parse_links(value: str) -> list[tuple[str, int]]:
    kind, _, pk = (value or "").rpartition(":")
    if not value:
        return []
    if not kind or not pk.isdigit() or not 0 < int(pk) < 2**62:
        raise ValidationFailed("关联对象无效", code="bad_link")
    return [(kind, int(pk))]


def _link_label(request: HttpRequest, value: str) -> str:
    try:
        ((kind, pk),) = _parse_links(value)
        k, obj = links.target(request.actor, kind, pk)
    except (DomainError, ValueError):
        return ""
    return f"{k.label}：{k.describe(obj)}"


@require_GET
@permission_required(VIEW)
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.actor, pk=pk)
    t = reads.task_detail(request.actor, task, today_local())
    can_work = request.actor.can("collab_tasks.work") and selectors.is_party(
        request.actor, task.project_id
    )
    ctx = {
        "task": task,
        "t": t,
        "can_work": can_work,
        "moves": [(s, workflow.STATUS[s]) for s in t["moves"]] if can_work else [],
        "parties": selectors.party_people(task.project_id) if can_work else [],
        "link_kinds": [(k.code, k.label) for k in links.kinds().values()],
    }
    return render(request, "collab_tasks/task.html", ctx)


@require_POST
@permission_required(VIEW)
def task_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One form per action on the task page and the board (move, comment, checklist, photo,
    link, reassign); an error comes back as a message on the page."""
    task = selectors.task_get(actor=request.actor, pk=pk)
    services.require_party(request.actor, task.project_id)  # 403 before the form is read
    action, post, actor = request.POST.get("action", ""), request.POST, request.actor
    back = request.POST.get("next") or ""
    try:
        if action == "move":
            services.task_move(
                actor=actor, task=task, status=post.get("status", ""), note=post.get("note", "")
            )
        elif action == "comment":
            ids = [int(x) for x in post.getlist("mentions") if x.isdigit()]
            services.comment_add(actor=actor, task=task, body=post.get("body", ""), mentions=ids)
        elif action == "checklist_add":
            services.checklist_add(actor=actor, task=task, text=post.get("text", ""))
        elif action == "checklist_toggle":
            item = post.get("item", "")
            if not item.isdigit():
                raise ValidationFailed("检查项无效", code="bad_form")
            services.checklist_toggle(
                actor=actor, task=task, item_id=int(item), done=post.get("done") == "1"
            )
        elif action == "attach":
            files = request.FILES.getlist("file")
            if not files:
                raise ValidationFailed("请选择要上传的照片或文件", code="missing_file")
            for f in files[:10]:
                services.attachment_add(actor=actor, task=task, upload=f)
        elif action == "link":
            obj = post.get("object_id", "")
            if not obj.isdigit() or not 0 < int(obj) < 2**62:
                raise ValidationFailed("请填写关联对象编号", code="bad_form")
            services.link_add(actor=actor, task=task, kind=post.get("kind", ""), object_id=int(obj))
        elif action == "assign":
            user_id, org_id = split_assignee(post.get("assignee", ""))
            services.task_assign(
                actor=actor, task=task, assignee_user_id=user_id, assignee_org_id=org_id
            )
        else:
            raise ValidationFailed("未知的操作", code="bad_action")
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存")
    if back == "board":
        return redirect(reverse("collab_tasks:board", args=[task.project_id]))
    return redirect("collab_tasks:task", pk=task.pk)


@require_GET
@permission_required(VIEW)
def attachment(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    task = selectors.task_get(actor=request.actor, pk=pk)
    item = TaskAttachment.objects.filter(pk=file_id, task=task).first()
    if item is None or not item.file:
        raise NotFound("文件不存在", code="file_not_found")
    name = f"task-{task.pk}-{item.pk}{Path(item.file.name).suffix.lower()}"
    response = FileResponse(item.file.open("rb"), as_attachment=not item.is_photo, filename=name)
    response["X-Content-SM3"] = item.sm3
    response["X-Content-Type-Options"] = "nosniff"
    return response
