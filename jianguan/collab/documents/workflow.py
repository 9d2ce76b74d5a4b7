"""The words and pure rules of document management: kinds, disciplines, version labels and
drawing revision codes, folder names and paths, and what a file is by its first bytes (never by
the name the client gave it). No Django: tested on its own."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

ORDINARY = "document"
DRAWING = "drawing"
KINDS = {ORDINARY: "文件", DRAWING: "图纸"}

DISCIPLINES = {
    "general": "综合",
    "architecture": "建筑",
    "structure": "结构",
    "water": "给排水",
    "hvac": "暖通",
    "electrical": "电气",
    "road": "道路",
    "bridge": "桥梁",
    "landscape": "园林景观",
    "survey": "勘察测量",
    "management": "项目管理",
}

# Accepted file types: code -> (Chinese label, extension, served content type).
TYPES = {
    "pdf": ("PDF", ".pdf", "application/pdf"),
    "png": ("PNG 图片", ".png", "image/png"),
    "jpeg": ("JPEG 图片", ".jpg", "image/jpeg"),
    "dwg": ("DWG 图纸", ".dwg", "application/acad"),
    "docx": (
        "Word 文档",
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "Excel 表格",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "txt": ("纯文本", ".txt", "text/plain; charset=utf-8"),
}
PREVIEW_INLINE = ("pdf", "png", "jpeg", "txt")  # what the browser shows on the document page
IMAGE_TYPES = ("png", "jpeg")

TRANSMITTAL_PURPOSES = {
    "information": "供参考",
    "review": "供审查",
    "construction": "供施工",
    "approval": "供审批",
}

_FOLDER_BAD = re.compile(r"[/\\<>:\"|?*\x00-\x1f]")
FOLDER_NAME_MAX = 60
FOLDER_DEPTH_MAX = 8
_REVISION = re.compile(r"[A-Z]{1,2}|[0-9]{1,3}")


def type_label(code: str) -> str:
    return TYPES.get(code, (code, "", ""))[0]


def accepted_labels() -> str:
    return "、".join(label for label, _, _ in TYPES.values())


def sniff(head: bytes, name: str = "") -> str | None:
    """The file's type code from its first bytes (a few KB), or None when it is none of ours.
    An Office file is a zip: which one it is comes from its parts, read from ``head`` when it
    holds the whole file (callers pass the whole file for zips). Plain text: UTF-8 with no NUL,
    and only when the name says .txt (text has no signature of its own)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if re.match(rb"AC10[0-9]{2}", head[:6]):
        return "dwg"
    if head.startswith(b"PK\x03\x04"):
        return _office(head)
    if name.lower().endswith(".txt") and head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the head is still text
            if exc.start < len(head) - 3:
                return None
        return "txt"
    return None


def _office(content: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(BytesIO(content)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def folder_name_error(name: str) -> str | None:
    """Why a folder name is refused, in Chinese, or None."""
    if not name:
        return "请填写文件夹名称"
    if len(name) > FOLDER_NAME_MAX:
        return f"文件夹名称不能超过 {FOLDER_NAME_MAX} 个字"
    if _FOLDER_BAD.search(name) or name in (".", ".."):
        return '文件夹名称不能包含 / \\ < > : " | ? * 等字符'
    return None


def folder_path(parent_path: str, name: str) -> str:
    return f"{parent_path.rstrip('/')}/{name}"


def revision_code_error(code: str) -> str | None:
    """A drawing's revision code: letters A, B, C … (AA …) or numbers 0, 1, 2 …"""
    if not _REVISION.fullmatch(code or ""):
        return "图纸版次须为大写字母（A、B、C…）或数字（0、1、2…）"
    return None


def next_revision(previous: str | None, first: str = "A") -> str:
    """The revision code after ``previous``: A -> B, Z -> AA, 0 -> 1; ``first`` when none."""
    if not previous:
        return first
    if previous.isdigit():
        return str(int(previous) + 1)
    if previous == "Z" * len(previous):
        return "A" * (len(previous) + 1)
    head, last = previous[:-1], previous[-1]
    if last == "Z":
        return next_revision(head) + "A"
    return head + chr(ord(last) + 1)


def revision_after(code: str, previous: str | None) -> bool:
    """Whether ``code`` comes after ``previous`` (a new revision must not go backwards)."""
    if previous is None:
        return True
    if code.isdigit() != previous.isdigit():
        return True  # a change of scheme (preliminary letters to issued numbers) is allowed
    if code.isdigit():
        return int(code) > int(previous)
    return (len(code), code) > (len(previous), previous)


def next_version_label(count: int) -> str:
    return f"V{count + 1}"
