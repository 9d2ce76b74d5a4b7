"""API schemas of schedules: codes with their Chinese labels, people by name."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ScheduleRead(Schema):
    id: int
    project_id: int
    project_name: str
    name: str
    start: dt.datetime
    finish: dt.datetime | None
    baseline_finish: dt.datetime | None
    slip_days: int | None = Field(description="计算完成日期比基线完成日期滞后的日历天数")
    activities: int
    critical: int
    source_name: str
    source_sm3: str
    not_imported: list[str] = Field(description="文件中未导入的内容（资源、资源分配等）")
    imported_by: str
    computed_at: dt.datetime | None
    baseline_set_at: dt.datetime | None


class ActivityRead(Schema):
    id: int
    uid: str
    name: str
    outline_level: int
    summary: bool
    milestone: bool
    duration_minutes: int
    duration_days: float | None
    constraint: str
    constraint_label: str
    constraint_date: dt.datetime | None
    percent_complete: int
    actual_start: dt.datetime | None
    actual_finish: dt.datetime | None
    baseline_start: dt.datetime | None
    baseline_finish: dt.datetime | None
    early_start: dt.datetime | None
    early_finish: dt.datetime | None
    late_start: dt.datetime | None
    late_finish: dt.datetime | None
    total_float_minutes: int | None
    total_float_days: float | None
    free_float_minutes: int | None
    critical: bool
    slip_days: int | None
    source: str
    source_label: str


class ProgressIn(Schema):
    percent_complete: int = Field(ge=0, le=100)
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
