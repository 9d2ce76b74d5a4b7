"""The only writes of site images, cameras and danger zones. Each is one transaction with its
ledger entries: a registered camera, every image kept (its SM3 in the entry, so a photo used
as evidence can be checked later) and every zone drawn or removed."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from shapely.errors import ShapelyError
from shapely.geometry import shape

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record, record_many, sm3_hex
from jianguan.projects import geo
from jianguan.projects.models import Project
from jianguan.smartsite import photo
from jianguan.smartsite.images import hooks, workflow
from jianguan.smartsite.images.models import Camera, DangerZone, SiteImage
from jianguan.smartsite.images.selectors import require_act

BEIJING = ZoneInfo("Asia/Shanghai")
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=BEIJING)


def _text(value: Any, label: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field", details={"field": label})
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字", code="too_long")
    return text


def _stream_url(value: Any) -> str:
    url = _text(value, "视频流地址", 500)
    parts = urlsplit(url)
    if parts.scheme.lower() not in workflow.STREAM_SCHEMES or not parts.hostname:
        raise ValidationFailed(
            "视频流地址须以 rtsp://、rtmp://、http:// 或 https:// 开头并含主机名",
            code="bad_stream_url",
        )
    return url


def _point(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationFailed("经度和纬度须同时填写", code="bad_coordinates")
    try:
        lon, lat = geo.check_point(longitude, latitude)
    except geo.GeoError as exc:
        raise ValidationFailed(str(exc), code="bad_coordinates") from None
    return lat, lon


def camera_register(
    *,
    actor: Actor,
    project: Project,
    name: str,
    stream_url: str,
    location: str = "",
    vendor: str = "",
    latitude: Any = None,
    longitude: Any = None,
) -> Camera:
    require_act(actor, project, "smartsite.cameras_manage")
    name = _text(name, "摄像机名称", 100)
    url = _stream_url(stream_url)
    lat, lon = _point(latitude, longitude)
    with transaction.atomic():
        if project.cameras.filter(name=name).exists():
            raise Conflict(f"本项目已有名为“{name}”的摄像机", code="duplicate_camera")
        camera = Camera.objects.create(
            project=project,
            name=name,
            stream_url=url,
            location=_text(location, "安装位置", 200, required=False),
            vendor=_text(vendor, "厂商", 100, required=False),
            latitude=lat,
            longitude=lon,
            registered_by=actor.user,
        )
        # The stream address may carry credentials: the entry names the host only.
        payload = {"project": project.code, "name": name, "host": urlsplit(url).hostname}
        record(actor=actor, type="smartsite.camera_registered", obj=camera, payload=payload)
    return camera


def camera_deactivate(*, actor: Actor, camera: Camera, reason: str) -> Camera:
    require_act(actor, camera.project, "smartsite.cameras_manage")
    reason = _text(reason, "停用原因", 200)
    with transaction.atomic():
        camera = Camera.objects.select_for_update().get(pk=camera.pk)
        if not camera.is_active:
            raise Conflict("该摄像机已停用", code="camera_inactive")
        camera.is_active = False
        camera.save(update_fields=["is_active", "updated_at"])
        record(
            actor=actor,
            type="smartsite.camera_deactivated",
            obj=camera,
            payload={"project": camera.project.code, "name": camera.name, "reason": reason},
        )
    return camera


def _taken_at(meta: photo.PhotoMeta, uploaded: dt.datetime) -> tuple[dt.datetime, bool]:
    """EXIF time read as Beijing time; a camera clock before 2000 or in the future is ignored."""
    if meta.taken_at is None:
        return uploaded, False
    taken = meta.taken_at.replace(tzinfo=BEIJING)
    if taken < EARLIEST or taken > uploaded + dt.timedelta(minutes=10):
        return uploaded, False
    return taken, True


def _read_all(files: list[Any]) -> list[tuple[str, bytes, photo.PhotoMeta]]:
    """Every file read and checked before anything is written: one bad file refuses the batch,
    naming each bad file, so nothing is half-kept and nothing valid is silently dropped."""
    out, errors = [], []
    for i, upload in enumerate(files, start=1):
        name = PurePath(str(getattr(upload, "name", "") or f"第{i}张")).name[:200]
        size = getattr(upload, "size", None) or 0
        if size > workflow.MAX_IMAGE_BYTES:
            errors.append({"file": name, "message": "超过 25 MB", "code": "file_too_large"})
            continue
        data = upload.read()
        if not data:
            errors.append({"file": name, "message": "空文件", "code": "empty_file"})
            continue
        try:
            meta = photo.read(data)
            photo.thumbnail(data, 8)  # decodes the pixels: a truncated file fails here
        except photo.PhotoError as exc:
            errors.append({"file": name, "message": exc.message, "code": exc.code})
            continue
        out.append((name, data, meta))
    if errors:
        listed = "；".join(f"{e['file']}：{e['message']}" for e in errors[:5])
        more = f" 等 {len(errors)} 个文件" if len(errors) > 5 else ""
        raise ValidationFailed(
            f"以下文件未能上传，本批均未保存：{listed}{more}",
            code="bad_images",
            details={"files": errors},
        )
    return out


def _on_site(project: Project, meta: photo.PhotoMeta) -> bool | None:
    if meta.latitude is None or not project.site_polygon:
        return None
    try:
        return bool(geo.within_polygon([(1, meta.longitude, meta.latitude)], project.site_polygon))
    except geo.GeoError:
        return None


def images_upload(
    *,
    actor: Actor,
    project: Project,
    files: Iterable[Any],
    kind: str,
    camera: Camera | None = None,
    note: str = "",
) -> list[SiteImage]:
    require_act(actor, project, "smartsite.images_upload")
    if kind not in workflow.IMAGE_KIND:
        raise ValidationFailed("请选择影像类型", code="bad_kind")
    files = list(files)
    if not files:
        raise ValidationFailed("请选择要上传的照片", code="missing_file")
    if len(files) > workflow.MAX_BATCH:
        raise ValidationFailed(
            f"一次最多上传 {workflow.MAX_BATCH} 张，请分批上传", code="too_many_files"
        )
    if camera is not None and (camera.project_id != project.pk or not camera.is_active):
        raise ValidationFailed("所选摄像机不属于本项目或已停用", code="bad_camera")
    if kind == "snapshot" and camera is None:
        raise ValidationFailed("监控抓拍须选择摄像机", code="missing_camera")
    note = _text(note, "说明", 200, required=False)
    checked = _read_all(files)
    uploaded = now()
    batch = secrets.token_hex(8)
    with transaction.atomic():
        images = []
        for name, data, meta in checked:
            taken, from_exif = _taken_at(meta, uploaded)
            digest = sm3_hex(data)
            stem = f"{project.code}-{batch}-{len(images) + 1}"
            images.append(
                SiteImage.objects.create(
                    project=project,
                    kind=kind,
                    camera=camera,
                    file=ContentFile(
                        data, name=f"{stem}.{'jpg' if meta.format == 'jpeg' else 'png'}"
                    ),
                    thumb=ContentFile(photo.thumbnail(data), name=f"{stem}-t.jpg"),
                    name=name,
                    sm3=digest,
                    width=meta.width,
                    height=meta.height,
                    taken_at=taken,
                    taken_from_exif=from_exif,
                    latitude=meta.latitude,
                    longitude=meta.longitude,
                    on_site=_on_site(project, meta),
                    batch=batch,
                    note=note,
                    uploaded_by=actor.user,
                )
            )
        record_many(
            actor=actor,
            items=[
                (
                    "smartsite.image_uploaded",
                    image,
                    {
                        "project": project.code,
                        "kind": kind,
                        "batch": batch,
                        "taken_at": image.taken_at,
                    },
                    [{"name": image.name, "sm3": image.sm3}],
                )
                for image in images
            ],
        )
        # After commit: what the apps above do with new images (hazard recognition) never
        # holds or undoes the upload.
        ids = [image.pk for image in images]
        transaction.on_commit(lambda: hooks.run_upload_hooks(ids), robust=True)
    return images


def _zone_polygon(raw: Any) -> dict:
    if isinstance(raw, dict) and raw.get("type") == "Feature":
        raw = raw.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") != "Polygon":
        raise ValidationFailed("请在地图上点选至少三个点围成危险区域", code="bad_polygon")
    try:
        ring = raw["coordinates"][0]
        if len({(float(x), float(y)) for x, y in ring}) < 3:
            raise ValueError
        geom = geo.check_polygon(raw)
    # GEOS itself refuses some rings (a NaN corner leaves the ring unclosed): bad input too.
    except (geo.GeoError, ValueError, TypeError, KeyError, IndexError, ShapelyError):
        raise ValidationFailed(
            "危险区域范围无效：至少三个不同的点，边线不能交叉，且须在中国境内", code="bad_polygon"
        ) from None
    if shape(geom).area <= 0:
        raise ValidationFailed("危险区域面积为零", code="bad_polygon")
    return geom


def danger_zone_draw(
    *, actor: Actor, project: Project, name: str, kind: str, polygon: Any
) -> DangerZone:
    require_act(actor, project, "smartsite.zones_manage")
    name = _text(name, "区域名称", 100)
    if kind not in workflow.ZONE_KIND:
        raise ValidationFailed("请选择危险区域类型", code="bad_kind")
    geom = _zone_polygon(polygon)
    with transaction.atomic():
        zone = DangerZone.objects.create(
            project=project, name=name, kind=kind, polygon=geom, drawn_by=actor.user
        )
        record(
            actor=actor,
            type="smartsite.zone_drawn",
            obj=zone,
            payload={
                "project": project.code,
                "name": name,
                "kind": kind,
                # The ledger takes no floats: each corner as exact decimal text.
                "polygon": [
                    [[Decimal(str(v)) for v in xy] for xy in ring] for ring in geom["coordinates"]
                ],
            },
        )
    return zone


def danger_zone_remove(*, actor: Actor, zone: DangerZone, reason: str) -> DangerZone:
    require_act(actor, zone.project, "smartsite.zones_manage")
    reason = _text(reason, "撤销原因", 200)
    with transaction.atomic():
        zone = DangerZone.objects.select_for_update().get(pk=zone.pk)
        if not zone.is_active:
            raise Conflict("该危险区域已撤销", code="zone_removed")
        zone.is_active = False
        zone.removed_reason = reason
        zone.save(update_fields=["is_active", "removed_reason", "updated_at"])
        record(
            actor=actor,
            type="smartsite.zone_removed",
            obj=zone,
            payload={"project": zone.project.code, "name": zone.name, "reason": reason},
        )
    return zone
