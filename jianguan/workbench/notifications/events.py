"""The notification kinds: a stable code and its Chinese label.

Apps register their immediate events (``register_event("contracts.claim_submitted", "进度款
申请已提交")``) in their AppConfig.ready(). Kinds derived from the to-do list carry the to-do
kind's own label (core.todo), so the inbox and the to-do list use the same words.
"""

from __future__ import annotations

from jianguan.core import todo

_LABELS: dict[str, str] = {}

# The stage of a to-do item a notification is about; part of the de-duplication key.
STAGE_NEW = "new"
STAGE_DUE_SOON = "due_soon"
STAGE_OVERDUE = "overdue"
STAGE_LABELS = {STAGE_NEW: "新待办", STAGE_DUE_SOON: "即将到期", STAGE_OVERDUE: "已逾期"}


def register_event(kind: str, label: str) -> None:
    _LABELS[kind] = label


def label_for(kind: str) -> str:
    return _LABELS.get(kind) or todo.kinds().get(kind) or kind


def events() -> dict[str, str]:
    """Every kind a user may receive, for the preferences form: events and to-do kinds."""
    return {**todo.kinds(), **_LABELS}


register_event("workbench.digest", "每日摘要")
register_event("workbench.message", "系统消息")
