"""Settlement audit API schemas (names prefixed CostAudit: OpenAPI keys by class name).
Amounts travel as strings of yuan ("12345.67") and are parsed by the services: NaN, infinity,
negatives and more than two decimals are refused there with a Chinese message."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

Amount = str


class CostAuditEngageIn(Schema):
    firm_id: int = Field(..., ge=1, le=2**53, description="审计机构（机构类型 auditor）")
    reference: str = Field(..., max_length=200, description="委托书编号")


class CostAuditReviewRead(Schema):
    id: int
    stage: str
    stage_label: str
    organisation_name: str
    reviewer_name: str
    submitted_at: dt.datetime | None
    reviewed_amount: str | None
    opinion: str


class CostAuditRead(Schema):
    id: int
    account_id: int
    account_number: str
    project_name: str
    contract_number: str
    firm_name: str
    finance_name: str
    appointed_by_organisation: str
    appointed_at: dt.datetime
    reference: str
    state: str
    state_label: str
    review_due_on: dt.date
    response_due_on: dt.date | None
    meeting_due_on: dt.date | None
    submitted_amount: str | None
    proposed_amount: str | None
    audited_amount: str | None
    reduction_ratio: str | None
    report_number: str
    credit_recorded: bool
    reviews: list[CostAuditReviewRead]


class CostAuditCutIn(Schema):
    line_id: int = Field(..., ge=1, le=2**53)
    audited_amount: Amount = Field(..., max_length=30, description="审定金额（元）")
    reason: str = Field(..., max_length=1000)


class CostAuditCutsIn(Schema):
    cuts: list[CostAuditCutIn] = Field(..., max_length=50_000)


class CostAuditCountOut(Schema):
    count: int


class CostAuditSubmitIn(Schema):
    opinion: str = Field("", max_length=2000)


class CostAuditDisputeIn(Schema):
    line_id: int = Field(..., ge=1, le=2**53)
    reason: str = Field(..., max_length=1000)


class CostAuditRespondIn(Schema):
    disputes: list[CostAuditDisputeIn] = Field(default_factory=list, max_length=50_000)


class CostAuditFigureIn(Schema):
    line_id: int = Field(..., ge=1, le=2**53)
    final_amount: Amount = Field(..., max_length=30)


class CostAuditMeetingIn(Schema):
    held_on: dt.date
    venue: str = Field(..., max_length=200)
    attendees: str = Field(..., max_length=1000)
    minutes: str = Field(..., max_length=10000)
    figures: list[CostAuditFigureIn] = Field(..., max_length=50_000)


class CostAuditLineRead(Schema):
    id: int
    sequence: int
    source_kind: str
    source_kind_label: str
    code: str
    name: str
    unit: str
    claimed_amount: str
    stage_settled: bool
    finance_amount: str | None
    finance_reason: str | None
    audit_amount: str | None
    audit_reason: str | None
    proposed_amount: str | None
    response: str | None
    response_label: str | None
    final_amount: str | None
    settled_amount: str | None


class CostAuditLinePage(Schema):
    count: int
    page: int
    pages: int
    lines: list[CostAuditLineRead]


class CostAuditLineFilter(Schema):
    page: int = Field(1, ge=1, le=100_000)
    q: str = Field("", max_length=60)
    kind: Literal[
        "", "boq", "variation", "visa", "claim", "price_adjustment", "deduction", "stage_settled"
    ] = ""
    show: Literal["", "cut", "disputed", "stage_settled"] = ""
