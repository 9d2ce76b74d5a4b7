"""Ninja schemas of the site-image API: cameras, site images and danger zones. Names carry the
"Site" prefix because the OpenAPI document keys its components by class name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from jianguan.core.api_params import ID_MAX
from jianguan.core.api_schemas import documented, one_of, text
from jianguan.smartsite.images import workflow

# A ring a person clicks on the site plan has a handful of corners; a surveyed outline a few
# hundred. The bound keeps a body from becoming a geometry job.
MAX_RING_POINTS = 1000
MAX_RINGS = 10


class SiteCameraIn(Schema):
    name: text(100) = Field(description="摄像机名称（本项目内唯一）")  # type: ignore[valid-type]
    stream_url: text(500) = Field(  # type: ignore[valid-type]
        description="视频流地址：rtsp://、rtmp://、http:// 或 https://，可含登录凭据"
    )
    location: text(200) = ""  # type: ignore[valid-type]
    vendor: text(100) = ""  # type: ignore[valid-type]
    latitude: Decimal | None = Field(None, description="纬度（CGCS2000），与经度同时填写")
    longitude: Decimal | None = Field(None, description="经度（CGCS2000），与纬度同时填写")


class SiteCameraOut(Schema):
    id: int
    project_id: int
    name: str
    location: str
    vendor: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_active: bool
    status_label: str
    stream_host: str = Field(description="视频流主机名（不含凭据）")
    stream_url: str = Field(
        description="视频流地址：可管理摄像机者得到完整地址（可能含登录凭据），其他人得到去掉凭据的地址"
    )
    registered_by_name: str
    registered_at: dt.datetime


class SiteReasonIn(Schema):
    reason: text(200) = Field(description="原因")  # type: ignore[valid-type]


class SiteImageQuery(Schema):
    date: dt.date | None = Field(None, description="拍摄日期（北京时间）；空：全部日期")
    kind: one_of(workflow.IMAGE_KIND, blank=True) = Field(  # type: ignore[valid-type]
        "", description="影像类型：" + "、".join(f"{k} {v}" for k, v in workflow.IMAGE_KIND.items())
    )
    camera_id: int | None = Field(None, ge=1, le=ID_MAX, description="摄像机 id")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=ID_MAX)


class SiteImageUploadForm(Schema):
    kind: text(20) = documented(  # type: ignore[valid-type]
        workflow.IMAGE_KIND,
        description="影像类型：snapshot 监控抓拍、drone 无人机航拍、photo 现场照片",
    )
    camera_id: int | None = Field(None, ge=1, le=ID_MAX, description="摄像机 id（监控抓拍必填）")
    note: text(200) = ""  # type: ignore[valid-type]


class SiteImageOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str
    camera_id: int | None
    camera_name: str | None
    name: str = Field(description="原文件名")
    sm3: str = Field(description="原图 SM3（与账本记录一致）")
    width: int
    height: int
    taken_at: dt.datetime
    taken_from_exif: bool = Field(description="拍摄时间取自 EXIF（否则为上传时间）")
    latitude: Decimal | None = Field(description="纬度（取自 EXIF GPS）")
    longitude: Decimal | None = Field(description="经度（取自 EXIF GPS）")
    on_site: bool | None = Field(description="是否位于项目用地范围内；无定位或无红线时为 null")
    on_site_label: str
    batch: str
    note: str
    uploaded_by_name: str
    uploaded_at: dt.datetime
    file_url: str
    thumb_url: str


class SiteImagePage(Schema):
    count: int
    items: list[SiteImageOut]


class SiteImageDayOut(Schema):
    day: dt.date
    count: int


class SiteImageFileQuery(Schema):
    size: Literal["full", "thumb"] = Field("full", description="full 原图，thumb 缩略图")


SiteZoneRing = Annotated[list[tuple[float, float]], Field(min_length=1, max_length=MAX_RING_POINTS)]


class SiteZonePolygon(Schema):
    type: Literal["Polygon"]
    coordinates: list[SiteZoneRing] = Field(
        min_length=1,
        max_length=MAX_RINGS,
        description="GeoJSON 环：[[经度, 纬度], …]（CGCS2000），首末点相同；第一个为外环",
    )


class SiteZoneIn(Schema):
    name: text(100) = Field(description="区域名称")  # type: ignore[valid-type]
    kind: text(20) = documented(  # type: ignore[valid-type]
        workflow.ZONE_KIND,
        description="类型：" + "、".join(f"{k} {v}" for k, v in workflow.ZONE_KIND.items()),
    )
    polygon: SiteZonePolygon


class SiteZoneOut(Schema):
    id: int
    project_id: int
    name: str
    kind: str
    kind_label: str
    polygon: dict[str, Any] = Field(description="GeoJSON Polygon（CGCS2000 经纬度）")
    is_active: bool
    status_label: str
    removed_reason: str
    drawn_by_name: str
    drawn_at: dt.datetime
