"""The personal blacklist over the API (under /api/v1/smartsite, attached to the workers
router): the regulator lists, adds and lifts; whoever sees a worker on a project reads that
person's entries."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.smartsite.workers import selectors
from jianguan.smartsite.workers.blacklist import selectors as blacklist_selectors
from jianguan.smartsite.workers.blacklist import services
from jianguan.smartsite.workers.blacklist.schemas import (
    WorkerBlacklistIn,
    WorkerBlacklistLiftIn,
    WorkerBlacklistRead,
)
from jianguan.smartsite.workers.models import WorkerBlacklistEntry

router = Router(tags=["智慧工地：工人黑名单"])

# The writes are the regulator's alone: whoever else calls them is refused before the body is
# read, so a malformed body tells it nothing about what the route would accept.
MANAGE = "smartsite.worker_blacklist_manage"


def _read(e: WorkerBlacklistEntry) -> dict:
    return {
        "id": e.pk,
        "person_name": e.person_name,
        "id_number_masked": e.id_number_masked,
        "worker_id": e.worker_id,
        "basis": e.basis,
        "basis_label": e.get_basis_display(),
        "article": e.article,
        "reason": e.reason,
        "authority_name": e.authority.name,
        "listed_by": e.listed_by,
        "valid_from": e.valid_from,
        "valid_until": e.valid_until,
        "lifted_on": e.lifted_on,
        "lift_reason": e.lift_reason,
        "in_force": e.in_force(today_local()),
        "status_label": e.status_label,
    }


@router.get(
    "/worker-blacklist",
    response={200: list[WorkerBlacklistRead], **ERR},
    summary="工人黑名单（监管部门）",
)
def blacklist(request: HttpRequest):
    require(request.actor, MANAGE)
    return [_read(e) for e in blacklist_selectors.blacklist_visible_to(actor=request.actor)[:500]]


@router.post(
    "/worker-blacklist",
    response={201: WorkerBlacklistRead, **ERR},
    auth=permitted(MANAGE),
    summary="将工人列入黑名单（按身份证号匹配；进场和闸机拒绝，代码 worker_blacklisted）",
)
def blacklist_add(request: HttpRequest, data: WorkerBlacklistIn):
    entry = services.worker_blacklist_add(actor=request.actor, **data.dict())
    return Status(201, _read(entry))


@router.post(
    "/worker-blacklist/{entry_id}/lift",
    response={200: WorkerBlacklistRead, **ERR},
    auth=permitted(MANAGE),
    summary="将工人移出黑名单",
)
def blacklist_lift(request: HttpRequest, entry_id: str, data: WorkerBlacklistLiftIn):
    entry = blacklist_selectors.blacklist_entry(
        actor=request.actor, pk=path_id(entry_id, "黑名单记录")
    )
    entry = services.worker_blacklist_lift(actor=request.actor, entry=entry, reason=data.reason)
    return _read(entry)


@router.get(
    "/projects/{project_id}/workers/{worker_id}/blacklist",
    response={200: list[WorkerBlacklistRead], **ERR},
    summary="工人的黑名单记录（能查看该工人者）",
)
def worker_blacklist(request: HttpRequest, project_id: str, worker_id: str):
    scope = selectors.project_scope(actor=request.actor, pk=path_id(project_id, "项目"))
    worker = selectors.worker_visible(scope, path_id(worker_id, "工人"))
    return [_read(e) for e in blacklist_selectors.blacklist_of(worker)]
