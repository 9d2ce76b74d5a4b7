"""A version's file as an HTTP response, for the API and the pages alike: inline (the document
page's preview frame) for PDF, images and text, an attachment otherwise; the served type is
the one sniffed at upload (never the client's word), with nosniff, the SM3 in a header, and a
policy that lets only this site's own pages frame it and runs nothing inside it."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse

from jianguan.collab.documents import workflow
from jianguan.collab.documents.models import DocumentVersion
from jianguan.core.errors import NotFound

# The file itself may be framed by our own pages (the preview) and nothing else, and runs
# nothing of its own in this origin: images and text in a sandbox with no script or plugin. A
# PDF gets no sandbox and no object-src/default-src limit, which Chromium's PDF viewer (a plugin
# embedded in the frame's synthesized document) would obey and so show nothing; its scripts
# (PDFium's) run inside the viewer, never in this origin.
FILE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'; sandbox allow-same-origin"
)
PDF_CSP = "frame-ancestors 'self'; script-src 'none'; form-action 'none'; base-uri 'none'"


def file_response(version: DocumentVersion, *, download: bool = False) -> FileResponse:
    try:
        handle = version.file.open("rb")
    except (
        OSError,
        ValueError,
    ):  # gone from storage: the record stays, the file is reported missing
        raise NotFound("文件缺失，请联系管理员", code="file_missing") from None
    inline = not download and version.file_type in workflow.PREVIEW_INLINE
    response = FileResponse(handle, content_type=version.content_type)
    name = version.file_name or f"document-{version.pk}{workflow.TYPES[version.file_type][1]}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SM3"] = version.sm3
    response["Cache-Control"] = "private, max-age=3600"
    # Chromium's PDF viewer does not start in a sandboxed document: PDFs get no sandbox, the
    # rest (images, text) do.
    response["Content-Security-Policy"] = PDF_CSP if version.file_type == "pdf" else FILE_CSP
    # framing by our own pages only (the default DENY would blank the preview)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
