from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from jianguan.accounts.models import OrganisationKind


class OrganisationRead(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    credit_code: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    address: str
    town: str | None
    is_active: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_town(obj) -> str | None:
        return obj.town.name if obj.town_id else None


class OrganisationCreate(Schema):
    name: str = Field(..., min_length=1, max_length=200, description="机构名称")
    kind: OrganisationKind = Field(..., description="机构类型")
    credit_code: str = Field(..., max_length=40, description="统一社会信用代码（18 位）")
    legal_representative: str = Field(..., min_length=1, max_length=50)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    town: str | None = Field(None, max_length=50, description="乡镇街道名称")


class MembershipRead(Schema):
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    roles: list[str]


class MeRead(Schema):
    id: int
    username: str
    display_name: str
    organisation: OrganisationRead | None
    roles: list[str]
    memberships: list[MembershipRead]
    permissions: list[str]


class OrganisationPage(Schema):
    count: int
    items: list[OrganisationRead]
