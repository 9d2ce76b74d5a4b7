from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from jianguan.accounts import selectors, services
from jianguan.accounts.models import OrganisationKind, Town
from jianguan.accounts.schemas import MeRead, OrganisationCreate, OrganisationPage, OrganisationRead
from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import ValidationFailed
from jianguan.core.permissions import registered

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
