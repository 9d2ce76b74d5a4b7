"""API schemas of investment control and tracking audit (class names prefixed CostControl:
the OpenAPI document keys schemas by class name). Amounts come in as strings that the
services parse strictly (no NaN, no negatives, two places) and go out as decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from jianguan.core.api_schemas import documented, one_of, text
from jianguan.cost.control import workflow
from jianguan.projects.models import ProjectType

Amount = Annotated[str, Field(max_length=40, description='金额（元），如 "1250000.00"')]
Text = text(5000)


class CostControlFigures(Schema):
    project_id: int
    project_name: str
    estimate: Decimal = Field(description="批复概算")
    budget: Decimal | None = Field(description="预算（未填报时为最高投标限价之和）")
    budget_source: str = Field(description="plan 建设单位填报、ceiling 最高投标限价、空：无")
    contract_price: Decimal
    variations_approved: Decimal
    contract_current: Decimal
    variations_pending: Decimal
    contingency: Decimal
    paid: Decimal
    forecast: Decimal = Field(description="预测总投资")
    forecast_deviation: Decimal = Field(description="预测总投资减批复概算")
    forecast_ratio: Decimal | None = Field(description="预测总投资占批复概算的比例")
    settled: Decimal | None = Field(description="结算审定金额（各施工合同均已结算时）")


class CostControlPlanIn(Schema):
    budget_amount: Amount = Field("", description="预算（元）；留空则以最高投标限价代之")
    contingency: Amount = "0"
    note: text(500) = ""  # type: ignore[valid-type]


class CostControlMonthIn(Schema):
    month: Annotated[str, Field(max_length=10, description="月份，如 2026-03")]
    amount: Amount


class CostControlPaymentPlanIn(Schema):
    months: Annotated[list[CostControlMonthIn], Field(min_length=1, max_length=240)]


class CostControlMonthOut(Schema):
    month: dt.date
    plan: Decimal
    paid: Decimal
    plan_cum: Decimal
    paid_cum: Decimal | None


class CostControlDistrictFilter(Schema):
    owner: Annotated[int, Field(ge=1, le=2**62)] | None = None
    town: Annotated[int, Field(ge=1, le=2**62)] | None = None
    type: one_of(ProjectType.values, blank=True) = ""  # type: ignore[valid-type]


class CostControlGroupRow(Schema):
    name: str
    count: int
    estimate: Decimal
    contract_price: Decimal
    variations_approved: Decimal
    paid: Decimal
    forecast: Decimal
    deviation: Decimal
    forecast_ratio: Decimal | None


class CostControlDistrict(Schema):
    total: CostControlGroupRow
    by_owner: list[CostControlGroupRow]
    by_town: list[CostControlGroupRow]
    by_type: list[CostControlGroupRow]


class CostControlFeedItem(Schema):
    kind: str
    kind_label: str
    id: int
    label: str
    contract_number: str
    at: dt.datetime
    status_label: str
    amount: Decimal | None
    opinions: int


class CostControlEngagementIn(Schema):
    firm_id: Annotated[int, Field(ge=1, le=2**62)]
    reference: text(100)  # type: ignore[valid-type]
    started_on: dt.date | None = None


class CostControlEngagementOut(Schema):
    id: int
    project_id: int
    firm_name: str
    engaged_by_name: str
    reference: str
    started_on: dt.date
    ended_on: dt.date | None


class CostControlOpinionIn(Schema):
    subject_kind: str = documented(
        workflow.SUBJECT_KINDS,
        description="variation 变更与签证、claim 进度款申请、review 审核、payment 支付",
    )
    subject_id: Annotated[int, Field(ge=1, le=2**62)]
    text: Text


class CostControlAnswerIn(Schema):
    text: Text


class CostControlOpinionOut(Schema):
    id: int
    number: str
    project_id: int
    contract_number: str
    subject_kind: str
    subject_kind_label: str
    subject_id: int
    subject_label: str
    text: str
    firm_name: str
    raised_by_name: str
    raised_at: dt.datetime
    due_on: dt.date
    status: str
    status_label: str
    answer: str
    answered_by_name: str
    answered_at: dt.datetime | None


class CostControlOpinionFilter(Schema):
    status: one_of(workflow.STATUSES, blank=True) = ""  # type: ignore[valid-type]
