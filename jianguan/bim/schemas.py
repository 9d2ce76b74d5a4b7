"""API schemas of BIM. Lengths and distances in metres; codes come with Chinese labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from jianguan.bim import workflow
from jianguan.core.api_schemas import one_of, text


class BimRevisionRead(Schema):
    id: int
    project_id: int
    project_name: str
    discipline: str
    discipline_label: str
    label: str
    previous_id: int | None
    file_name: str
    size: int
    sm3: str
    status: str
    status_label: str
    progress: int
    error: str
    error_code: str
    uploaded_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    is_demo: bool


class BimRevisionDetail(BimRevisionRead):
    summary: dict[str, Any]
    elements: int


class BimRevisionFilter(Schema):
    project_id: int | None = Field(None, ge=1, le=2**62)
    discipline: one_of(workflow.DISCIPLINES, blank=True) = ""  # type: ignore[valid-type]
    limit: int = Field(100, ge=1, le=500)


class BimUploadStartIn(Schema):
    project_id: int = Field(..., ge=1, le=2**62)
    discipline: one_of(workflow.DISCIPLINES)  # type: ignore[valid-type]
    label: text(40, 1)  # type: ignore[valid-type]
    file_name: text(200, 1)  # type: ignore[valid-type]
    size: int = Field(..., ge=1)
    sm3: text(64) = ""  # type: ignore[valid-type]


class BimUploadRead(Schema):
    id: str
    project_id: int
    discipline: str
    label: str
    file_name: str
    total_size: int
    received: int
    chunk_bytes: int


class BimClashSetIn(Schema):
    project_id: int = Field(..., ge=1, le=2**62)
    name: text(100, 1)  # type: ignore[valid-type]
    a_revisions: list[int] = Field(..., min_length=1, max_length=20)
    a_select: text(500) = ""  # type: ignore[valid-type]
    b_revisions: list[int] = Field(default_factory=list, max_length=20)
    b_select: text(500) = ""  # type: ignore[valid-type]
    mode: one_of(workflow.MODES) = "intersection"  # type: ignore[valid-type]
    tolerance: float = Field(0.002, ge=0, le=1)
    clearance: float = Field(0.05, gt=0, le=10)
    allow_touching: bool = False


class BimClashRunRead(Schema):
    id: int
    status: str
    status_label: str
    is_recheck: bool
    revision_ids: list[int]
    still: int
    resolved: int
    new: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class BimClashSetRead(Schema):
    id: int
    project_id: int
    name: str
    a_revisions: list[int]
    a_select: str
    b_revisions: list[int]
    b_select: str
    mode: str
    mode_label: str
    tolerance: float
    clearance: float
    allow_touching: bool
    organisation: str
    last_run_at: dt.datetime | None
    runs: list[BimClashRunRead]
    counts: dict[str, int]


class BimClashGroupRead(Schema):
    a_class: str
    a_class_label: str
    b_class: str
    b_class_label: str
    grid: str = Field(description="最近的轴线（IfcGrid 轴号）；模型无轴网时为空")
    storey: str
    label: str
    n: int
    open: int
    hard: int
    clash_ids: list[int] = Field(description="本组前几条碰撞的编号")


class BimClashSetFilter(Schema):
    project_id: int | None = Field(None, ge=1, le=2**62)


class BimClashRead(Schema):
    id: int
    clash_set_id: int
    clash_set_name: str
    project_id: int
    a_guid: str
    b_guid: str
    a_class: str
    b_class: str
    a_name: str
    b_name: str
    storey: str
    type: str
    type_label: str
    distance: float
    p1: list[float]
    p2: list[float]
    group_key: str
    grid: str
    grid_cross: str
    status: str
    status_label: str
    assignee_id: int | None
    assignee_name: str | None
    reason: str
    note: str
    topic_guid: str
    first_run_id: int
    last_run_id: int


class BimCommentRead(Schema):
    id: int
    author: str
    text: str
    photo_url: str | None
    created_at: dt.datetime


class BimClashDetail(BimClashRead):
    comments: list[BimCommentRead]


class BimClashFilter(Schema):
    project_id: int | None = Field(None, ge=1, le=2**62)
    clash_set_id: int | None = Field(None, ge=1, le=2**62)
    status: one_of(workflow.CLASH_STATUS, blank=True) = ""  # type: ignore[valid-type]
    type: one_of(workflow.CLASH_TYPES, blank=True) = ""  # type: ignore[valid-type]
    assignee_id: int | None = Field(None, ge=1, le=2**62)
    limit: int = Field(500, ge=1, le=5000)


class BimClashTransitionIn(Schema):
    target: one_of(workflow.CLASH_STATUS)  # type: ignore[valid-type]
    assignee_id: int | None = Field(None, ge=1, le=2**62)
    reason: text(500) = ""  # type: ignore[valid-type]
    comment: text(2000) = ""  # type: ignore[valid-type]


class BimCommentIn(Schema):
    text: text(2000, 1)  # type: ignore[valid-type]


class BimBcfImportRead(Schema):
    topics: int
    updated: int
    comments: int
    unknown: int


class BimMappingIn(Schema):
    project_id: int = Field(..., ge=1, le=2**62)
    code: text(40, 1)  # type: ignore[valid-type]
    name: text(200, 1)  # type: ignore[valid-type]
    unit: text(20, 1)  # type: ignore[valid-type]
    classes: text(500, 1)  # type: ignore[valid-type]
    material: text(100) = ""  # type: ignore[valid-type]
    type_name: text(100) = ""  # type: ignore[valid-type]
    storey: text(100) = ""  # type: ignore[valid-type]
    density: str = Field("", max_length=20)


class BimMappingUpdateIn(Schema):
    name: text(200, 1)  # type: ignore[valid-type]
    unit: text(20, 1)  # type: ignore[valid-type]
    classes: text(500, 1)  # type: ignore[valid-type]
    material: text(100) = ""  # type: ignore[valid-type]
    type_name: text(100) = ""  # type: ignore[valid-type]
    storey: text(100) = ""  # type: ignore[valid-type]
    density: str = Field("", max_length=20)


class BimMappingRead(Schema):
    id: int
    project_id: int
    code: str
    name: str
    unit: str
    selector: dict[str, Any]


class BimQuantityRead(Schema):
    code: str
    name: str
    unit: str
    quantity: str
    elements: int
    guids: list[str]
