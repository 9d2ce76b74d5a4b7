"""Ninja schemas of the compliance API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from jianguan.compliance import sanctions, workflow
from jianguan.core.api_schemas import documented, text

Str20 = text(20)
Str50 = text(50)
Str200 = text(200)
Str500 = text(500)
Text = text(5000)
Score = Annotated[int, Field(ge=1, le=5)]


class RiskItemIn(Schema):
    likelihood: Score = Field(..., description="可能性 1–5")
    impact: Score = Field(..., description="后果严重程度 1–5")
    measures: Str500 = ""


class RiskIn(Schema):
    items: dict[Annotated[str, Field(max_length=40)], RiskItemIn] = Field(
        ..., description="风险项编码 → 评分；须包含项目类型清单中的全部风险项", max_length=50
    )
    responsible_person: Str50 = ""


class RiskItemRead(Schema):
    code: str
    name: str
    likelihood: int
    impact: int
    score: int
    level: str
    measures: str


class RiskRead(Schema):
    project_id: int
    level: str
    level_label: str
    max_score: int
    responsible_person: str
    emergency_plan_sm3: str
    ready_for_construction: bool
    assessed_on: dt.date
    items: list[RiskItemRead]

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return workflow.RISK_LABELS[workflow.RiskLevel(obj.level)]

    @staticmethod
    def resolve_ready_for_construction(obj: Any) -> bool:
        return obj.ready

    @staticmethod
    def resolve_items(obj: Any) -> list:
        return list(obj.items.all())


class ChecklistItem(Schema):
    code: str
    name: str
    hint: str


class PlanForm(Schema):
    responsible_person: Str50 = Field(..., description="风险管控责任人")


class InspectionIn(Schema):
    kind: Str20 = documented(
        workflow.INSPECTION_KINDS, description="routine 日常、special 专项、joint 联合"
    )
    inspected_on: dt.date
    notes: Text = ""


class InspectionRead(Schema):
    id: int
    project_id: int
    kind: str
    inspected_on: dt.date
    inspector_organisation_id: int
    inspector: str
    side: str
    notes: str


class FindingForm(Schema):
    type: Str20 = documented(
        workflow.FINDING_TYPES, description="safety、quality、environment、labour"
    )
    severity: Str20 = documented(
        workflow.SEVERITIES, description="general 一般、major 较大、serious 重大"
    )
    description: Str500
    location: Str200 = ""
    responsible_organisation_id: int = Field(..., ge=1, le=2**62)
    due_on: dt.date | None = None
    stop_work: bool = False


class AnswerForm(Schema):
    text: Text


class ReinspectIn(Schema):
    result: Str20 = documented(("passed", "failed"), description="passed 或 failed")
    note: Str500 = ""
    inspected_on: dt.date | None = None


class OrderRead(Schema):
    id: int
    number: str
    project_id: int
    finding_id: int
    type: str
    severity: str
    description: str
    location: str
    responsible_organisation_id: int
    issued_on: dt.date
    due_on: dt.date
    status: str
    status_label: str
    stop_work: bool

    @staticmethod
    def resolve_type(obj: Any) -> str:
        return obj.finding.type

    @staticmethod
    def resolve_severity(obj: Any) -> str:
        return obj.finding.severity

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.finding.description

    @staticmethod
    def resolve_location(obj: Any) -> str:
        return obj.finding.location

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return workflow.ORDER_LABELS[workflow.OrderStatus(obj.status)]


class FailuresRead(Schema):
    organisation_id: int
    consecutive_failures: int


# --- cards, blacklist, procurement bans ----------------------------------------------------------

Evidence = Annotated[list[Str200], Field(max_length=50)]


class SanctionRead(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    organisation_id: int
    organisation_name: str
    credit_code: str
    trigger: str
    reason: str
    legal_basis: str
    automatic: bool
    issued_by: str
    issued_on: dt.date
    effective_from: dt.date
    effective_to: dt.date
    published_from: dt.date
    published_to: dt.date
    status: str
    evidence: list[str]


class PublicSanctionQuery(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    kind: Str20 = documented(sanctions.KINDS, blank=True, default="", description="处理类型")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100000)


class PublicSanctionPage(Schema):
    count: int
    items: list[SanctionRead]


class CardIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    kind: Str20 = documented(("yellow", "red"), description="yellow 黄牌、red 红牌（情节严重）")
    reason: Str500
    evidence: Evidence = []


class BlacklistIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    trigger: Str50 = Field(..., description="建市〔2017〕241号黑名单情形编码")
    reason: Str500
    evidence: Evidence = []
    accident_dates: Annotated[list[dt.date], Field(max_length=20)] = []


class BanIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    years: int = Field(..., ge=-1000, le=1000, description="禁入年限（1–3年）")
    reason: Str500
    evidence: Evidence = []


class AppealIn(Schema):
    text: Text


class AppealReviewIn(Schema):
    decision: Str20 = documented(("upheld", "revoked"), description="upheld 维持、revoked 撤销")
    note: Str500


class AppealRead(Schema):
    id: int
    sanction_id: int
    status: str
    submitted_on: dt.date
    decision_note: str


class RepairIn(Schema):
    note: Str500
