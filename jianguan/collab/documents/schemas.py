"""Schemas of document management over the API: what is read (folders, documents with their
versions, the drawing register, transmittals with each recipient's acknowledgement, search hits)
and what is written (a folder, a document with its first file, a new version, a transmittal).
Codes are sent with their Chinese labels; people and organisations by name."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from jianguan.collab.documents import workflow
from jianguan.core.api_schemas import documented, one_of, text

Id = Annotated[int, Field(ge=1, le=2**62)]


class DocFolderRead(Schema):
    id: int
    project_id: int
    parent_id: int | None
    name: str
    path: str


class DocFolderIn(Schema):
    name: text(60)
    parent_id: int | None = Field(None, ge=1, le=2**62)


class DocVersionRead(Schema):
    id: int
    document_id: int
    seq: int
    label: str
    file_name: str
    file_type: str
    file_type_label: str
    size: int
    sm3: str
    reason: str
    uploaded_by: str
    organisation: str
    uploaded_at: dt.datetime
    superseded: bool
    superseded_at: dt.datetime | None
    text_status: str
    text_status_label: str
    file_url: str


class DocDocumentRead(Schema):
    id: int
    project_id: int
    folder_id: int | None
    folder_path: str
    kind: str
    kind_label: str
    title: str
    number: str
    discipline: str
    discipline_label: str
    drawing_number: str
    scale: str
    sheet: str
    organisation: str
    current: DocVersionRead | None


class DocDocumentDetail(DocDocumentRead):
    versions: list[DocVersionRead]


class DocDocumentFilter(Schema):
    folder_id: int | None = Field(None, ge=1, le=2**62)
    kind: one_of(workflow.KINDS, blank=True) = ""  # type: ignore[valid-type]


class DocDocumentForm(Schema):
    title: text(200)
    discipline: text(20) = documented(workflow.DISCIPLINES, description="专业代码")
    kind: text(10) = documented(
        workflow.KINDS, description="document 文件、drawing 图纸", default="document"
    )
    folder_id: int | None = Field(None, ge=1, le=2**62)
    number: text(60) = ""
    drawing_number: text(60) = ""
    scale: text(20) = ""
    sheet: text(20) = ""
    label: text(20) = ""
    reason: text(500) = "首次上传"


class DocVersionForm(Schema):
    reason: text(500)
    label: text(20) = ""


class DocRegisterRow(Schema):
    document_id: int
    drawing_number: str
    title: str
    discipline_label: str
    scale: str
    sheet: str
    current_revision: str | None
    revisions: list[DocVersionRead]


class DocSearchHit(Schema):
    document_id: int
    title: str
    reference: str
    kind_label: str
    current_label: str | None
    snippet: str
    url: str


class DocSearchQuery(Schema):
    q: text(100, 1)


class DocRecipientRead(Schema):
    organisation_id: int
    organisation: str
    acknowledged: bool
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


class DocTransmittalItem(Schema):
    version_id: int
    document_id: int
    title: str
    label: str
    sm3: str


class DocTransmittalRead(Schema):
    id: int
    project_id: int
    number: str
    subject: str
    purpose: str
    purpose_label: str
    message: str
    sender: str
    sent_by: str
    sent_at: dt.datetime
    recipients: list[DocRecipientRead]
    items: list[DocTransmittalItem]


class DocTransmittalIn(Schema):
    subject: text(200)
    purpose: text(20) = documented(workflow.TRANSMITTAL_PURPOSES, default="information")
    message: text(2000) = ""
    version_ids: list[Id] = Field(..., min_length=1, max_length=200)
    recipient_ids: list[Id] = Field(..., min_length=1, max_length=30)


class DocTransmittalFilter(Schema):
    project_id: int | None = Field(None, ge=1, le=2**62)
