"""Request and response shapes of the advance payment and retention API. Money and ratios
travel as strings and are parsed by the services (NaN, Infinity and negatives refused with a
Chinese 400). Class names carry the Cp prefix (OpenAPI keys schemas by class name)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from jianguan.core.api_schemas import text

Num = text(40)


class CpTermsIn(Schema):
    start_ratio: Num = Field(..., description='起扣点：累计审定产值占合同价比例，如 "0.2"')
    rate: Num = Field(..., description='扣回比例：占每期审定产值，如 "0.25"')
    defects_period_months: int = Field(12, ge=1, le=24, description="缺陷责任期（月）")


class CpAdvanceIn(Schema):
    amount: Num = Field(..., description='预付款金额（元），如 "1000000.00"')
    guarantee_number: text(60)
    guarantee_issuer: text(100)
    guarantee_amount: Num
    guarantee_expires_on: dt.date


class CpDecisionIn(Schema):
    approve: bool
    opinion: text(500) = ""


class CpPaymentIn(Schema):
    paid_on: dt.date
    reference: text(100)


class CpHoldIn(Schema):
    amount: Num
    reason: text(300)


class CpReleaseIn(Schema):
    amount: Num


class CpPosition(Schema):
    paid_to_date: str
    advance_paid: str
    advance_recovered: str
    advance_outstanding: str
    retention_held: str
    retention_released: str
    retention_guaranteed: str


class CpTermsOut(Schema):
    start_ratio: str
    rate: str
    defects_period_months: int


class CpAdvanceOut(Schema):
    id: int
    amount: str
    status: str
    status_label: str
    guarantee_number: str
    guarantee_issuer: str
    guarantee_amount: str
    guarantee_outstanding: str
    guarantee_expires_on: dt.date
    recovered: str
    due_on: dt.date | None
    paid_on: dt.date | None
    opinion: str


class CpRecoveryOut(Schema):
    claim_id: int
    claim_number: str
    sequence: int
    payable_amount: str
    amount: str
    net_payable: str
    cumulative: str


class CpHoldOut(Schema):
    id: int
    amount: str
    reason: str
    status: str
    status_label: str


class CpReleaseOut(Schema):
    id: int
    amount: str
    status: str
    status_label: str
    confirm_due_on: dt.date
    pay_due_on: dt.date | None
    paid_on: dt.date | None
    opinion: str


class CpRetentionOut(Schema):
    form: str
    form_label: str
    ratio: str
    held: str
    released: str
    holds: str
    pending: str
    releasable: str
    completed_on: dt.date | None
    defects_period_end: dt.date | None
    open_findings: int


class CpOverview(Schema):
    contract_id: int
    contract_number: str
    price: str
    advance_ratio: str
    advance_limit: str
    position: CpPosition
    terms: CpTermsOut | None
    advance: CpAdvanceOut | None
    recoveries: list[CpRecoveryOut]
    retention: CpRetentionOut
    holds: list[CpHoldOut]
    releases: list[CpReleaseOut]
