"""The pure rules: what a file is by its first bytes, revision codes, folder names."""

from __future__ import annotations

import io
import zipfile

from jianguan.collab.documents import workflow


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for n in names:
            z.writestr(n, "x")
    return buffer.getvalue()


def test_sniff_by_content_not_name():
    assert workflow.sniff(b"%PDF-1.7\n...", "a.exe") == "pdf"
    assert workflow.sniff(b"\x89PNG\r\n\x1a\nxxxx", "a.pdf") == "png"
    assert workflow.sniff(b"\xff\xd8\xff\xe0", "") == "jpeg"
    assert workflow.sniff(b"AC1032\x00\x00", "x") == "dwg"
    assert workflow.sniff(b"MZ\x90\x00", "report.pdf") is None  # an executable named .pdf
    assert workflow.sniff(b"<html><script>", "a.html") is None
    assert workflow.sniff("说明文字".encode(), "readme.txt") == "txt"
    assert workflow.sniff("说明文字".encode(), "readme.pdf") is None  # text has no signature
    assert workflow.sniff(b"a\x00b", "a.txt") is None


def test_office_files_by_their_parts():
    assert workflow.sniff(_zip("[Content_Types].xml", "word/document.xml"), "a.zip") == "docx"
    assert workflow.sniff(_zip("[Content_Types].xml", "xl/workbook.xml"), "") == "xlsx"
    assert workflow.sniff(_zip("evil.sh"), "a.docx") is None
    assert workflow.sniff(b"PK\x03\x04broken", "a.docx") is None


def test_revision_codes():
    assert workflow.next_revision(None) == "A"
    assert workflow.next_revision("A") == "B"
    assert workflow.next_revision("Z") == "AA"
    assert workflow.next_revision("AZ") == "BA"
    assert workflow.next_revision("0") == "1"
    assert workflow.next_revision("9") == "10"
    assert workflow.revision_after("B", "A")
    assert not workflow.revision_after("A", "B")
    assert workflow.revision_after("AA", "Z")
    assert workflow.revision_after("10", "9")
    assert workflow.revision_after("0", "C")  # letters (preliminary) to numbers (issued)
    assert workflow.revision_code_error("a") is not None
    assert workflow.revision_code_error("B") is None
    assert workflow.revision_code_error("12") is None


def test_folder_names():
    assert workflow.folder_name_error("施工图") is None
    assert workflow.folder_name_error("") is not None
    assert workflow.folder_name_error("a/b") is not None
    assert workflow.folder_name_error("..") is not None
    assert workflow.folder_name_error("x" * 61) is not None
    assert workflow.folder_path("", "设计") == "/设计"
    assert workflow.folder_path("/设计", "施工图") == "/设计/施工图"
