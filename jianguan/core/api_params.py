"""Parsing of path ids for the API: ASCII digits in range, else a JSON 404 (never a 500)."""

from __future__ import annotations

import re

from jianguan.core.errors import NotFound

ID_MAX = 2**62
_ID = re.compile(r"[0-9]{1,19}")


def path_id(raw: str, what: str) -> int:
    """`raw` as a database id, or NotFound naming `what` (e.g. "项目") in Chinese."""
    if not _ID.fullmatch(raw or "") or not 0 < int(raw) <= ID_MAX:
        raise NotFound(f"{what}不存在", code="not_found", details={"id": (raw or "")[:40]})
    return int(raw)
