"""API schemas of RFIs and submittals: what comes in (bounded strings, documented choices)
and what goes out (codes with their Chinese labels, people and organisations by name)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from jianguan.collab.rfis import workflow
from jianguan.contracts.variations.api import VariationLineIn
from jianguan.core.api_schemas import documented, one_of, text

Str200 = text(200)
Text = text(5000)
Id = Annotated[int, Field(ge=1, le=2**62)]


class RfiIn(Schema):
    project_id: Id
    kind: str = documented(
        workflow.RFI_KINDS, description="contact 工作联系单、technical 技术核定单"
    )
    priority: str = documented(workflow.PRIORITIES, default=workflow.NORMAL)
    subject: Str200
    question: Text
    addressed_to_id: Id
    cost_impact: bool = False
    cost_estimate: Annotated[str, Field(max_length=40)] = Field("", description='如 "86000.00"')
    schedule_impact_days: Annotated[int, Field(ge=-3650, le=3650)] = 0
    submit: bool = Field(True, description="false：存为草稿")


class RfiActIn(Schema):
    action: str = documented(workflow.RFI_ACTIONS)
    text: Text = ""


class RfiCommentIn(Schema):
    text: Text


class RfiVariationIn(Schema):
    contract_id: Id
    title: Str200 = ""
    reason: Text = ""
    lines: Annotated[list[VariationLineIn], Field(min_length=1, max_length=200)]


class RfiFilter(Schema):
    project_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    state: one_of(workflow.RFI_STATES, blank=True) = ""  # type: ignore[valid-type]
    court: one_of(("mine", workflow.ASKER, workflow.ADDRESSEE), blank=True) = ""  # type: ignore[valid-type]
    overdue: bool = False
    limit: Annotated[int, Field(ge=1, le=500)] = 100


class AttachmentOut(Schema):
    id: int
    name: str
    sm3: str
    size: int


class ResponseOut(Schema):
    id: int
    action: str
    action_label: str
    text: str
    author_name: str
    organisation_name: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class RfiRead(Schema):
    id: int
    project_id: int
    project_name: str
    number: str
    kind: str
    kind_label: str
    priority: str
    priority_label: str
    subject: str
    state: str
    state_label: str
    court: str | None
    court_label: str | None
    court_organisation_name: str | None
    asked_by_name: str
    asked_by_organisation_name: str
    addressed_to_id: int
    addressed_to_name: str
    due_on: dt.date | None
    overdue: bool
    escalation_level: int
    escalation_label: str
    cost_impact: bool
    cost_estimate: Decimal | None
    schedule_impact_days: int
    variation_id: int | None
    variation_number: str | None
    created_at: dt.datetime


class RfiDetail(RfiRead):
    question: str
    answer: str
    answered_by_name: str | None
    answered_at: dt.datetime | None
    attachments: list[AttachmentOut]
    responses: list[ResponseOut]
    actions: list[str]


class SubmittalFilter(Schema):
    project_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    state: one_of(workflow.SUBMITTAL_STATES, blank=True) = ""  # type: ignore[valid-type]
    overdue: bool = False
    limit: Annotated[int, Field(ge=1, le=500)] = 100


class SubmittalForm(Schema):
    project_id: Id
    kind: str = documented(workflow.SUBMITTAL_KINDS)
    title: Str200
    description: Text = ""


class ResubmitForm(Schema):
    note: Text


class SubmittalReviewIn(Schema):
    decision: str = documented(workflow.DECISIONS)
    comments: Text = ""


class RevisionOut(Schema):
    id: int
    revision: int
    file_name: str
    sm3: str
    note: str
    submitted_by_name: str
    created_at: dt.datetime
    decision: str
    decision_label: str
    comments: str
    reviewed_by_name: str | None
    reviewed_at: dt.datetime | None
    stamped: bool
    stamped_sm3: str
    document_code: str


class SubmittalRead(Schema):
    id: int
    project_id: int
    project_name: str
    number: str
    kind: str
    kind_label: str
    title: str
    state: str
    state_label: str
    submitter_organisation_name: str
    reviewer_organisation_name: str
    revision_count: int
    due_on: dt.date | None
    overdue: bool
    escalation_level: int
    escalation_label: str
    created_at: dt.datetime


class SubmittalDetail(SubmittalRead):
    description: str
    revisions: list[RevisionOut]
