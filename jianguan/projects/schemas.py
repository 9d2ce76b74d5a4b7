"""Ninja schemas of the project register API (`/api/v1/projects`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from jianguan.core.api_params import ID_MAX
from jianguan.core.api_schemas import documented, text
from jianguan.projects import selectors
from jianguan.projects import warnings as warning_rules
from jianguan.projects.models import (
    FundingSource,
    KeyNodeStatus,
    ParticipantRole,
    ProjectType,
    WarningLevel,
)
from jianguan.projects.workflow import STAGE_LABELS, Stage

Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def _label(choices: Any, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _stage_label(value: str) -> str:
    try:
        return STAGE_LABELS[Stage(value)]
    except ValueError:
        return value


# --- reading -------------------------------------------------------------------------------


class ProjectListItem(Schema):
    id: int
    code: str
    name: str
    type: str
    type_label: str
    funding: str
    funding_label: str
    budget: Decimal = Field(description="批复概算（元）")
    town_id: int
    town: str
    owner_id: int
    owner: str
    stage: str
    stage_label: str
    warning_level: int
    warning_label: str
    longitude: Decimal
    latitude: Decimal
    created_at: dt.datetime

    @staticmethod
    def resolve_type_label(obj: Any) -> str:
        return _label(ProjectType, obj.type)

    @staticmethod
    def resolve_funding_label(obj: Any) -> str:
        return _label(FundingSource, obj.funding)

    @staticmethod
    def resolve_town(obj: Any) -> str:
        return obj.town.name

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return _stage_label(obj.stage)

    @staticmethod
    def resolve_warning_label(obj: Any) -> str:
        return _label(WarningLevel, obj.warning_level)


class ProjectPage(Schema):
    count: int
    items: list[ProjectListItem]


class StageRead(Schema):
    stage: str
    stage_label: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return _stage_label(obj.stage)


class ProjectRead(ProjectListItem):
    site_polygon: dict | None
    description: str
    design_life_years: int
    is_public: bool
    approval_document: str
    design_review_document: str
    construction_permit: str
    construction_permit_date: dt.date | None
    construction_contract_ref: str
    completion_filing: str
    settlement_document: str
    archive_transfer: str
    completion_date: dt.date | None
    updated_at: dt.datetime
    stages: list[StageRead]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        order = {s.value: i for i, s in enumerate(Stage)}
        return sorted(obj.stages.all(), key=lambda s: order.get(s.stage, 99))


class PublicProject(Schema):
    """What anyone may see without login: basic information, nothing else."""

    code: str
    name: str
    type: str
    type_label: str
    town: str
    stage: str
    stage_label: str
    longitude: Decimal
    latitude: Decimal

    @staticmethod
    def resolve_type_label(obj: Any) -> str:
        return _label(ProjectType, obj.type)

    @staticmethod
    def resolve_town(obj: Any) -> str:
        return obj.town.name

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return _stage_label(obj.stage)


class PublicProjectPage(Schema):
    count: int
    items: list[PublicProject]


class ParticipantRead(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    credit_code: str
    role: str
    role_label: str
    is_active: bool

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_credit_code(obj: Any) -> str:
        return obj.organisation.credit_code

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return _label(ParticipantRole, obj.role)


class LeadRead(Schema):
    id: int
    party: str
    party_label: str
    organisation_id: int
    organisation_name: str
    person_id: int
    person_name: str
    certificate_number: str
    authorisation_sm3: str
    commitment_sm3: str
    started_on: dt.date
    ended_on: dt.date | None
    is_current: bool

    @staticmethod
    def resolve_party_label(obj: Any) -> str:
        return _label(ParticipantRole, obj.party)

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return obj.person.name

    @staticmethod
    def resolve_certificate_number(obj: Any) -> str:
        return obj.person.certificate_number

    @staticmethod
    def resolve_is_current(obj: Any) -> bool:
        return obj.ended_on is None


class FindingRead(Schema):
    id: int
    text: str
    raised_by: str
    created_at: dt.datetime
    closed_at: dt.datetime | None


class KeyNodeInspectionRead(Schema):
    round: int
    supervisor_result: str
    supervisor_user: str
    supervisor_signed_at: dt.datetime | None
    regulator_result: str
    regulator_user: str
    regulator_signed_at: dt.datetime | None
    closed: bool
    findings: list[FindingRead]

    @staticmethod
    def resolve_findings(obj: Any) -> list[Any]:
        return list(obj.findings.all())


class KeyNodeRead(Schema):
    id: int
    code: str
    name: str
    sequence: int
    planned_date: dt.date | None
    status: str
    status_label: str
    passed_on: dt.date | None
    gates_payment: bool
    inspections: list[KeyNodeInspectionRead]

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return _label(KeyNodeStatus, obj.status)

    @staticmethod
    def resolve_inspections(obj: Any) -> list[Any]:
        return list(obj.inspections.all())


class SignatureRead(Schema):
    party: str
    party_label: str
    person_name: str
    signed_on: dt.date

    @staticmethod
    def resolve_party_label(obj: Any) -> str:
        return _label(ParticipantRole, obj.party)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return obj.lead.person.name


class SignaturesRead(Schema):
    signed: list[str] = Field(description="已签署的责任主体")
    completion_date: dt.date | None = Field(description="竣工日期：最后一位负责人签字之日")
    signatures: list[SignatureRead] = []


class WarningRead(Schema):
    id: int
    rule_code: str
    rule_label: str
    level: int
    level_label: str
    reason: str = Field(description="预警原因（中文说明）")
    raised_at: dt.datetime
    cleared_at: dt.datetime | None

    @staticmethod
    def resolve_rule_label(obj: Any) -> str:
        return warning_rules.rule_label(obj.rule_code)

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return _label(WarningLevel, obj.level)


class WarningEventRead(Schema):
    warning_id: int
    rule_code: str
    rule_label: str
    kind: str
    kind_label: str
    level: int
    level_label: str
    reason: str
    at: dt.datetime


class WarningsRead(Schema):
    level: int
    level_label: str
    active: list[WarningRead]
    history: list[WarningEventRead]


class SpatialItem(Schema):
    id: int
    code: str
    name: str
    stage: str
    stage_label: str
    warning_level: int
    longitude: Decimal
    latitude: Decimal
    distance_m: float | None = None


class SpatialPage(Schema):
    count: int
    items: list[SpatialItem]


# --- writing -------------------------------------------------------------------------------


Str20 = text(20)
Str40 = text(40)
Str50 = text(50)
DocRef = text(100)
Name = text(200, 1)
LongText = text(5000)
FindingText = text(500, 1)


class PlannedDates(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


class ProjectCreate(Schema):
    code: Str20 | None = Field(None, description="项目编号（留空自动生成，如 DX-2026-0001）")
    name: Name = Field(..., description="项目名称")
    type: Str40 = documented(ProjectType.values, description="项目类型")
    funding: Str40 = documented(FundingSource.values, description="资金来源")
    budget: Decimal = Field(..., description="批复概算（元，两位小数）")
    town: Id = Field(..., description="乡镇街道 id")
    owner: Id = Field(..., description="建设单位机构 id")
    longitude: Decimal = Field(..., description="经度（CGCS2000）")
    latitude: Decimal = Field(..., description="纬度（CGCS2000）")
    site_polygon: dict[str, Any] | None = Field(None, description="用地范围 GeoJSON")
    description: LongText = ""
    design_life_years: int = Field(50, ge=1, le=200)
    planned: dict[str, PlannedDates] | None = Field(
        None, description="各阶段计划日期：{阶段: {start, end}}"
    )


class ProjectUpdate(Schema):
    name: Name | None = None
    description: LongText | None = None
    is_public: bool | None = None
    approval_document: DocRef | None = None
    design_review_document: DocRef | None = None
    construction_permit: DocRef | None = None
    construction_permit_date: dt.date | None = None
    construction_contract_ref: DocRef | None = None
    completion_filing: DocRef | None = None
    settlement_document: DocRef | None = None
    archive_transfer: DocRef | None = None


class TransitionIn(Schema):
    target: Str40 = Field(..., description="目标阶段，只能是下一阶段")


class ParticipantIn(Schema):
    organisation: Id
    role: Str40 = Field(..., description="角色：" + "、".join(ParticipantRole.values))


class LeadForm(Schema):
    party: Str40 = Field(
        ..., description="责任主体：owner、surveyor、designer、general_contractor、supervisor"
    )
    person_name: Str50 = Field(..., description="负责人姓名")
    certificate_number: Str50 = ""
    id_number_masked: Str20 = ""
    phone: Str20 = ""
    started_on: dt.date


class InspectIn(Schema):
    result: Str20 = documented(("passed", "failed"), description="passed 或 failed")
    findings: list[FindingText] = Field(default_factory=list, max_length=50)


class SignatureIn(Schema):
    party: Str40
    signed_on: dt.date


class PolygonIn(Schema):
    polygon: dict[str, Any] = Field(..., description="GeoJSON Polygon / MultiPolygon（CGCS2000）")
    limit: int = Field(500, ge=1, le=500)


# --- queries -------------------------------------------------------------------------------

Query100 = text(100)


class ProjectQuery(Schema):
    q: Query100 = Field("", description="按项目编号或名称搜索")
    town: Id | None = Field(None, description="乡镇街道 id")
    stage: Str40 = documented(
        (s.value for s in Stage), blank=True, default="", description="阶段（空：全部）"
    )
    type: Str40 = documented(
        ProjectType.values, blank=True, default="", description="项目类型（空：全部）"
    )
    funding: Str40 = documented(
        FundingSource.values, blank=True, default="", description="资金来源（空：全部）"
    )
    owner: Id | None = Field(None, description="建设单位机构 id")
    warning_level: int | None = Field(None, ge=0, le=4, description="预警等级 0–4")
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    sort: Str20 = documented(selectors.SORTS, default="-code", description="排序字段")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=ID_MAX)


class NearQuery(Schema):
    lon: float = Field(..., description="经度（CGCS2000）")
    lat: float = Field(..., description="纬度（CGCS2000）")
    radius_m: float = Field(..., description="半径（米，≤ 200000）")
    limit: int = Field(500, ge=1, le=500)


class WithinQuery(Schema):
    polygon: str = Field(..., max_length=200_000, description="GeoJSON 多边形（JSON 文本）")
    limit: int = Field(500, ge=1, le=500)


class PublicQuery(Schema):
    q: Query100 = Field("", description="按项目编号或名称搜索")
    town: Id | None = None
    stage: Str40 = documented((s.value for s in Stage), blank=True, default="")
    type: Str40 = documented(ProjectType.values, blank=True, default="")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=ID_MAX)
