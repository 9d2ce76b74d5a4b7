from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jianguan.accounts import selectors, services
from jianguan.accounts.models import OrganisationKind, Town
from jianguan.accounts.schemas import MeRead, OrganisationCreate, OrganisationPage, OrganisationRead
from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import ValidationFailed
from jianguan.core.permissions import registered
from jianguan.core.timeutil import to_local, today_local
from jianguan.core.todo import todo_for

router = Router(tags=["机构与用户"])


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/me", response={200: MeRead, **ERRORS}, summary="当前用户")
def me(request: HttpRequest):
    actor = request.actor
    memberships = actor.memberships
    return {
        "id": actor.user_id,
        "username": actor.username,
        "display_name": actor.display_name,
        "organisation": actor.organisation,
        "roles": sorted(actor.roles),
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation_name": m.organisation.name,
                "organisation_kind": m.organisation.kind,
                "roles": m.roles,
            }
            for m in memberships
        ],
        "permissions": sorted(p for p in registered() if actor.can(p)),
    }


class TodoItemOut(Schema):
    kind: str = Field(description="待办类型（稳定代码）")
    kind_label: str = Field(description="待办类型（中文）")
    title: str
    url: str = Field(description="办理该事项的页面")
    due: str | None = Field(description="法定或约定期限：日期或北京时间的日期时间，无期限为 null")
    overdue: bool
    module: str = Field(description="所属模块（导航项）")


class TodoOut(Schema):
    count: int
    overdue: int
    items: list[TodoItemOut]


def _due(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return to_local(value).isoformat(timespec="minutes")
    return value.isoformat()


@router.get("/me/todo", response={200: TodoOut, **ERRORS}, summary="我的待办")
def my_todo(request: HttpRequest):
    """What the signed-in person has to do, across every module: overdue first, then by due
    date. Each item links to the page where it is done."""
    items = todo_for(request.actor, today_local())
    return {
        "count": len(items),
        "overdue": sum(1 for i in items if i.overdue),
        "items": [
            {
                "kind": i.kind,
                "kind_label": i.kind_label,
                "title": i.title,
                "url": i.url,
                "due": _due(i.due),
                "overdue": i.overdue,
                "module": i.module,
            }
            for i in items
        ],
    }


class OrganisationFilter(Schema):
    kind: OrganisationKind | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


@router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="机构列表")
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilter]):
    if not 1 <= filters.limit <= 500 or filters.offset < 0:
        raise ValidationFailed("分页参数不正确：limit 取 1–500，offset 不能为负", code="bad_page")
    qs = selectors.organisation_list_visible_to(
        actor=request.actor, kind=filters.kind, q=(filters.q or "")[:100] or None
    )
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/organisations/{int:org_id}", response={200: OrganisationRead, **ERRORS}, summary="机构详情"
)
def organisation_detail(request: HttpRequest, org_id: int):
    return selectors.organisation_get_visible_to(actor=request.actor, pk=org_id)


@router.post(
    "/organisations", response={201: OrganisationRead, **ERRORS}, summary="登记机构（监管部门）"
)
def organisation_create(request: HttpRequest, data: OrganisationCreate):
    fields = data.dict()
    town_name = fields.pop("town")
    town = None
    if town_name:
        town = Town.objects.filter(name=town_name).first()
        if town is None:
            raise ValidationFailed(f"未知的乡镇街道：{town_name}", code="unknown_town")
    org = services.organisation_create(actor=request.actor, town=town, **fields)
    return Status(201, org)


# Onboarding's operations live on this router (same tag, same /api/v1 prefix).
from jianguan.accounts.onboarding import api as _onboarding_api  # noqa: E402, F401
