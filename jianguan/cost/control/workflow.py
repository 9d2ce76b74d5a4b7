"""Tracking-audit opinions: states, transitions and the answer clock. Pure (no Django).

An opinion is open until the owner answers it (the answer unblocks the contract's next payment
claim); the auditor then closes it, satisfied, or reopens it with a further opinion of its own
(a new opinion, so that every exchange keeps its own clock and ledger entry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jianguan.core.errors import Conflict

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
STATUSES = {OPEN: "待建设单位答复", ANSWERED: "已答复待审计确认", CLOSED: "已确认关闭"}

VARIATION, CLAIM, REVIEW, PAYMENT = "variation", "claim", "review", "payment"
SUBJECT_KINDS = {
    VARIATION: "变更与签证",
    CLAIM: "进度款申请",
    REVIEW: "进度款审核",
    PAYMENT: "支付记录",
}

MAX_TEXT = 4000
ANSWER_RULE = "tracking_audit.answer_working_days"


def check_answerable(status: str) -> None:
    if status != OPEN:
        raise Conflict(
            f"审计意见当前状态为“{STATUSES.get(status, status)}”，不能再答复",
            code="opinion_not_open",
        )


def check_closable(status: str) -> None:
    if status != ANSWERED:
        raise Conflict(
            f"审计意见当前状态为“{STATUSES.get(status, status)}”，建设单位答复后才能确认",
            code="opinion_not_answered",
        )


def due_on(raised: dt.date, days: int, add_working_days: Callable[[dt.date, int], dt.date]):
    """The owner answers within `days` working days of the opinion (rule data)."""
    return add_working_days(raised, days)


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    return status == OPEN and due is not None and due < today
