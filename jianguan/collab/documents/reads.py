"""How the objects of document management read over the API (plain dicts the schemas check):
codes with their Chinese labels, people by their display name, organisations by name."""

from __future__ import annotations

from django.urls import reverse

from jianguan.collab.documents import workflow
from jianguan.collab.documents.models import (
    Document,
    DocumentVersion,
    ExtractedText,
    Folder,
    Transmittal,
)


def person(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or "（未填写姓名）"


def folder_read(f: Folder) -> dict:
    return {
        "id": f.pk,
        "project_id": f.project_id,
        "parent_id": f.parent_id,
        "name": f.name,
        "path": f.path,
    }


def version_read(v: DocumentVersion) -> dict:
    extracted = getattr(v, "extracted", None)
    status = extracted.status if extracted else ExtractedText.PENDING
    return {
        "id": v.pk,
        "document_id": v.document_id,
        "seq": v.seq,
        "label": v.label,
        "file_name": v.file_name,
        "file_type": v.file_type,
        "file_type_label": workflow.type_label(v.file_type),
        "size": v.size,
        "sm3": v.sm3,
        "reason": v.reason,
        "uploaded_by": person(v.uploaded_by),
        "organisation": v.organisation.name,
        "uploaded_at": v.created_at,
        "superseded": v.superseded,
        "superseded_at": v.superseded_at,
        "text_status": status,
        "text_status_label": ExtractedText.STATUS[status],
        "file_url": reverse("api:collab_doc_version_file", args=[v.pk]),
    }


def document_read(d: Document, versions: list[DocumentVersion] | None = None) -> dict:
    out = {
        "id": d.pk,
        "project_id": d.project_id,
        "folder_id": d.folder_id,
        "folder_path": d.folder.path if d.folder_id else "/",
        "kind": d.kind,
        "kind_label": workflow.KINDS[d.kind],
        "title": d.title,
        "number": d.number,
        "discipline": d.discipline,
        "discipline_label": workflow.DISCIPLINES.get(d.discipline, d.discipline),
        "drawing_number": d.drawing_number,
        "scale": d.scale,
        "sheet": d.sheet,
        "organisation": d.organisation.name,
        "current": version_read(d.current) if d.current_id else None,
    }
    if versions is not None:
        out["versions"] = [version_read(v) for v in versions]
    return out


def register_row(row: dict) -> dict:
    d = row["drawing"]
    return {
        "document_id": d.pk,
        "drawing_number": d.drawing_number,
        "title": d.title,
        "discipline_label": workflow.DISCIPLINES.get(d.discipline, d.discipline),
        "scale": d.scale,
        "sheet": d.sheet,
        "current_revision": d.current.label if d.current_id else None,
        "revisions": [version_read(v) for v in row["revisions"]],
    }


def transmittal_read(t: Transmittal) -> dict:
    return {
        "id": t.pk,
        "project_id": t.project_id,
        "number": t.number,
        "subject": t.subject,
        "purpose": t.purpose,
        "purpose_label": workflow.TRANSMITTAL_PURPOSES.get(t.purpose, t.purpose),
        "message": t.message,
        "sender": t.sender.name,
        "sent_by": person(t.sent_by),
        "sent_at": t.sent_at,
        "recipients": [
            {
                "organisation_id": r.organisation_id,
                "organisation": r.organisation.name,
                "acknowledged": r.acknowledged_at is not None,
                "acknowledged_at": r.acknowledged_at,
                "acknowledged_by": person(r.acknowledged_by) if r.acknowledged_by_id else None,
            }
            for r in t.recipients.all()
        ],
        "items": [
            {
                "version_id": v.pk,
                "document_id": v.document_id,
                "title": v.document.title,
                "label": v.label,
                "sm3": v.sm3,
            }
            for v in t.versions.select_related("document").order_by("document__title", "seq")
        ],
    }
