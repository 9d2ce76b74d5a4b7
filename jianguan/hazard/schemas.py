"""API schemas of hazard recognition. Boxes are in pixels of the analysed image (its width and
height given beside them); scores are 0–1; class and kind codes come with Chinese labels."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from jianguan.core.api_schemas import one_of, text
from jianguan.hazard import workflow


class HazardDetectionRead(Schema):
    cls: str
    cls_label: str
    score: float
    box: tuple[float, float, float, float]
    above_threshold: bool
    foot: tuple[float, float] | None = None  # (longitude, latitude) on the site plan


class HazardAnalysisRead(Schema):
    id: int
    image_id: int
    status: str
    status_label: str
    reason: str
    reason_code: str
    note: str
    model_version: str
    model_sha: str
    duration_ms: int | None
    width: int | None
    height: int | None
    is_demo: bool
    created_at: dt.datetime
    finished_at: dt.datetime | None
    detections: list[HazardDetectionRead]


class HazardFrameRead(Schema):
    image_id: int
    taken_at: dt.datetime
    score: float
    detection: HazardDetectionRead
    width: int | None
    height: int | None


class HazardCandidateRead(Schema):
    id: int
    project_id: int
    project_name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    camera_id: int | None
    camera_name: str | None
    zone_id: int | None
    zone_name: str | None
    frames: int
    corroborated: bool
    best_score: float
    best_image_id: int
    first_at: dt.datetime
    last_at: dt.datetime
    is_demo: bool
    dismiss_reason: str
    decision: str
    decided_at: dt.datetime | None
    order_number: str | None


class HazardCandidateDetail(HazardCandidateRead):
    frame_list: list[HazardFrameRead]


class HazardCandidateFilter(Schema):
    status: one_of(workflow.CANDIDATE_STATUS, blank=True) = ""  # type: ignore[valid-type]
    kind: one_of(workflow.KINDS, blank=True) = ""  # type: ignore[valid-type]
    project_id: int | None = Field(None, ge=1, le=2**62)
    limit: int = Field(100, ge=1, le=500)


class HazardConfirmIn(Schema):
    severity: Literal["general", "major", "serious"] = "general"
    note: text(500) = ""  # type: ignore[valid-type]


class HazardDismissIn(Schema):
    reason: one_of(workflow.DISMISS_REASONS)  # type: ignore[valid-type]
    note: text(500) = ""  # type: ignore[valid-type]


class CameraCalibrationIn(Schema):
    # [[pixel x, pixel y, longitude, latitude], ...] marked on a snapshot of width × height
    points: list[tuple[float, float, float, float]] = Field(..., min_length=4, max_length=50)
    width: int = Field(..., ge=1, le=20000)
    height: int = Field(..., ge=1, le=20000)


class CameraCalibrationRead(Schema):
    id: int
    camera_id: int
    points: list[tuple[float, float, float, float]]
    width: int
    height: int
    rms_m: float
    created_at: dt.datetime


class HazardSiteRuleIn(Schema):
    uniform_required: bool


class HazardSiteRuleRead(Schema):
    project_id: int
    uniform_required: bool


class HazardSiteDayCounts(Schema):
    project_id: int
    name: str
    code: str
    counts: list[int]
    total: int


class HazardKindCount(Schema):
    kind: str
    label: str
    count: int


class HazardCameraCounts(Schema):
    camera_id: int | None
    name: str
    kinds: dict[str, int]
    open: int
    confirmed: int
    dismissed: int
    total: int
    precision: float | None


class HazardStatsRead(Schema):
    days: list[str]
    sites: list[HazardSiteDayCounts]
    kinds: list[HazardKindCount]
    cameras: list[HazardCameraCounts] = []
