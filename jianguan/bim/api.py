"""BIM over the API (/api/v1/bim/...): model revisions (list, detail with summary and progress,
chunked upload start / chunk / finish), clash sets (create, run, list), clashes (list with
filters, detail, transition, comment), BCF export and import, a revision's quantities and the
BoQ mappings. A write is refused 403 for a party without the grant before the body is read."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from jianguan.bim import (
    reads,
    selectors,
    services,
    services_bcf,
    services_clash,
    services_quantity,
)
from jianguan.bim.models import BoqMapping, ModelRevision, UploadSession
from jianguan.bim.schemas import (
    BimBcfImportRead,
    BimClashDetail,
    BimClashFilter,
    BimClashGroupRead,
    BimClashRead,
    BimClashRunRead,
    BimClashSetFilter,
    BimClashSetIn,
    BimClashSetRead,
    BimClashTransitionIn,
    BimCommentIn,
    BimMappingIn,
    BimMappingRead,
    BimMappingUpdateIn,
    BimQuantityRead,
    BimRevisionDetail,
    BimRevisionFilter,
    BimRevisionRead,
    BimUploadRead,
    BimUploadStartIn,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, ValidationFailed

router = Router(tags=["BIM 模型"])
ERR413 = {**ERR, 413: ERR[400]}


# --- revisions --------------------------------------------------------------------------------


@router.get("/revisions", response={200: list[BimRevisionRead], **ERR}, summary="模型版本列表")
def revision_list(request: HttpRequest, filters: Query[BimRevisionFilter]):
    qs = selectors.revisions_visible_to(actor=request.actor, project_id=filters.project_id)
    if filters.discipline:
        qs = qs.filter(discipline=filters.discipline)
    return [reads.revision_read(r) for r in qs[: filters.limit]]


@router.get(
    "/revisions/{revision_id}", response={200: BimRevisionDetail, **ERR}, summary="模型版本"
)
def revision_get(request: HttpRequest, revision_id: str):
    r = selectors.revision_get(actor=request.actor, pk=path_id(revision_id, "模型版本"))
    return {**reads.revision_read(r), "summary": r.summary or {}, "elements": r.elements.count()}


@router.post(
    "/uploads",
    response={201: BimUploadRead, **ERR413},
    auth=permitted("bim.upload"),
    summary="开始分片上传模型",
)
def upload_start(request: HttpRequest, data: BimUploadStartIn):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    session = services.revision_upload_start(
        actor=request.actor,
        project=project,
        discipline=data.discipline,
        label=data.label,
        file_name=data.file_name,
        size=data.size,
        sm3=data.sm3,
    )
    return Status(201, reads.upload_read(session))


def _session(request: HttpRequest, upload_id: str) -> UploadSession:
    try:
        pk = uuid.UUID(upload_id)
    except ValueError:
        raise NotFound("上传不存在", code="upload_not_found") from None
    session = UploadSession.objects.filter(pk=pk, started_by_id=request.actor.user.pk).first()
    if session is None:
        raise NotFound("上传不存在或已结束", code="upload_not_found")
    return session


@router.post(
    "/uploads/{upload_id}/chunks",
    response={200: BimUploadRead, **ERR},
    auth=permitted("bim.upload"),
    summary="上传一个分片",
)
def upload_chunk(
    request: HttpRequest,
    upload_id: str,
    offset: Form[int],
    chunk: File[UploadedFile],
):
    session = _session(request, upload_id)
    if chunk.size > settings.BIM_CHUNK_BYTES:
        raise ValidationFailed("分片过大", code="chunk_too_large")
    services.revision_upload_append_chunk(
        actor=request.actor, session=session, offset=offset, data=chunk.read()
    )
    return reads.upload_read(session)


@router.post(
    "/uploads/{upload_id}/finish",
    response={201: BimRevisionRead, **ERR},
    auth=permitted("bim.upload"),
    summary="完成上传并校验模型",
)
def upload_finish(request: HttpRequest, upload_id: str):
    session = _session(request, upload_id)
    revision = services.revision_upload_finish(actor=request.actor, session=session)
    return Status(201, reads.revision_read(revision))


@router.get(
    "/revisions/{revision_id}/quantities",
    response={200: list[BimQuantityRead], **ERR},
    summary="模型版本的清单工程量",
)
def revision_quantities(request: HttpRequest, revision_id: str):
    r = selectors.revision_get(actor=request.actor, pk=path_id(revision_id, "模型版本"))
    names = dict(BoqMapping.objects.filter(project_id=r.project_id).values_list("code", "name"))
    return [
        {
            "code": q.code,
            "name": names.get(q.code, ""),
            "unit": q.unit,
            "quantity": str(q.quantity),
            "elements": len(q.guids),
            "guids": q.guids,
        }
        for q in selectors.quantities_of(r)
    ]


# --- clash sets -------------------------------------------------------------------------------


def _revisions(project_id: int, ids: list[int]) -> list[ModelRevision]:
    found = list(ModelRevision.objects.filter(project_id=project_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed("所选模型版本不属于本项目", code="revision_not_found")
    return found


@router.get("/clash-sets", response={200: list[BimClashSetRead], **ERR}, summary="碰撞检测集列表")
def clash_set_list(request: HttpRequest, filters: Query[BimClashSetFilter]):
    qs = selectors.clash_sets_visible_to(actor=request.actor, project_id=filters.project_id)
    return reads.clash_sets_read(qs[:200])


@router.post(
    "/clash-sets",
    response={201: BimClashSetRead, **ERR},
    auth=permitted("bim.coordinate"),
    summary="建立碰撞检测集",
)
def clash_set_create(request: HttpRequest, data: BimClashSetIn):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    services_clash.require_coordinate(request.actor, project.pk)
    cs = services_clash.clash_set_create(
        actor=request.actor,
        project=project,
        name=data.name,
        a_revisions=_revisions(project.pk, data.a_revisions),
        a_select=data.a_select,
        b_revisions=_revisions(project.pk, data.b_revisions),
        b_select=data.b_select,
        mode=data.mode,
        tolerance=data.tolerance,
        clearance=data.clearance,
        allow_touching=data.allow_touching,
    )
    return Status(201, reads.clash_set_read(cs))


@router.get("/clash-sets/{set_id}", response={200: BimClashSetRead, **ERR}, summary="碰撞检测集")
def clash_set_get(request: HttpRequest, set_id: str):
    return reads.clash_set_read(
        selectors.clash_set_get(actor=request.actor, pk=path_id(set_id, "碰撞检测集"))
    )


@router.get(
    "/clash-sets/{set_id}/groups",
    response={200: list[BimClashGroupRead], **ERR},
    summary="碰撞分组（同类构件对、同一轴线、同一楼层）",
)
def clash_set_groups(request: HttpRequest, set_id: str):
    cs = selectors.clash_set_get(actor=request.actor, pk=path_id(set_id, "碰撞检测集"))
    return reads.clash_groups(selectors.clashes_visible_to(actor=request.actor, clash_set_id=cs.pk))


@router.post(
    "/clash-sets/{set_id}/run",
    response={202: BimClashRunRead, **ERR},
    auth=permitted("bim.coordinate"),
    summary="运行碰撞检测（首次全量，之后增量复核）",
)
def clash_set_run(request: HttpRequest, set_id: str):
    cs = selectors.clash_set_get(actor=request.actor, pk=path_id(set_id, "碰撞检测集"))
    run = services_clash.clash_run_request(actor=request.actor, clash_set=cs)
    return Status(202, reads.run_read(run))


@router.get("/clash-sets/{set_id}/bcf", response={200: None, **ERR}, summary="导出 BCF 2.1")
def clash_set_bcf_export(request: HttpRequest, set_id: str):
    cs = selectors.clash_set_get(actor=request.actor, pk=path_id(set_id, "碰撞检测集"))
    content = services_bcf.clash_bcf_export(actor=request.actor, clash_set=cs)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="clash-set-{cs.pk}.bcf"'
    return response


@router.post(
    "/clash-sets/{set_id}/bcf",
    response={200: BimBcfImportRead, **ERR},
    auth=permitted("bim.coordinate"),
    summary="导入 BCF（更新碰撞状态与意见）",
)
def clash_set_bcf_import(request: HttpRequest, set_id: str, file: File[UploadedFile]):
    cs = selectors.clash_set_get(actor=request.actor, pk=path_id(set_id, "碰撞检测集"))
    return services_bcf.clash_bcf_import(actor=request.actor, clash_set=cs, upload=file)


# --- clashes ----------------------------------------------------------------------------------


@router.get("/clashes", response={200: list[BimClashRead], **ERR}, summary="碰撞列表")
def clash_list(request: HttpRequest, filters: Query[BimClashFilter]):
    qs = selectors.clashes_visible_to(
        actor=request.actor,
        project_id=filters.project_id,
        clash_set_id=filters.clash_set_id,
        status=filters.status,
        type=filters.type,
        assignee_id=filters.assignee_id,
    )
    return [reads.clash_read(c) for c in qs[: filters.limit]]


@router.get("/clashes/{clash_id}", response={200: BimClashDetail, **ERR}, summary="碰撞")
def clash_get(request: HttpRequest, clash_id: str):
    return reads.clash_detail(
        selectors.clash_get(actor=request.actor, pk=path_id(clash_id, "碰撞"))
    )


@router.post(
    "/clashes/{clash_id}/transition",
    response={200: BimClashDetail, **ERR},
    auth=permitted("bim.coordinate"),
    summary="变更碰撞状态（指派、已解决、核验、按设计接受）",
)
def clash_transition(request: HttpRequest, clash_id: str, data: BimClashTransitionIn):
    c = selectors.clash_get(actor=request.actor, pk=path_id(clash_id, "碰撞"))
    c = services_clash.clash_transition(
        actor=request.actor,
        clash=c,
        target=data.target,
        assignee_id=data.assignee_id,
        reason=data.reason,
        comment=data.comment,
    )
    return reads.clash_detail(selectors.clash_get(actor=request.actor, pk=c.pk))


@router.post(
    "/clashes/{clash_id}/comments",
    response={201: BimClashDetail, **ERR},
    auth=permitted("bim.view"),
    summary="发表碰撞意见",
)
def clash_comment(request: HttpRequest, clash_id: str, data: BimCommentIn):
    c = selectors.clash_get(actor=request.actor, pk=path_id(clash_id, "碰撞"))
    services_clash.clash_comment(actor=request.actor, clash=c, text=data.text)
    return Status(201, reads.clash_detail(c))


# --- BoQ mappings -----------------------------------------------------------------------------


def _selector(data) -> dict:
    return {
        "classes": data.classes,
        "material": data.material,
        "type_name": data.type_name,
        "storey": data.storey,
        "density": data.density or None,
    }


@router.get("/mappings", response={200: list[BimMappingRead], **ERR}, summary="清单项对应关系")
def mapping_list(request: HttpRequest, filters: Query[BimClashSetFilter]):
    return [
        reads.mapping_read(m)
        for m in selectors.mappings_visible_to(actor=request.actor, project_id=filters.project_id)
    ]


@router.post(
    "/mappings",
    response={201: BimMappingRead, **ERR},
    auth=permitted("bim.map_quantities"),
    summary="新增清单项对应关系",
)
def mapping_create(request: HttpRequest, data: BimMappingIn):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    m = services_quantity.mapping_create(
        actor=request.actor,
        project=project,
        code=data.code,
        name=data.name,
        unit=data.unit,
        selector=_selector(data),
    )
    return Status(201, reads.mapping_read(m))


@router.put(
    "/mappings/{mapping_id}",
    response={200: BimMappingRead, **ERR},
    auth=permitted("bim.map_quantities"),
    summary="修改清单项对应关系",
)
def mapping_update(request: HttpRequest, mapping_id: str, data: BimMappingUpdateIn):
    m = selectors.mapping_get(actor=request.actor, pk=path_id(mapping_id, "清单对应关系"))
    m = services_quantity.mapping_update(
        actor=request.actor, mapping=m, name=data.name, unit=data.unit, selector=_selector(data)
    )
    return reads.mapping_read(m)


@router.delete(
    "/mappings/{mapping_id}",
    response={204: None, **ERR},
    auth=permitted("bim.map_quantities"),
    summary="删除清单项对应关系",
)
def mapping_delete(request: HttpRequest, mapping_id: str):
    m = selectors.mapping_get(actor=request.actor, pk=path_id(mapping_id, "清单对应关系"))
    services_quantity.mapping_delete(actor=request.actor, mapping=m)
    return Status(204, None)


@router.post(
    "/projects/{project_id}/quantities",
    response={200: list[BimQuantityRead], **ERR},
    auth=permitted("bim.map_quantities"),
    summary="按最新模型重算清单工程量",
)
def quantities_compute(request: HttpRequest, project_id: str):
    project = selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))
    names = dict(BoqMapping.objects.filter(project=project).values_list("code", "name"))
    return [
        {
            "code": q.code,
            "name": names.get(q.code, ""),
            "unit": q.unit,
            "quantity": str(q.quantity),
            "elements": len(q.guids),
            "guids": q.guids,
        }
        for q in services_quantity.model_quantities_compute(actor=request.actor, project=project)
    ]
