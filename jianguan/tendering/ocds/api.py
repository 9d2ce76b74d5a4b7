"""OCDS 1.1 publication under /api/v1/ocds: release packages and compiled records, no login."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import NotFound
from jianguan.core.timeutil import client_instant, iso_utc, now
from jianguan.tendering.models import OcdsRelease
from jianguan.tendering.ocds import releases as ocds

router = Router(tags=["OCDS 开放合同数据"])


class ReleaseQuery(Schema):
    since: dt.datetime | None = Field(None, description="只返回此时间之后的发布（含时区）")
    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(100, ge=1, le=1000)


def _uri(request: HttpRequest) -> str:
    return f"{settings.PUBLIC_BASE_URL}{request.get_full_path()}"


@router.get(
    "/releases",
    response={200: dict[str, Any], 400: ErrorOut},
    auth=None,
    summary="OCDS 发布包（分页，since= 增量）",
)
def releases(request: HttpRequest, q: Query[ReleaseQuery]):
    qs = OcdsRelease.objects.order_by("date", "pk")
    if q.since is not None:
        qs = qs.filter(date__gt=client_instant(q.since, "since"))
    items = [r.data for r in qs[q.offset : q.offset + q.limit]]
    package = ocds.release_package(items, uri=_uri(request), published_date=iso_utc(now()))
    total = qs.count()
    if q.offset + q.limit < total:
        package["links"] = {
            "next": f"{settings.PUBLIC_BASE_URL}{request.path}?offset={q.offset + q.limit}"
            f"&limit={q.limit}" + (f"&since={q.since.isoformat()}" if q.since else "")
        }
    return package


@router.get(
    "/records/{ocid}",
    response={200: dict[str, Any], 404: ErrorOut},
    auth=None,
    summary="OCDS 汇编记录（某一招标项目的全部发布）",
)
def record(request: HttpRequest, ocid: str):
    items = [r.data for r in OcdsRelease.objects.filter(ocid=ocid[:64]).order_by("date", "pk")]
    if not items:
        raise NotFound("没有该 ocid 的发布", code="ocid_not_found")
    return ocds.record_package(
        [ocds.compile_record(items)], uri=_uri(request), published_date=iso_utc(now())
    )
