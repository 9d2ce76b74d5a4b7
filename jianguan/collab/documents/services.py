"""The writes of document management: folders, documents and their versions, and the text of a
version for search. A file is checked (size, empty, type by its first bytes) before anything is
written, and a failure after the file reached storage removes it again: a refused upload leaves
no row and no file. Every write records its ledger entry in the same transaction; a version's
entry carries the file's SM3. Transmittals are in ``services_transmittals``."""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from jianguan.collab.documents import extract, selectors, workflow
from jianguan.collab.documents.models import Document, DocumentVersion, ExtractedText, Folder
from jianguan.core.actor import Actor
from jianguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.projects.models import Project

log = logging.getLogger(__name__)
SEARCH_KIND = "project_documents"
# Product settings (not numbers of the law): the largest version accepted, and the size above
# which a PDF's text is extracted by the task worker instead of at once after the upload.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
EXTRACT_INLINE_BYTES = 5 * 1024 * 1024
HEAD_BYTES = 4096
ZIP_READ_MAX = 30 * 1024 * 1024  # an Office file is read whole to see which one it is


class TooLarge(DomainError):
    status = 413
    code = "file_too_large"


def max_bytes() -> int:
    return int(getattr(settings, "COLLAB_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- checks -------------------------------------------------------------------------------


def _check_write(actor: Actor, project_id: int) -> None:
    if not selectors.may_write(actor, project_id):
        raise PermissionDenied("仅本项目的参建单位可上传或整理项目文件", code="permission_denied")


def _text(value: Any, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field", details={"field": label})
    if len(text) > limit:
        raise ValidationFailed(
            f"{label}不能超过 {limit} 个字", code="too_long", details={"field": label}
        )
    return text


def check_file(upload) -> tuple[str, str]:
    """(type code, SM3 hex) of an upload, or the Chinese refusal: missing, empty, too large,
    a type not accepted (by its first bytes, whatever its name says)."""
    if upload is None:
        raise ValidationFailed("请选择要上传的文件", code="missing_file")
    size = getattr(upload, "size", 0) or 0
    limit = max_bytes()
    if size > limit:
        raise TooLarge(
            f"文件 {size / 1048576:,.1f} MB，超过上限 {limit / 1048576:,.0f} MB",
            code="file_too_large",
        )
    if size <= 0:
        raise ValidationFailed("文件为空，请重新选择", code="empty_file")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04") and size <= ZIP_READ_MAX:
        upload.seek(0)
        head = upload.read()
    upload.seek(0)
    kind = workflow.sniff(head, getattr(upload, "name", "") or "")
    if kind is None:
        raise ValidationFailed(
            f"不接受此类型的文件，仅接受：{workflow.accepted_labels()}（按文件内容判断，不看扩展名）",
            code="bad_file_type",
        )
    digest = hashlib.new("sm3")
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest()


def _file_name(upload) -> str:
    name = str(getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ord(ch) >= 32)[:200] or "file"


def _label(document: Document, label: str, previous: DocumentVersion | None) -> str:
    label = _text(label, "版本号" if not document.is_drawing else "版次", 20, required=False)
    if document.is_drawing:
        label = label.upper() or workflow.next_revision(previous.label if previous else None)
        error = workflow.revision_code_error(label)
        if error:
            raise ValidationFailed(error, code="invalid_revision")
        if previous and not workflow.revision_after(label, previous.label):
            raise ValidationFailed(
                f"新版次“{label}”须在当前版次“{previous.label}”之后", code="revision_backwards"
            )
    elif not label:
        label = workflow.next_version_label(previous.seq if previous else 0)
    if DocumentVersion.objects.filter(document=document, label=label).exists():
        raise ValidationFailed(f"版本“{label}”已存在", code="duplicate_label")
    return label


# --- folders ------------------------------------------------------------------------------


def folder_create(
    *, actor: Actor, project: Project, name: str, parent: Folder | None = None
) -> Folder:
    _check_write(actor, project.pk)
    name = " ".join(str(name or "").split())
    error = workflow.folder_name_error(name)
    if error:
        raise ValidationFailed(error, code="invalid_folder_name")
    if parent is not None and parent.project_id != project.pk:
        raise ValidationFailed("上级文件夹不属于本项目", code="folder_not_in_project")
    if parent is not None and parent.depth + 1 >= workflow.FOLDER_DEPTH_MAX:
        raise ValidationFailed(f"文件夹最多 {workflow.FOLDER_DEPTH_MAX} 层", code="folder_too_deep")
    path = workflow.folder_path(parent.path if parent else "", name)
    if Folder.objects.filter(project=project, path=path).exists():
        raise ValidationFailed(f"已有同名文件夹“{path}”", code="duplicate_folder")
    with transaction.atomic():
        folder = Folder.objects.create(
            project=project, parent=parent, name=name, path=path, created_by=actor.user
        )
        record(
            actor=actor,
            type="collab_documents.folder_created",
            obj=folder,
            payload={"project": project, "path": path},
        )
    return folder


# --- documents and versions ---------------------------------------------------------------


def document_create(
    *,
    actor: Actor,
    project: Project,
    upload,
    title: str,
    discipline: str,
    reason: str = "首次上传",
    kind: str = workflow.ORDINARY,
    folder: Folder | None = None,
    number: str = "",
    drawing_number: str = "",
    scale: str = "",
    sheet: str = "",
    label: str = "",
) -> DocumentVersion:
    """A new document with its first version (the file is checked before anything is saved)."""
    _check_write(actor, project.pk)
    if kind not in workflow.KINDS:
        raise ValidationFailed("请选择文件类别（文件或图纸）", code="invalid_kind")
    if discipline not in workflow.DISCIPLINES:
        raise ValidationFailed("请选择专业", code="invalid_discipline")
    if folder is not None and folder.project_id != project.pk:
        raise ValidationFailed("文件夹不属于本项目", code="folder_not_in_project")
    fields = {
        "title": _text(title, "标题", 200),
        "number": _text(number, "文件编号", 60, required=False),
        "drawing_number": "",
        "scale": "",
        "sheet": "",
    }
    if kind == workflow.DRAWING:
        fields["drawing_number"] = _text(drawing_number, "图号", 60)
        fields["scale"] = _text(scale, "比例", 20, required=False)
        fields["sheet"] = _text(sheet, "图幅", 20, required=False)
        if Document.objects.filter(
            project=project, kind=workflow.DRAWING, drawing_number=fields["drawing_number"]
        ).exists():
            raise ValidationFailed(
                f"本项目已有图号“{fields['drawing_number']}”的图纸，请上传新版次",
                code="duplicate_drawing",
            )
    reason = _text(reason, "修改说明", 500)
    file_type, digest = check_file(upload)
    with transaction.atomic():
        document = Document.objects.create(
            project=project,
            folder=folder,
            kind=kind,
            discipline=discipline,
            organisation_id=actor.organisation_id,
            created_by=actor.user,
            **fields,
        )
        record(
            actor=actor,
            type="collab_documents.document_created",
            obj=document,
            payload={
                "project": project,
                "title": document.title,
                "kind": kind,
                "number": document.reference,
                "folder": folder.path if folder else "",
            },
        )
        return _add_version(actor, document, upload, file_type, digest, label, reason)


def version_upload(
    *, actor: Actor, document: Document, upload, reason: str, label: str = ""
) -> DocumentVersion:
    """A new version of a document; the previous one is kept, marked superseded."""
    _check_write(actor, document.project_id)
    reason = _text(reason, "修改说明", 500)
    file_type, digest = check_file(upload)
    with transaction.atomic():
        # lock the document: two uploads at once must not take the same sequence number
        document = Document.objects.select_for_update().get(pk=document.pk)
        return _add_version(actor, document, upload, file_type, digest, label, reason)


def _add_version(actor, document, upload, file_type, digest, label, reason) -> DocumentVersion:
    previous = document.current
    label = _label(document, label, previous)
    seq = (previous.seq if previous else 0) + 1
    version = DocumentVersion(
        document=document,
        project_id=document.project_id,
        seq=seq,
        label=label,
        file_name=_file_name(upload),
        file_type=file_type,
        size=upload.size,
        sm3=digest,
        reason=reason,
        uploaded_by=actor.user,
        organisation_id=actor.organisation_id,
    )
    version.file.save(f"{uuid.uuid4().hex}{workflow.TYPES[file_type][1]}", upload, save=False)
    try:
        version.save()
        if previous is not None:
            DocumentVersion.objects.filter(pk=previous.pk).update(superseded_at=now())
        Document.objects.filter(pk=document.pk).update(current=version, updated_at=now())
        document.current = version
        ExtractedText.objects.create(version=version)
        record(
            actor=actor,
            type="collab_documents.version_uploaded",
            obj=version,
            payload={
                "project": document.project_id,
                "document": document,
                "title": document.title,
                "label": label,
                "seq": seq,
                "file_name": version.file_name,
                "file_type": file_type,
                "size": version.size,
                "sm3": digest,
                "reason": reason,
                "supersedes": previous.label if previous else None,
            },
            files=[{"name": version.file_name, "sm3": digest}],
        )
    except IntegrityError:
        version.file.delete(save=False)
        raise ValidationFailed(
            "版本号已存在或同时有人上传，请刷新后重试", code="duplicate_label"
        ) from None
    except BaseException:
        version.file.delete(save=False)  # the row is rolled back: its file goes too
        raise
    # Nothing is written after this in the services' own transaction, so the file and the row
    # stand or fall together (an outer transaction of a caller that rolls back later leaves the
    # file as an orphan without a row: no one can reach it).
    pk, size = version.pk, version.size
    transaction.on_commit(lambda: _after_upload(pk, size), robust=True)
    return version


def _after_upload(version_id: int, size: int) -> None:
    if not ExtractedText.objects.filter(
        version_id=version_id, status=ExtractedText.PENDING
    ).exists():
        return  # extracted already (the demo does it at once) or the version is gone
    if size <= EXTRACT_INLINE_BYTES:
        text_extract(version_id=version_id)
        return
    from jianguan.collab.documents.tasks import extract_text

    try:
        extract_text.enqueue(version_id)
    except Exception:  # the queue is down: the text stays pending; the sweep re-queues it
        log.exception("enqueue of document text extraction %s failed", version_id)


def text_extract(*, version_id: int) -> str:
    """Extract a version's text and re-index its document for search (task worker or inline)."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        return "gone"
    try:
        with version.file.open("rb") as handle:
            status, pages, body, error = extract.extract(handle, version.file_type)
    except OSError:
        status, pages, body, error = "failed", 0, "", "文件缺失，未能提取文字"
    from jianguan.workbench.search.text import index_tokens, normalise

    head = f"{version.document.title} {version.document.reference}"
    ExtractedText.objects.update_or_create(
        version=version,
        defaults={
            "status": status,
            "pages": pages,
            "text": body,
            "tokens": index_tokens(f"{head} {normalise(body)}") if body else index_tokens(head),
            "error": error,
        },
    )
    reindex([version.document_id])
    return status


def reindex(document_ids: list[int]) -> None:
    from jianguan.workbench.search.index import search_index_update

    try:
        search_index_update(kind=SEARCH_KIND, ids=document_ids)
    except Exception:  # the write succeeded; search_reindex repairs the index
        log.exception("search index update failed for documents %s", document_ids)


def text_sweep(*, older_than_minutes: int = 10, limit: int = 100) -> int:
    """Re-queue the extraction of versions whose text is still pending well after their upload
    (the queue was down, or the worker lost the job); extraction is idempotent."""
    import datetime as dt

    from jianguan.collab.documents.tasks import extract_text

    cutoff = now() - dt.timedelta(minutes=older_than_minutes)
    ids = list(
        ExtractedText.objects.filter(status=ExtractedText.PENDING, version__created_at__lt=cutoff)
        .order_by("version_id")
        .values_list("version_id", flat=True)[:limit]
    )
    for pk in ids:
        try:
            extract_text.enqueue(pk)
        except Exception:
            log.exception("re-queue of document text extraction %s failed", pk)
            break
    return len(ids)
