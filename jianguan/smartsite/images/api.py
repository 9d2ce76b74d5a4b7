"""Site images over the API under /api/v1/smartsite: cameras, the images of a site by day and
kind (where they were taken, on the site or off it), batch uploads, and danger zones.

The same selectors and services as the page: whoever sees the project sees its site (a 404
otherwise), and acting needs the grant on one's own project or the regulator's (a 403).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.permissions import require
from jianguan.projects.models import Project
from jianguan.smartsite.images import selectors, services, workflow
from jianguan.smartsite.images.models import Camera, DangerZone, SiteImage
from jianguan.smartsite.images.schemas import (
    SiteCameraIn,
    SiteCameraOut,
    SiteImageDayOut,
    SiteImageFileQuery,
    SiteImageOut,
    SiteImagePage,
    SiteImageQuery,
    SiteImageUploadForm,
    SiteReasonIn,
    SiteZoneIn,
    SiteZoneOut,
)

router = Router(tags=["智慧工地：视频与影像"])

API = "/api/v1/smartsite"
ON_SITE_LABEL = {True: "用地范围内", False: "用地范围外", None: "无定位"}


def _project(request: HttpRequest, raw: str) -> Project:
    return selectors.project_for(actor=request.actor, pk=path_id(raw, "项目"))


def _visible(request: HttpRequest, get, raw: str, what: str):
    """One camera, image or zone: a 403 for a role with no smart-site access at all (as the
    pages answer), then one 404 whether it is missing or on a project the actor does not see."""
    require(request.actor, "smartsite.view")
    return get(actor=request.actor, pk=path_id(raw, what))


# --- cameras ------------------------------------------------------------------------------------


def _camera_out(camera: Camera, *, may_manage: bool) -> dict:
    return {
        "id": camera.pk,
        "project_id": camera.project_id,
        "name": camera.name,
        "location": camera.location,
        "vendor": camera.vendor,
        "latitude": camera.latitude,
        "longitude": camera.longitude,
        "is_active": camera.is_active,
        "status_label": "在用" if camera.is_active else "已停用",
        "stream_host": urlsplit(camera.stream_url).hostname or "",
        # The address may carry the recorder's login: only for those who register cameras;
        # other viewers get it without the login (the vendor's player asks for its own).
        "stream_url": camera.stream_url
        if may_manage
        else workflow.stream_without_login(camera.stream_url),
        "registered_by_name": str(camera.registered_by),
        "registered_at": camera.created_at,
    }


def _may_manage(request: HttpRequest, project: Project) -> bool:
    return selectors.may_act(request.actor, project, "smartsite.cameras_manage")


@router.get(
    "/projects/{project_id}/cameras",
    response={200: list[SiteCameraOut], **ERR},
    summary="项目视频监控摄像机（完整视频流地址仅向可管理摄像机者提供）",
)
def camera_list(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    may_manage = _may_manage(request, project)
    cameras = selectors.cameras_of(project).select_related("registered_by")
    return [_camera_out(c, may_manage=may_manage) for c in cameras]


@router.post(
    "/projects/{project_id}/cameras",
    response={201: SiteCameraOut, **ERR},
    summary="登记视频监控摄像机（施工总承包单位、建设单位）",
)
def camera_register(request: HttpRequest, project_id: str, data: SiteCameraIn):
    project = _project(request, project_id)
    camera = services.camera_register(actor=request.actor, project=project, **data.dict())
    return Status(201, _camera_out(camera, may_manage=True))


@router.post(
    "/cameras/{camera_id}/deactivate",
    response={200: SiteCameraOut, **ERR},
    summary="停用视频监控摄像机",
)
def camera_deactivate(request: HttpRequest, camera_id: str, data: SiteReasonIn):
    camera = _visible(request, selectors.camera_get, camera_id, "摄像机")
    camera = services.camera_deactivate(actor=request.actor, camera=camera, reason=data.reason)
    return _camera_out(camera, may_manage=True)


# --- site images --------------------------------------------------------------------------------


def _image_out(image: SiteImage) -> dict:
    base = f"{API}/site-images/{image.pk}/file"
    return {
        "id": image.pk,
        "project_id": image.project_id,
        "kind": image.kind,
        "kind_label": workflow.IMAGE_KIND[image.kind],
        "camera_id": image.camera_id,
        "camera_name": image.camera.name if image.camera else None,
        "name": image.name,
        "sm3": image.sm3,
        "width": image.width,
        "height": image.height,
        "taken_at": image.taken_at,
        "taken_from_exif": image.taken_from_exif,
        "latitude": image.latitude,
        "longitude": image.longitude,
        "on_site": image.on_site,
        "on_site_label": ON_SITE_LABEL[image.on_site],
        "batch": image.batch,
        "note": image.note,
        "uploaded_by_name": str(image.uploaded_by),
        "uploaded_at": image.created_at,
        "file_url": base,
        "thumb_url": f"{base}?size=thumb",
    }


@router.get(
    "/projects/{project_id}/site-images",
    response={200: SiteImagePage, **ERR},
    summary="项目现场影像（按拍摄日期、类型、摄像机筛选，含定位与是否在用地范围内）",
)
def image_list(request: HttpRequest, project_id: str, filters: Query[SiteImageQuery]):
    project = _project(request, project_id)
    qs = selectors.images_of(project, day=filters.date, kind=filters.kind, camera=filters.camera_id)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_image_out(i) for i in items]}


@router.get(
    "/projects/{project_id}/site-images/days",
    response={200: list[SiteImageDayOut], **ERR},
    summary="有现场影像的日期及张数（最近 60 天，新的在前）",
)
def image_days(request: HttpRequest, project_id: str):
    days = selectors.image_days(_project(request, project_id))
    return [{"day": d["day"], "count": d["n"]} for d in days]


@router.post(
    "/projects/{project_id}/site-images",
    response={201: list[SiteImageOut], **ERR},
    summary=f"上传现场照片、监控抓拍或无人机航拍（一次最多 {workflow.MAX_BATCH} 张，"
    "读取 EXIF 拍摄时间与 GPS；有一张不合格则整批不保存）",
)
def image_upload(
    request: HttpRequest,
    project_id: str,
    data: Form[SiteImageUploadForm],
    files: File[list[UploadedFile]],
):
    project = _project(request, project_id)
    # Refused before the camera is looked up: one without the grant learns nothing of them.
    selectors.require_act(request.actor, project, "smartsite.images_upload")
    camera = None
    if data.camera_id is not None:
        camera = project.cameras.filter(pk=data.camera_id).first()
        if camera is None:
            raise ValidationFailed("所选摄像机不属于本项目", code="bad_camera")
    images = services.images_upload(
        actor=request.actor,
        project=project,
        files=files,
        kind=data.kind,
        camera=camera,
        note=data.note,
    )
    return Status(201, [_image_out(i) for i in images])


def _image(request: HttpRequest, raw: str) -> SiteImage:
    return _visible(request, selectors.image_get, raw, "影像")


@router.get("/site-images/{image_id}", response={200: SiteImageOut, **ERR}, summary="现场影像信息")
def image_read(request: HttpRequest, image_id: str):
    return _image_out(_image(request, image_id))


@router.get(
    "/site-images/{image_id}/file",
    response={200: None, **ERR},
    summary="现场影像文件（原图带 X-Content-SM3 头，或缩略图）",
)
def image_file(request: HttpRequest, image_id: str, q: Query[SiteImageFileQuery]):
    image = _image(request, image_id)
    field = image.file if q.size == "full" else image.thumb
    if not field:
        raise NotFound("影像文件不存在", code="image_not_found")
    try:
        handle = field.open("rb")
    except OSError:  # gone from storage: the record stays, the file is reported missing
        raise NotFound("影像文件缺失，请联系管理员", code="image_file_missing") from None
    suffix = "" if q.size == "full" else "-t"
    response = FileResponse(
        handle,
        filename=f"{image.project.code}-{image.pk}{suffix}.{field.name.rsplit('.', 1)[-1]}",
    )
    if q.size == "full":
        response["X-Content-SM3"] = image.sm3
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- danger zones -------------------------------------------------------------------------------


def _zone_out(zone: DangerZone) -> dict:
    return {
        "id": zone.pk,
        "project_id": zone.project_id,
        "name": zone.name,
        "kind": zone.kind,
        "kind_label": workflow.ZONE_KIND[zone.kind],
        "polygon": zone.polygon,
        "is_active": zone.is_active,
        "status_label": "有效" if zone.is_active else "已解除",
        "removed_reason": zone.removed_reason,
        "drawn_by_name": str(zone.drawn_by),
        "drawn_at": zone.created_at,
    }


@router.get(
    "/projects/{project_id}/danger-zones",
    response={200: list[SiteZoneOut], **ERR},
    summary="项目危险区域（include_removed=true 时含已解除的）",
)
def zone_list(request: HttpRequest, project_id: str, include_removed: bool = False):
    zones = selectors.zones_of(_project(request, project_id), active=not include_removed)
    return [_zone_out(z) for z in zones]


@router.post(
    "/projects/{project_id}/danger-zones",
    response={201: SiteZoneOut, **ERR},
    summary="划定危险区域（施工总承包单位、监理单位；多边形边线不能交叉）",
)
def zone_draw(request: HttpRequest, project_id: str, data: SiteZoneIn):
    zone = services.danger_zone_draw(
        actor=request.actor,
        project=_project(request, project_id),
        name=data.name,
        kind=data.kind,
        polygon=data.polygon.dict(),
    )
    return Status(201, _zone_out(zone))


@router.post(
    "/danger-zones/{zone_id}/remove",
    response={200: SiteZoneOut, **ERR},
    summary="解除危险区域（保留记录与原因）",
)
def zone_remove(request: HttpRequest, zone_id: str, data: SiteReasonIn):
    zone = _visible(request, selectors.zone_get, zone_id, "危险区域")
    zone = services.danger_zone_remove(actor=request.actor, zone=zone, reason=data.reason)
    return _zone_out(zone)
