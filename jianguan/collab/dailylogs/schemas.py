"""API schemas of daily logs. Codes (kind, status, weather, trade) come with Chinese labels."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from jianguan.collab.dailylogs import workflow
from jianguan.core.api_schemas import one_of, text


class ManpowerIn(Schema):
    trade: text(30, 1)
    count: int = Field(ge=0, le=workflow.MAX_COUNT)


class EquipmentIn(Schema):
    name: text(60, 1)
    count: int = Field(ge=1, le=workflow.MAX_COUNT)


class LogContentIn(Schema):
    weather_am: one_of(workflow.WEATHER, blank=True) = ""
    weather_pm: one_of(workflow.WEATHER, blank=True) = ""
    temp_min: int | None = Field(None, ge=-40, le=50)
    temp_max: int | None = Field(None, ge=-40, le=50)
    wind: text(40) = ""
    # left out: prefilled from the smart site's attendance that day (if any)
    manpower: list[ManpowerIn] | None = Field(None, max_length=workflow.MAX_ROWS)
    equipment: list[EquipmentIn] = Field(default_factory=list, max_length=workflow.MAX_ROWS)
    work_done: text(5000) = ""
    issues: text(5000) = ""


class LogCreateIn(LogContentIn):
    kind: one_of(workflow.KINDS)
    log_date: dt.date


class LogUpdateIn(Schema):
    weather_am: one_of(workflow.WEATHER, blank=True) | None = None
    weather_pm: one_of(workflow.WEATHER, blank=True) | None = None
    temp_min: int | None = Field(None, ge=-40, le=50)
    temp_max: int | None = Field(None, ge=-40, le=50)
    wind: text(40) | None = None
    manpower: list[ManpowerIn] | None = Field(None, max_length=workflow.MAX_ROWS)
    equipment: list[EquipmentIn] | None = Field(None, max_length=workflow.MAX_ROWS)
    work_done: text(5000) | None = None
    issues: text(5000) | None = None


class AddendumIn(Schema):
    work_done: text(5000) = ""
    issues: text(5000, 1)


class FindingIn(Schema):
    type: one_of(("safety", "quality", "environment", "labour"))
    severity: one_of(("general", "major", "serious"))
    description: text(500, 1)
    responsible_organisation_id: int = Field(ge=1, le=2**62)
    location: text(200) = ""


class ManpowerRead(Schema):
    trade: str
    trade_label: str
    count: int
    from_attendance: bool


class EquipmentRead(Schema):
    name: str
    count: int


class PhotoRead(Schema):
    id: int
    caption: str
    sm3: str
    url: str


class LogRead(Schema):
    id: int
    project_id: int
    project_name: str
    kind: str
    kind_label: str
    log_date: dt.date
    organisation_id: int
    organisation_name: str
    author_name: str
    weather_am: str
    weather_am_label: str
    weather_pm: str
    weather_pm_label: str
    temp_min: int | None
    temp_max: int | None
    wind: str
    manpower: list[ManpowerRead]
    manpower_total: int
    equipment: list[EquipmentRead]
    work_done: str
    issues: str
    status: str
    status_label: str
    signed_at: dt.datetime | None
    content_sm3: str
    addendum_of: int | None
    finding_order_id: int | None
    photos: list[PhotoRead]


class PrefillRead(Schema):
    log_date: dt.date
    from_attendance: bool
    manpower: list[ManpowerRead]


class DailyLogFindingRead(Schema):
    order_id: int
    number: str
    log_id: int
