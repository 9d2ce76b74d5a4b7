"""Request and response shapes of the contracts API (creation, terms, signing, subcontracts,
register, ledger). Money and ratios travel as strings and are parsed by the services, so a
bad number is a Chinese 400, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from jianguan.contracts import workflow
from jianguan.core.api_schemas import documented, text

Str20, Str40, Str100, Str200 = text(20), text(40), text(100), text(200)
Text = text(5000)
Id = Annotated[int, Field(ge=1, le=2**62)]
Num = text(40)


class TermsIn(Schema):
    """Every field optional: only what is given changes."""

    title: Str200 | None = None
    scope: Text | None = None
    duration_days: int | None = Field(None, ge=1, le=3650)
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    advance_ratio: Num | None = Field(None, description='0 至 0.3，如 "0.1"')
    progress_ratio: Num | None = Field(None, description='如 "0.85"（不低于 80%）')
    retention_form: Str20 | None = documented(
        workflow.RETENTION_FORMS, default=None, description="质量保证金形式"
    )
    retention_ratio: Num | None = Field(None, description='如 "0.03"（不高于 3%）')
    security_form: Str20 | None = documented(
        workflow.SECURITY_FORMS, default=None, description="履约担保形式"
    )
    security_amount: Num | None = Field(None, description="元，两位小数")
    security_reference: Str100 | None = None
    measurement_period_months: int | None = Field(None, ge=1, le=12)
    labour_payment_cycle_months: int | None = Field(None, ge=1, le=12)
    supervisor_id: Id | None = None
    finance_bureau_id: Id | None = None
    auditor_id: Id | None = None


class FromAwardIn(TermsIn):
    award_id: Id


class ContractIn(TermsIn):
    project_id: Id
    contractor_id: Id
    title: Str200
    price: Num = Field(..., description="签约合同价（元）")
    duration_days: int = Field(..., ge=1, le=3650)
    tender_code: Str20 = ""


class SubcontractIn(Schema):
    contractor_id: Id
    subcontract_type: Str20 = documented(
        workflow.SUBCONTRACT_TYPES, description="specialist（专业分包）或 labour（劳务分包）"
    )
    title: Str200
    scope: Text = ""
    price: Num
    duration_days: int = Field(..., ge=1, le=3650)
    covers_main_structure: bool = False
    access_standard_id: Id | None = None


class ApprovalIn(Schema):
    approve: bool
    opinion: text(500) = ""


class PartyOut(Schema):
    id: int
    name: str
    credit_code: str


class ContractOut(Schema):
    id: int
    number: str
    project_id: int
    project_code: str
    kind: str
    subcontract_type: str
    parent_id: int | None
    award_id: int | None
    tender_code: str
    title: str
    scope: str
    status: str
    status_label: str
    employer: PartyOut
    contractor: PartyOut
    supervisor: PartyOut | None
    finance_bureau: PartyOut | None
    auditor: PartyOut | None
    price: str
    current_value: str
    duration_days: int
    start_on: dt.date | None
    end_on: dt.date | None
    advance_ratio: str
    progress_ratio: str
    retention_form: str
    retention_ratio: str
    security_form: str
    security_amount: str
    security_reference: str
    measurement_period_months: int
    labour_payment_cycle_months: int
    employer_signed_at: dt.datetime | None
    contractor_signed_at: dt.datetime | None
    signed_on: dt.date | None
    approved_at: dt.datetime | None
    eligibility: Any = None
    boq_lines: int
    boq_total: str
    problems: list[dict[str, str]] = []


class ContractRow(Schema):
    id: int
    number: str
    project_code: str
    title: str
    kind: str
    status: str
    employer: str
    contractor: str
    price: str
    current_value: str
    signed_on: dt.date | None


class ContractLedgerHeadOut(Schema):
    tree_size: int
    root_hash: str
    timestamp: str
    hash_alg: str
    signature: str
    key_id: str
    sig_alg: str


class LedgerEntryOut(Schema):
    index: int
    type: str
    time: str
    leaf_input_b64: str
    document: dict[str, Any]
    inclusion_proof_b64: list[str]
    verified: bool


class LedgerOut(Schema):
    contract: dict[str, Any]
    head: ContractLedgerHeadOut | None
    entries: list[LedgerEntryOut]


class ContractQuery(Schema):
    q: Str200 = Field("", description="按合同编号、名称或单位搜索")
    project_id: Str20 = Field("", description="项目 id 或编号")
    status: Str20 = documented(
        workflow.CONTRACT_STATUSES, blank=True, default="", description="状态（空：全部）"
    )
    kind: Str20 = documented(
        workflow.CONTRACT_KINDS, blank=True, default="", description="类型（空：全部）"
    )
    offset: int = Field(0, ge=0, le=10**6)
    limit: int = Field(50, ge=1, le=200)
