"""Upload checks: sniffed type (never the client's word) and size; SM3 of the content."""

from __future__ import annotations

import hashlib

from jianguan.core.errors import ValidationFailed

MAGIC = {"pdf": (b"%PDF", ".pdf"), "jpeg": (b"\xff\xd8\xff", ".jpg"), "png": (b"\x89PNG", ".png")}
TYPE_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
PHOTO_TYPES = ("jpeg", "png")
EVIDENCE_TYPES = ("pdf", "jpeg", "png")
PLAN_TYPES = ("pdf",)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOC_BYTES = 20 * 1024 * 1024
MAX_FILES = 20


def check(upload, label: str, kinds: tuple[str, ...], max_bytes: int) -> str:
    """The file's extension after the checks; raises ValidationFailed in Chinese."""
    if upload is None:
        raise ValidationFailed(f"请上传{label}", code="missing_file")
    size = getattr(upload, "size", None) or 0
    if size > max_bytes:
        raise ValidationFailed(
            f"{label}超过 {max_bytes // (1024 * 1024)} MB", code="file_too_large"
        )
    if size == 0:
        raise ValidationFailed(f"{label}为空文件", code="empty_file")
    head = upload.read(8)
    upload.seek(0)
    for kind in kinds:
        magic, ext = MAGIC[kind]
        if head.startswith(magic):
            return ext
    allowed = "、".join(TYPE_LABELS[k] for k in kinds)
    raise ValidationFailed(f"{label}须为 {allowed} 文件", code="bad_file_type")


def sm3(upload) -> str:
    digest = hashlib.new("sm3")
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
