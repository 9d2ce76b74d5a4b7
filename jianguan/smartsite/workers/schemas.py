"""Ninja schemas of the workers and attendance API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from jianguan.core.api_schemas import one_of, text
from jianguan.smartsite.workers import workflow

Trade = one_of(workflow.TRADES)
Direction = Literal["in", "out"]


class WorkerIn(Schema):
    name: text(50, 1)  # type: ignore[valid-type]
    id_number: text(30, 1) = Field(description="18位身份证号（GB 11643 校验）")  # type: ignore[valid-type]
    trade: Trade = Field(description="工种代码")  # type: ignore[valid-type]
    employer_id: int | None = Field(None, description="用工单位（空：本单位）")
    phone: text(20) = ""  # type: ignore[valid-type]
    bank_card: text(30) = ""  # type: ignore[valid-type]
    bank_name: text(60) = ""  # type: ignore[valid-type]


class WorkerRead(Schema):
    id: int
    name: str
    id_number: str = Field(description="完整身份证号（有权查看者）或脱敏号码")
    id_number_masked: str
    trade: str
    trade_label: str
    employer_id: int
    employer_name: str
    bank_card: str = ""
    bank_name: str = ""


class WorkerRegisteredRead(WorkerRead):
    blacklist_warnings: list[str] = Field(
        [],
        description="此人在工人黑名单中时的警示（原因、期限）：登记照常完成，但不能进场",
    )


class WorkerRowErrorRead(Schema):
    row: int
    column: str
    message: str
    code: str


class WorkerRowWarningRead(WorkerRowErrorRead):
    """A row that was imported, with what the labour officer must know about it."""


class WorkerImportRead(Schema):
    rows: int
    created: int
    created_ids: list[int]
    errors: list[WorkerRowErrorRead]
    warnings: list[WorkerRowWarningRead] = Field(
        [], description="已导入但须注意的行，如此人在工人黑名单中（代码 worker_blacklisted）"
    )


class LabourContractIn(Schema):
    worker_id: int
    start: dt.date
    end: dt.date | None = None
    signed_on: dt.date | None = None


class LabourContractRead(Schema):
    id: int
    number: str
    worker_id: int
    worker_name: str
    employer_name: str
    start: dt.date
    end: dt.date | None
    signed_on: dt.date | None


class PlacementIn(Schema):
    worker_id: int
    on: dt.date | None = None


class PlacementRead(Schema):
    id: int
    worker_id: int
    worker_name: str
    worker_id_number: str
    employer_name: str
    trade_label: str
    contract_number: str
    placed_on: dt.date
    left_on: dt.date | None
    status: str
    status_label: str


class HeadcountCountRead(Schema):
    label: str
    count: int


class HeadcountRead(Schema):
    day: dt.date
    total: int
    by_trade: list[HeadcountCountRead]
    by_employer: list[HeadcountCountRead]


class AttendanceDayRead(Schema):
    worker_id: int
    worker_name: str
    day: dt.date
    first_in: dt.datetime | None
    last_out: dt.datetime | None
    minutes: int
    events: int


class ManualAttendanceIn(Schema):
    worker_id: int
    direction: Direction
    at: dt.datetime


class GateEventIn(Schema):
    id_number: text(30, 1) = Field(description="闸机识别的身份证号")  # type: ignore[valid-type]
    direction: Direction
    at: dt.datetime | None = Field(None, description="事件时间（空：收到时间）")
    name: text(50) = ""  # type: ignore[valid-type]


class AttendanceEventRead(Schema):
    id: int
    worker_id: int
    worker_name: str
    direction: str
    direction_label: str
    at: dt.datetime


class GateDeviceIn(Schema):
    name: text(60, 1)  # type: ignore[valid-type]
    serial: text(60, 1)  # type: ignore[valid-type]


class GateDeviceCreated(Schema):
    id: int
    name: str
    serial: str
    key: str = Field(description="设备密钥（只显示这一次，请配置到闸机的 X-Device-Key 请求头）")


class EntryAlertRead(Schema):
    id: int
    project_id: int
    project_name: str
    reason: str
    reason_label: str
    person_masked: str
    person_name: str
    at: dt.datetime
    status: str
    status_label: str


class TrainingIn(Schema):
    worker_id: int
    kind: one_of(workflow.TRAINING_KINDS)  # type: ignore[valid-type]
    title: text(200, 1)  # type: ignore[valid-type]
    held_on: dt.date
    hours: Decimal = Field(gt=0, le=200, decimal_places=1)
    passed: bool = True


class TrainingRead(Schema):
    id: int
    worker_id: int
    kind: str
    kind_label: str
    title: str
    held_on: dt.date
    hours: Decimal
    passed: bool


class CertificateIn(Schema):
    worker_id: int
    kind: one_of(workflow.CERTIFICATE_KINDS)  # type: ignore[valid-type]
    name: text(100, 1)  # type: ignore[valid-type]
    number: text(60, 1)  # type: ignore[valid-type]
    valid_to: dt.date | None = None


class CertificateRead(Schema):
    id: int
    worker_id: int
    kind: str
    kind_label: str
    name: str
    number: str
    valid_to: dt.date | None
