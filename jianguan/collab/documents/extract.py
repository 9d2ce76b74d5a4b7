"""Text of a file for search: PDF text with pypdf, plain text as it is. No Django: the caller
passes a binary file object and gets (status, pages, text, error)."""

from __future__ import annotations

import logging

MAX_CHARS = 200_000  # what is kept for search of one version; the rest of a long book is not
MAX_PAGES = 500

log = logging.getLogger(__name__)


def extract(handle, file_type: str) -> tuple[str, int, str, str]:
    """("done" | "none" | "failed", pages, text, Chinese error)."""
    if file_type == "txt":
        text = handle.read(MAX_CHARS * 4).decode("utf-8", errors="replace")[:MAX_CHARS]
        return ("done" if text.strip() else "none"), 0, text, ""
    if file_type != "pdf":
        return "none", 0, "", ""
    try:
        from pypdf import PdfReader

        reader = PdfReader(handle)
        if reader.is_encrypted:
            return "failed", 0, "", "PDF 已加密，无法提取文字"
        parts: list[str] = []
        size = 0
        pages = len(reader.pages)
        for page in reader.pages[:MAX_PAGES]:
            piece = page.extract_text() or ""
            parts.append(piece)
            size += len(piece)
            if size >= MAX_CHARS:
                break
    except Exception as exc:  # a damaged PDF: the version stays, its text is missing
        log.info("pdf text extraction failed: %s", exc)
        return "failed", 0, "", "PDF 文件无法解析，未能提取文字"
    text = "\n".join(parts)[:MAX_CHARS]
    return ("done" if text.strip() else "none"), pages, text, ""
