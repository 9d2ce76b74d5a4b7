"""API schemas of onboarding: the regulator's review and one's own login history."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from jianguan.accounts.onboarding import workflow as wf
from jianguan.core.api_schemas import one_of, text


class ApplicationRead(Schema):
    id: int
    number: str = Field(description="申请编号")
    status: str = Field(description="submitted 待审核 | returned 已退回 | approved 已通过")
    status_label: str
    name: str
    kind: str
    kind_label: str
    credit_code: str
    legal_representative: str
    address: str
    admin_name: str
    admin_phone: str
    admin_email: str
    licence_sm3: str = Field(description="营业执照扫描件的 SM3")
    submitted_at: dt.datetime
    submissions: int
    review_reasons: str
    reviewed_at: dt.datetime | None
    organisation_id: int | None = Field(description="通过后登记的机构")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return wf.LABELS.get(obj.status, obj.status)

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class ApplicationFilter(Schema):
    status: one_of(wf.LABELS, blank=True) = ""  # type: ignore[valid-type]


class DecisionIn(Schema):
    decision: one_of(("approve", "return"))  # type: ignore[valid-type]
    reasons: text(wf.MAX_REASONS) = ""


class DecisionOut(Schema):
    application: ApplicationRead
    set_password_link: str | None = Field(
        description="通过时：机构管理员设置密码的一次性链接（亦已发往其邮箱）；退回时为 null"
    )


class LoginRead(Schema):
    at: dt.datetime
    address: str
    user_agent: str
