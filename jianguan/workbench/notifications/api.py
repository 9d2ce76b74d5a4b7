"""GET /api/v1/me/notifications and POST /api/v1/me/notifications/{id}/read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import to_local
from jianguan.workbench.notifications import selectors, services
from jianguan.workbench.notifications.events import label_for
from jianguan.workbench.notifications.models import Notification

router = Router(tags=["通知"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
MAX_LIMIT = 200


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="通知类型（稳定代码）")
    kind_label: str = Field(description="通知类型（中文）")
    title: str
    body: str
    url: str = Field(description="相关对象的页面")
    urgent: bool
    due: str | None = Field(description="期限（北京时间），无期限为 null")
    created_at: str = Field(description="通知时间（北京时间）")
    read_at: str | None = Field(description="已读时间（北京时间），未读为 null")


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class NotificationFilter(Schema):
    unread: bool | None = Field(None, description="true 仅未读，false 仅已读，缺省全部")
    limit: int = 50
    offset: int = 0


def _out(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": label_for(n.kind),
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "urgent": n.urgent,
        "due": to_local(n.due).isoformat(timespec="minutes") if n.due else None,
        "created_at": to_local(n.created_at).isoformat(timespec="seconds"),
        "read_at": to_local(n.read_at).isoformat(timespec="seconds") if n.read_at else None,
    }


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, summary="我的通知")
def my_notifications(request: HttpRequest, filters: Query[NotificationFilter]):
    """The signed-in person's inbox, newest first."""
    if not 1 <= filters.limit <= MAX_LIMIT or not 0 <= filters.offset <= 10**9:
        raise ValidationFailed(
            f"limit 须在 1–{MAX_LIMIT} 之间，offset 须在 0–10⁹ 之间", code="bad_page"
        )
    qs = selectors.notifications_for(actor=request.actor, unread=filters.unread)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "unread": selectors.unread_count(user_id=request.actor.user_id),
        "items": [_out(n) for n in page],
    }


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="标记通知为已读",
)
def mark_read(request: HttpRequest, notification_id: str):
    """Another person's notification answers 404, as if it did not exist."""
    pk = path_id(notification_id, "通知")
    n = services.notification_mark_read(actor=request.actor, notification_id=pk)
    return _out(n)
