"""HTTP JSON ingest of monitor readings: ``POST /api/v1/smartsite/readings``.

A device calls it with its own key in ``X-Device-Key`` (no user; the key is shown once at
registration and only its SHA-256 is stored). Requests are rate-limited per device, and failed
keys per client address. A value no instrument can report is not stored, with its reason in
the answer; the rest of the reading is (issue 17, bad input).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Status

from jianguan.core import ratelimit
from jianguan.core.actor import SYSTEM
from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from jianguan.core.security import client_address
from jianguan.smartsite.monitors import readings, workflow
from jianguan.smartsite.monitors.schemas import ReadingsAccepted, ReadingsIn
from jianguan.smartsite.monitors.services import Incoming, device_by_key, readings_ingest

router = Router(tags=["智慧工地：环境监测"])
ERR = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}


class DeviceUnauthorized(DomainError):
    status = 401
    code = "device_unauthorized"


def _device(request: HttpRequest) -> SimpleNamespace:
    device = device_by_key(request.headers.get("X-Device-Key", ""))
    if device is None:
        # Guessing keys costs one address at most this many tries a minute.
        ratelimit.hit(
            f"monitor-auth:{client_address(request)}",
            per_minute=getattr(settings, "SMARTSITE_HTTP_AUTH_FAILURES_PER_MINUTE", 60),
        )
        raise DeviceUnauthorized("设备未登记或密钥错误（请求头 X-Device-Key）")
    return device


@router.post(
    "/readings",
    auth=None,
    response={201: ReadingsAccepted, **ERR},
    summary="监测设备上报数据（X-Device-Key 认证）",
    description="每次最多 500 条。数值不可能（如 PM10 为负、噪声 300 dB）的字段不存入并在 "
    "rejected 中说明原因，同一条的其他字段照常存入；同一设备同一时间的重复数据忽略。"
    "设备被隔离或停用时返回 403（数据留存于隔离区）。",
)
def readings_post(request: HttpRequest, data: ReadingsIn):
    device = _device(request)
    peer = client_address(request)
    items = []
    for index, reading in enumerate(data.readings):
        payload = reading.dict(exclude_none=True)
        try:
            readings.parse_time(payload["time"])
        except readings.ReadingError as exc:
            raise ValidationFailed(
                f"第 {index + 1} 条：{exc}", code="bad_time", details={"index": index}
            ) from None
        text = json.dumps(payload, ensure_ascii=False)
        items.append(Incoming("http", text, mn=device.mn, payload=payload, peer=peer))
    with transaction.atomic():
        # The count commits with the readings: one commit a request, not two (a commit is
        # the dearest part of a small batch). A refused request rolls its count back, and
        # the window, full, goes on refusing.
        ratelimit.hit(
            f"monitor:{device.pk}",
            per_minute=getattr(settings, "SMARTSITE_HTTP_REQUESTS_PER_MINUTE", 120),
            message="上报过于频繁，请稍后再试",
        )
        result = readings_ingest(actor=SYSTEM, items=items, devices={device.mn: device})
    blocked = {"quarantined_device", "retired_device"} & set(result.outcomes)
    if blocked:
        raise PermissionDenied(
            f"设备{workflow.DEVICE_STATUS.get(device.status, '')}，数据已留存待核查",
            code="device_not_active",
        )
    return Status(
        201,
        {
            "accepted": result.outcomes.count("saved"),
            "duplicates": result.outcomes.count("duplicate"),
            "rejected": [
                {"index": i, "fields": fields} for i, fields in enumerate(result.rejected) if fields
            ],
        },
    )
