"""API schemas of policy push. Statuses and organisation kinds come with Chinese labels."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from jianguan.accounts.models import OrganisationKind
from jianguan.collab.policies import workflow
from jianguan.core.api_schemas import one_of, text

KIND_CODES = [k for k in OrganisationKind.values if k != "regulator"]


class PolicyIn(Schema):
    title: text(200, 1)
    issuer: text(100, 1)
    number: text(100) = ""
    issued_on: dt.date
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    summary: text(500) = ""
    full_text: text(200_000, 1)
    tags: list[text(20, 1)] = Field(default_factory=list, max_length=workflow.MAX_TAGS)
    target_kinds: list[one_of(KIND_CODES)] = Field(default_factory=list, max_length=20)
    target_town_ids: list[int] = Field(default_factory=list, max_length=100)


class PolicyUpdateIn(Schema):
    title: text(200, 1) | None = None
    issuer: text(100, 1) | None = None
    number: text(100) | None = None
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    summary: text(500) | None = None
    full_text: text(200_000, 1) | None = None
    tags: list[text(20, 1)] | None = Field(None, max_length=workflow.MAX_TAGS)
    target_kinds: list[one_of(KIND_CODES)] | None = Field(None, max_length=20)
    target_town_ids: list[int] | None = Field(None, max_length=100)


class RepealIn(Schema):
    reason: text(300, 1)


class PolicyQuery(Schema):
    q: text(100) = ""
    tag: text(20) = ""
    year: int | None = Field(None, ge=1949, le=2100)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


class PolicyAttachmentRead(Schema):
    id: int
    name: str
    size: int
    sm3: str
    url: str


class TargetRead(Schema):
    kinds: list[str]
    kind_labels: list[str]
    towns: list[str]


class PolicyRead(Schema):
    id: int
    title: str
    issuer: str
    number: str
    issued_on: dt.date
    effective_on: dt.date | None
    expires_on: dt.date | None
    summary: str
    tags: list[str]
    status: str
    status_label: str
    published_at: dt.datetime | None
    attachments: list[PolicyAttachmentRead]


class PolicyDetail(PolicyRead):
    full_text: str
    repeal_reason: str
    targets: TargetRead | None = None  # the regulator's view only
    acknowledged_at: dt.datetime | None = None  # the reader's organisation's receipt
    targeted: bool = False


class PolicyPage(Schema):
    count: int
    items: list[PolicyRead]


class PolicyReceiptRead(Schema):
    organisation_id: int
    organisation_name: str
    organisation_kind_label: str
    town: str
    first_read_at: dt.datetime | None
    first_read_by: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str


class TrackingRead(Schema):
    policy_id: int
    targeted: int
    read: int
    acknowledged: int
    read_percent: str
    acknowledged_percent: str
    receipts: list[PolicyReceiptRead]
