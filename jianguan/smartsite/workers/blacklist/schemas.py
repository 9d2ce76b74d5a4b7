"""Ninja schemas of the personal blacklist API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from jianguan.core.api_schemas import one_of, text
from jianguan.smartsite.workers import workflow


class WorkerBlacklistIn(Schema):
    id_number: text(30, 1) = Field(description="18位身份证号（按身份匹配，未登记的人也可列入）")  # type: ignore[valid-type]
    name: text(50) = Field("", description="姓名（已实名登记的可不填）")  # type: ignore[valid-type]
    basis: one_of(workflow.BLACKLIST_BASES) = Field(description="列入依据")  # type: ignore[valid-type]
    article: text(100, 1) = Field(description="依据条款，如“第四十八条”")  # type: ignore[valid-type]
    reason: text(500, 1)  # type: ignore[valid-type]
    valid_from: dt.date | None = Field(None, description="列入日期（空：今天）")
    valid_until: dt.date | None = Field(None, description="截止日期（空：直至移出）")


class WorkerBlacklistLiftIn(Schema):
    reason: text(300, 1)  # type: ignore[valid-type]


class WorkerBlacklistRead(Schema):
    id: int
    person_name: str
    id_number_masked: str
    worker_id: int | None
    basis: str
    basis_label: str
    article: str
    reason: str
    authority_name: str
    listed_by: str
    valid_from: dt.date
    valid_until: dt.date | None
    lifted_on: dt.date | None
    lift_reason: str
    in_force: bool
    status_label: str
