"""Request and response shapes of the tendering API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from jianguan.core.api_schemas import documented, text
from jianguan.tendering import procedures

Str20, Str40, Str200 = text(20), text(40), text(200)
Text = text(10000)
Scope = text(100, 1)
Id = Annotated[int, Field(ge=1, le=2**62)]


class LotIn(Schema):
    title: Str200 = ""
    price_ceiling: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2)
    bond_amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class TenderIn(Schema):
    project_id: Id
    title: Str200
    procedure: Str20 = documented(procedures.PROCEDURES, description="招标方式")
    estimate: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2)
    description: Text = ""
    lots: Annotated[list[LotIn], Field(min_length=1, max_length=20)]
    agency_id: Id | None = None
    access_standard_id: Id | None = None
    invitee_ids: Annotated[list[Id], Field(max_length=50)] = []


class LotRead(Schema):
    id: int
    number: int
    title: str
    price_ceiling: Decimal
    bond_amount: Decimal


class TenderRead(Schema):
    id: int
    code: str
    title: str
    status: str
    status_label: str
    procedure: str
    project_code: str
    estimate: Decimal
    documents_from: dt.datetime | None
    sale_end: dt.datetime | None
    bid_deadline: dt.datetime | None
    unseal_until: dt.datetime | None
    paused: bool
    failed_reason: str
    lots: list[LotRead]


class ClarificationRead(Schema):
    id: int
    text: str
    issued_at: dt.datetime
    old_deadline: dt.datetime
    new_deadline: dt.datetime


class ObjectionIn(Schema):
    text: Text


class AnswerIn(Schema):
    answer: Text


class ObjectionRead(Schema):
    id: int
    filed_at: dt.datetime
    answer_due: dt.datetime
    answered_at: dt.datetime | None


class ReasonIn(Schema):
    reason: Str200


class KeyIn(Schema):
    public_pem: Annotated[str, Field(min_length=1, max_length=4000)]


class KeyRead(Schema):
    fingerprint: str
    registered_at: dt.datetime


class UploadIn(Schema):
    size: int = Field(..., ge=1, le=2 * 1024**3)
    sm3: Annotated[str, Field(min_length=64, max_length=64, description="整个密封包的 SM3")]
    bond_amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    bond_account: Str40


class UploadRead(Schema):
    upload_id: str
    size: int
    chunk_size: int
    chunks: int
    received: list[int]
    missing: list[int]


class ReceiptRead(Schema):
    bid_id: int
    tender_code: str
    lot: int
    receipt_number: str
    received_at: dt.datetime
    package_sm3: str
    package_size: int
    status: str


class UnsealIn(Schema):
    data_key: Annotated[str, Field(min_length=32, max_length=64)]


class BidRead(ReceiptRead):
    price: Decimal | None = None
    duration_days: int | None = None
    failure_reason: str = ""


class EntrustmentForm(Schema):
    """招标委托 (multipart, with the 委托合同 PDF as the file part `contract`)."""

    project_id: Id
    agency_id: Id = Field(..., description="受托的招标代理机构（机构类型 tender_agency）")
    scope: Scope = Field(..., description="委托范围，如 施工招标、监理招标")
    starts_on: dt.date
    ends_on: dt.date


class EntrustmentWithdrawIn(Schema):
    reason: Str200


class EntrustmentRead(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    owner_name: str
    agency_id: int
    agency_name: str
    scope: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    status_label: str
    in_force: bool
    contract_sm3: str
    contract_size: int
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
