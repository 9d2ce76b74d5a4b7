"""Ninja schemas of the wages API (names start with Wage/Payroll: OpenAPI components are keyed
by class name across the whole API). Money goes in as a decimal string and comes out as one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from jianguan.core.api_schemas import one_of, text
from jianguan.smartsite.workers import workflow as workers_workflow

WageTrade = one_of(workers_workflow.TRADES, blank=True)
MoneyText = text(20, 1)


class WageAccountIn(Schema):
    bank: text(80, 1)  # type: ignore[valid-type]
    account_number: text(40, 1)  # type: ignore[valid-type]
    opened_on: dt.date
    pay_day: int = Field(description="每月工资支付日（1-31）")
    labour_officer_name: text(50, 1)  # type: ignore[valid-type]
    labour_officer_phone: text(20, 1)  # type: ignore[valid-type]


class WageAccountRead(Schema):
    opened: bool
    holder_name: str = ""
    bank: str = ""
    account_masked: str = ""
    opened_on: dt.date | None = None
    pay_day: int | None = None
    labour_officer_name: str = ""
    labour_officer_phone: str = ""


class WageRateIn(Schema):
    daily_rate: MoneyText = Field(description='日工资（元），如 "350.00"')  # type: ignore[valid-type]
    contract_id: int | None = Field(None, description="按劳动合同设定")
    trade: WageTrade = Field("", description="或：按工种设定（与 employer_id 一起）")  # type: ignore[valid-type]
    employer_id: int | None = Field(None, description="用工单位（空：本单位）")


class WageRateRead(Schema):
    id: int
    employer_id: int
    employer_name: str
    contract_number: str | None
    worker_name: str | None
    trade: str
    trade_label: str
    daily_rate: Decimal
    set_by: str


class PayrollDraftIn(Schema):
    employer_id: int
    month: text(7, 1) = Field(description="YYYY-MM")  # type: ignore[valid-type]


class PayrollPaymentRead(Schema):
    amount: Decimal
    paid_on: dt.date
    bank_reference: str


class PayrollLineRead(Schema):
    worker_id: int
    worker_name: str
    trade_label: str
    bank_card_masked: str
    days: int
    daily_rate: Decimal
    amount: Decimal
    paid: Decimal
    owed: Decimal
    signed_on: dt.date | None
    sign_status: str
    sign_status_label: str
    sign_method_label: str
    signed_at: dt.datetime | None
    signature_recorded_by: str
    dispute_reason: str
    payments: list[PayrollPaymentRead]


class PayrollRead(Schema):
    id: int
    project_id: int
    employer_id: int
    employer_name: str
    month: str
    due_on: dt.date
    status: str
    status_label: str
    total: Decimal
    paid: Decimal
    owed: Decimal
    drafted_by: str
    confirmed_by: str
    signed_sheet_sm3: str
    lines: list[PayrollLineRead] = []


class PayrollPaymentIn(Schema):
    worker_id: int
    amount: MoneyText  # type: ignore[valid-type]
    paid_on: dt.date
    bank_reference: text(60, 1)  # type: ignore[valid-type]


class PayrollSignaturesForm(Schema):
    signed_on: dt.date | None = None


class PayrollLineSignIn(Schema):
    method: Literal["signature", "fingerprint", "face"] = Field(
        description="本人签字 signature / 按指纹 fingerprint / 人脸识别 face"
    )


class PayrollLineDisputeIn(Schema):
    reason: text(300, 1) = Field(description="工人不签字的原因（如出勤天数不符）")  # type: ignore[valid-type]


class WageNoticePartyRead(Schema):
    role: str
    role_label: str
    name: str


class WageNoticeRead(Schema):
    project_code: str
    project_name: str
    parties: list[WageNoticePartyRead]
    labour_officer_name: str
    labour_officer_phone: str
    pay_day: int | None
    pay_day_text: str
    wage_bank: str
    minimum_wage_monthly: Decimal
    minimum_wage_reference: str
    hotlines: str
    reference: str


class WageArrearsRead(Schema):
    id: int
    project_id: int
    project_name: str
    payroll_id: int | None = Field(description="空：该月未编制工资表")
    missing_sheet: bool
    worker_days: int
    employer_name: str
    month: str
    due_on: dt.date
    found_on: dt.date
    owed: Decimal
    repeated: bool
    status: str
    status_label: str
    credit_record_id: int | None


class WageArrearsDecisionIn(Schema):
    decision: Literal["confirm", "dismiss"]
    note: text(300, 1)  # type: ignore[valid-type]
