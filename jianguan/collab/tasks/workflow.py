"""Tasks and meetings: statuses, the allowed moves and who may make them, and the overdue clock.
Pure Python: no Django, no queries (tested on its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

TODO, IN_PROGRESS, IN_REVIEW, DONE, CANCELLED = (
    "todo",
    "in_progress",
    "in_review",
    "done",
    "cancelled",
)
STATUS = {
    TODO: "待办",
    IN_PROGRESS: "进行中",
    IN_REVIEW: "待验收",
    DONE: "已完成",
    CANCELLED: "已取消",
}
OPEN_STATUSES = (TODO, IN_PROGRESS, IN_REVIEW)
BOARD_COLUMNS = (TODO, IN_PROGRESS, IN_REVIEW, DONE)

LOW, NORMAL, HIGH, URGENT = "low", "normal", "high", "urgent"
PRIORITY = {LOW: "低", NORMAL: "普通", HIGH: "高", URGENT: "紧急"}
PRIORITY_RANK = {URGENT: 0, HIGH: 1, NORMAL: 2, LOW: 3}

# Who stands where to a task: its assignee (the person, or a member of the assigned
# organisation), its creator, or a manager of the project (an administrator or signer of the
# owner, the general contractor or the supervisor).
ASSIGNEE, CREATOR, MANAGER = "assignee", "creator", "manager"
STANDING_LABELS = {ASSIGNEE: "承办人", CREATOR: "创建人", MANAGER: "项目管理人员"}

# (from, to) -> who may make the move. The assignee works the task and may finish it itself
# (a field worker marks it done with a photo); the creator and the managers accept, send
# back, cancel and reopen.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (TODO, IN_PROGRESS): frozenset({ASSIGNEE, CREATOR, MANAGER}),
    (TODO, IN_REVIEW): frozenset({ASSIGNEE}),
    (TODO, DONE): frozenset({ASSIGNEE, CREATOR, MANAGER}),
    (IN_PROGRESS, TODO): frozenset({ASSIGNEE, CREATOR, MANAGER}),
    (IN_PROGRESS, IN_REVIEW): frozenset({ASSIGNEE}),
    (IN_PROGRESS, DONE): frozenset({ASSIGNEE, CREATOR, MANAGER}),
    (IN_REVIEW, IN_PROGRESS): frozenset({CREATOR, MANAGER}),
    (IN_REVIEW, DONE): frozenset({CREATOR, MANAGER}),
    (DONE, IN_PROGRESS): frozenset({CREATOR, MANAGER}),
    (CANCELLED, TODO): frozenset({CREATOR, MANAGER}),
}
for _s in OPEN_STATUSES:
    TRANSITIONS[(_s, CANCELLED)] = frozenset({CREATOR, MANAGER})


class TransitionRefused(Exception):
    """Why a move is refused, in Chinese, with a stable code; ``forbidden`` when it is the
    actor's standing, not the move itself, that is wrong."""

    def __init__(self, message: str, code: str, *, forbidden: bool = False):
        super().__init__(message)
        self.message, self.code, self.forbidden = message, code, forbidden


def check_move(current: str, target: str, standing: Iterable[str]) -> None:
    if target not in STATUS:
        raise TransitionRefused("未知的任务状态", "unknown_status")
    if current == target:
        raise TransitionRefused(f"任务已是“{STATUS[target]}”状态", "same_status")
    who = TRANSITIONS.get((current, target))
    if who is None:
        raise TransitionRefused(
            f"任务不能从“{STATUS[current]}”改为“{STATUS[target]}”", "transition_not_allowed"
        )
    if not who.intersection(standing):
        names = "、".join(STANDING_LABELS[w] for w in sorted(who))
        raise TransitionRefused(
            f"只有{names}可以把任务从“{STATUS[current]}”改为“{STATUS[target]}”",
            "not_your_move",
            forbidden=True,
        )


def moves_for(current: str, standing: Iterable[str]) -> list[str]:
    """The statuses this standing may move the task to (the board's buttons)."""
    standing = set(standing)
    return [t for (f, t), who in TRANSITIONS.items() if f == current and who & standing]


def is_overdue(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    """Open and past its due date (the due day itself is still in time)."""
    return status in OPEN_STATUSES and due_on is not None and due_on < today


def overdue_days(status: str, due_on: dt.date | None, today: dt.date) -> int:
    return (today - due_on).days if is_overdue(status, due_on, today) else 0


def check_due(due_on: dt.date | None, today: dt.date) -> None:
    """A new task's due date is today or later (an overdue task is not created overdue)."""
    if due_on is not None and due_on < today:
        raise TransitionRefused("截止日期不能早于今天", "due_in_past")


# --- meetings ---------------------------------------------------------------------------------

DRAFT, ISSUED = "draft", "issued"
MEETING_STATUS = {DRAFT: "纪要草稿", ISSUED: "纪要已签发"}
ATTENDANCE = {"present": "出席", "absent": "缺席", "excused": "请假", "unknown": "未登记"}


def check_meeting_editable(status: str) -> None:
    if status == ISSUED:
        raise TransitionRefused("会议纪要已签发，不能再修改", "minutes_issued")


def check_issue(status: str, minutes: str, attendance_marked: int) -> None:
    check_meeting_editable(status)
    if not (minutes or "").strip():
        raise TransitionRefused("请先填写会议纪要再签发", "minutes_missing")
    if attendance_marked == 0:
        raise TransitionRefused("请先登记出席情况再签发", "attendance_missing")
