"""Tasks and meetings over the API (/api/v1/collab/tasks/..., /api/v1/collab/meetings/...).
Writes check the grant first (403 before the body is read), then the task or project (404),
then the actor's standing (403), then the input (400)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from jianguan.collab.tasks import reads, selectors, services
from jianguan.collab.tasks.meetings.api import router as meetings_router
from jianguan.collab.tasks.schemas import (
    TaskAssignIn,
    TaskAttachmentRead,
    TaskChecklistIn,
    TaskChecklistRead,
    TaskChecklistToggleIn,
    TaskCommentIn,
    TaskCommentRead,
    TaskCreate,
    TaskDetail,
    TaskFilter,
    TaskLinkIn,
    TaskLinkRead,
    TaskMoveIn,
    TaskPartyRead,
    TaskRead,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.timeutil import today_local

router = Router(tags=["任务与会议"])
WORK = "collab_tasks.work"


def _task(request: HttpRequest, task_id: str):
    return selectors.task_get(actor=request.actor, pk=path_id(task_id, "任务"))


def _detail(request: HttpRequest, pk: int) -> dict:
    task = selectors.task_get(actor=request.actor, pk=pk)
    return reads.task_detail(request.actor, task, today_local())


@router.get("/tasks", response={200: list[TaskRead], **ERR}, summary="任务列表")
def task_list(request: HttpRequest, filters: Query[TaskFilter]):
    today = today_local()
    qs = selectors.tasks_visible_to(actor=request.actor)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    qs = selectors.filter_tasks(
        qs,
        status=filters.status,
        priority=filters.priority,
        assignee=filters.assignee,
        due=filters.due,
        today=today,
        actor=request.actor,
    )
    return [reads.task_read(t, today) for t in qs[: filters.limit]]


@router.get("/tasks/mine", response={200: list[TaskRead], **ERR}, summary="我的任务（各项目）")
def task_mine(request: HttpRequest):
    today = today_local()
    return [reads.task_read(t, today) for t in selectors.my_open_tasks(actor=request.actor)[:500]]


@router.get(
    "/tasks/projects/{project_id}/people",
    response={200: list[TaskPartyRead], **ERR},
    summary="项目参建单位及其人员（指派、提及、参会）",
)
def project_people(request: HttpRequest, project_id: str):
    project = selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))
    return selectors.party_people(project.pk)


@router.post("/tasks", response={201: TaskDetail, **ERR}, auth=permitted(WORK), summary="新建任务")
def task_create(request: HttpRequest, data: TaskCreate):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    task = services.task_create(
        actor=request.actor,
        project=project,
        title=data.title,
        description=data.description,
        priority=data.priority,
        due_on=data.due_on,
        assignee_user_id=data.assignee_user_id,
        assignee_org_id=data.assignee_org_id,
        checklist=data.checklist,
        links=[(k.kind, k.object_id) for k in data.links],
    )
    return Status(201, _detail(request, task.pk))


@router.get("/tasks/{task_id}", response={200: TaskDetail, **ERR}, summary="任务")
def task_get(request: HttpRequest, task_id: str):
    return _detail(request, _task(request, task_id).pk)


@router.post(
    "/tasks/{task_id}/status",
    response={200: TaskDetail, **ERR},
    auth=permitted(WORK),
    summary="变更任务状态（看板移动）",
)
def task_move(request: HttpRequest, task_id: str, data: TaskMoveIn):
    task = services.task_move(
        actor=request.actor, task=_task(request, task_id), status=data.status, note=data.note
    )
    return _detail(request, task.pk)


@router.post(
    "/tasks/{task_id}/assign",
    response={200: TaskDetail, **ERR},
    auth=permitted(WORK),
    summary="改派任务",
)
def task_assign(request: HttpRequest, task_id: str, data: TaskAssignIn):
    task = services.task_assign(
        actor=request.actor,
        task=_task(request, task_id),
        assignee_user_id=data.assignee_user_id,
        assignee_org_id=data.assignee_org_id,
    )
    return _detail(request, task.pk)


@router.post(
    "/tasks/{task_id}/checklist",
    response={201: TaskChecklistRead, **ERR},
    auth=permitted(WORK),
    summary="添加检查项",
)
def checklist_add(request: HttpRequest, task_id: str, data: TaskChecklistIn):
    item = services.checklist_add(actor=request.actor, task=_task(request, task_id), text=data.text)
    return Status(201, {"id": item.pk, "text": item.text, "done": item.done})


@router.post(
    "/tasks/{task_id}/checklist/{item_id}",
    response={200: TaskChecklistRead, **ERR},
    auth=permitted(WORK),
    summary="勾选或取消检查项",
)
def checklist_toggle(request: HttpRequest, task_id: str, item_id: str, data: TaskChecklistToggleIn):
    item = services.checklist_toggle(
        actor=request.actor,
        task=_task(request, task_id),
        item_id=path_id(item_id, "检查项"),
        done=data.done,
    )
    return {"id": item.pk, "text": item.text, "done": item.done}


@router.post(
    "/tasks/{task_id}/comments",
    response={201: TaskCommentRead, **ERR},
    auth=permitted(WORK),
    summary="发表意见（可 @ 提及项目人员）",
)
def comment_add(request: HttpRequest, task_id: str, data: TaskCommentIn):
    task = _task(request, task_id)
    services.comment_add(actor=request.actor, task=task, body=data.body, mentions=data.mentions)
    return Status(201, _detail(request, task.pk)["comments"][-1])


@router.post(
    "/tasks/{task_id}/attachments",
    response={201: TaskAttachmentRead, **ERR},
    auth=permitted(WORK),
    summary="上传附件或照片（PDF/JPEG/PNG）",
)
def attachment_add(
    request: HttpRequest,
    task_id: str,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    task = _task(request, task_id)
    item = services.attachment_add(actor=request.actor, task=task, upload=file)
    return Status(
        201, next(a for a in _detail(request, task.pk)["attachments"] if a["id"] == item.pk)
    )


@router.post(
    "/tasks/{task_id}/links",
    response={201: TaskLinkRead, **ERR},
    auth=permitted(WORK),
    summary="关联对象（检查问题、工程变更、模型碰撞、关键节点、进度款申请）",
)
def link_add(request: HttpRequest, task_id: str, data: TaskLinkIn):
    task = _task(request, task_id)
    link = services.link_add(
        actor=request.actor, task=task, kind=data.kind, object_id=data.object_id
    )
    return Status(201, next(x for x in _detail(request, task.pk)["links"] if x["id"] == link.pk))


router.add_router("", meetings_router)
