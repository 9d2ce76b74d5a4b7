"""API schemas of the final account (names prefixed Fa/Stage: OpenAPI keys by class name).
Money in and out is a decimal string in yuan ("86000.00"); the services refuse NaN,
infinities and negatives with a 400."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from jianguan.core.api_schemas import documented, text
from jianguan.cost.settlement import workflow as wf

Money = Annotated[str, Field(min_length=1, max_length=40, description='金额（元），如 "86000.00"')]
Code = Annotated[str, Field(min_length=1, max_length=40)]


class FaTermsIn(Schema):
    silence_consequence: str = documented(wf.SILENCE_CONSEQUENCES)
    submit_days: Annotated[int, Field(ge=1, le=365)] | None = None
    material_risk_band: Annotated[str, Field(max_length=20)] | None = Field(
        None, description='材料价格风险幅度（比例），如 "0.05"；空为按规则数据'
    )


class FaTermsRead(Schema):
    contract_id: int
    silence_consequence: str
    silence_consequence_label: str
    submit_days: int | None
    material_risk_band: Decimal | None


class FaQuantity(Schema):
    code: Code
    quantity: Money


class FaQuantitiesIn(Schema):
    quantities: list[FaQuantity] = Field(..., min_length=1, max_length=20000)


class FaLineIn(Schema):
    kind: str = documented(
        wf.MANUAL_KINDS, description="claim 索赔、price_adjustment 材料调差、deduction 扣减"
    )
    name: text(200)
    amount: Money | None = None
    base_price: Money | None = None
    market_price: Money | None = None
    quantity: Money | None = None
    unit: text(20) = ""
    note: text(500) = ""


class FaActionIn(Schema):
    action: str = documented(
        ("submit", "accept", "return", "confirm", "sign"),
        description="submit 承包人提交、accept/return 发包人审核、confirm 发包人确认结算金额、sign 签署结算书",
    )
    opinion: text(1000) = ""


class FaPaymentIn(Schema):
    amount: Money
    paid_on: dt.date | None = None
    reference: text(100) = ""


class FaLineRead(Schema):
    id: int
    sequence: int
    source_kind: str
    source_kind_label: str
    source_id: int | None
    code: str
    name: str
    unit: str
    contract_quantity: Decimal | None
    quantity: Decimal
    unit_rate: Decimal
    claimed_amount: Decimal
    settled_amount: Decimal | None
    stage_settled: bool
    note: str


class FaKindTotal(Schema):
    kind: str
    label: str
    claimed: Decimal
    settled: Decimal | None


class FaSignatureRead(Schema):
    party: str
    party_label: str
    organisation_name: str | None
    signed_at: dt.datetime | None


class FaPaymentRead(Schema):
    direction: str
    direction_label: str
    amount: Decimal
    paid_on: dt.date
    reference: str


class FaRead(Schema):
    id: int
    number: str
    contract_id: int
    contract_number: str
    project_id: int
    project_name: str
    status: str
    status_label: str
    submitted_amount: Decimal
    audited_amount: Decimal | None
    settled_amount: Decimal | None
    completion_date: dt.date
    submit_due_on: dt.date
    review_due_on: dt.date | None
    silence_consequence: str
    silence_consequence_label: str
    owner_decision: str
    owner_decision_label: str
    owner_opinion: str
    report_reference: str


class FaDetail(FaRead):
    totals: list[FaKindTotal]
    signatures: list[FaSignatureRead]
    paid_to_date: Decimal | None
    advance_recovered: Decimal | None
    retention_held: Decimal | None
    advance_outstanding: Decimal | None
    final_balance: Decimal | None
    remaining: Decimal
    refund_due_on: dt.date | None
    payments: list[FaPaymentRead]


class FaStageIn(Schema):
    period_start: dt.date
    period_end: dt.date
    quantities: list[FaQuantity] = Field(..., min_length=1, max_length=20000)


class FaStageDecisionIn(Schema):
    agree: bool
    opinion: text(500) = ""


class FaStageLineRead(Schema):
    code: str
    name: str
    quantity: Decimal
    unit_rate: Decimal
    amount: Decimal


class FaStageRead(Schema):
    id: int
    number: str
    contract_id: int
    period_start: dt.date
    period_end: dt.date
    status: str
    status_label: str
    amount: Decimal
    lines: list[FaStageLineRead]
