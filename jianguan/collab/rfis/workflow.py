"""RFIs (工作联系单/技术核定单) and submittals (报审报验): states, who holds the ball in each,
the allowed steps, and the clock that chases (reminder, escalation levels). Pure Python: no
Django, no queries; the numbers (working days) come from rule data through the services.

An RFI is asked by one organisation of the project and addressed to another. The ball is in
the court of the party that must act next:

    draft ──submit──▶ open ──answer──▶ answered ──close──▶ closed
                       │  ▲                 │
                 return│  │resubmit   reopen│ (the answer is not enough: back to open)
                       ▼  │                 ▼
                      returned            open

A submittal is submitted by the contractor and reviewed by the supervisor: approved,
approved with comments (both stamped), or rejected for revision (the ball goes back to the
contractor, who resubmits a new revision)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

# --- RFIs -------------------------------------------------------------------------------------

CONTACT, TECHNICAL = "contact", "technical"
RFI_KINDS = {CONTACT: "工作联系单", TECHNICAL: "技术核定单"}
NORMAL, URGENT = "normal", "urgent"
PRIORITIES = {NORMAL: "一般", URGENT: "紧急"}

DRAFT, OPEN, RETURNED, ANSWERED, CLOSED = "draft", "open", "returned", "answered", "closed"
RFI_STATES = {
    DRAFT: "草稿",
    OPEN: "待答复",
    RETURNED: "退回补充资料",
    ANSWERED: "已答复",
    CLOSED: "已关闭",
}
ASKER, ADDRESSEE = "asker", "addressee"
PARTY_LABELS = {ASKER: "提出方", ADDRESSEE: "答复方"}

# state -> the party that must act next (None: nobody; the RFI is done)
COURT = {DRAFT: ASKER, OPEN: ADDRESSEE, RETURNED: ASKER, ANSWERED: ASKER, CLOSED: None}

# action -> (states it may start from, the state it leads to, the party that takes it)
RFI_ACTIONS = {
    "submit": ((DRAFT,), OPEN, ASKER),
    "answer": ((OPEN,), ANSWERED, ADDRESSEE),
    "return": ((OPEN,), RETURNED, ADDRESSEE),
    "resubmit": ((RETURNED,), OPEN, ASKER),
    "close": ((ANSWERED,), CLOSED, ASKER),
    "reopen": ((ANSWERED,), OPEN, ASKER),
}
ACTION_LABELS = {
    "submit": "提交",
    "answer": "答复",
    "return": "退回补充资料",
    "resubmit": "补充资料后重新提交",
    "close": "确认答复并关闭",
    "reopen": "答复不足，重新提问",
}
# the steps that start a new answer clock (a new due date for the addressee)
CLOCK_STARTS = frozenset({"submit", "resubmit", "reopen"})

# --- submittals -------------------------------------------------------------------------------

SUBMITTAL_KINDS = {
    "construction_design": "施工组织设计",
    "special_scheme": "专项施工方案",
    "material": "材料/构配件/设备报验",
    "inspection_lot": "检验批/分项工程报验",
    "other": "其他报审",
}
UNDER_REVIEW, APPROVED, APPROVED_WITH_COMMENTS, REJECTED = (
    "under_review",
    "approved",
    "approved_with_comments",
    "rejected",
)
SUBMITTAL_STATES = {
    UNDER_REVIEW: "待审查",
    APPROVED: "审查通过",
    APPROVED_WITH_COMMENTS: "原则同意（附意见）",
    REJECTED: "退回修改",
}
DECISIONS = {
    APPROVED: "审查通过",
    APPROVED_WITH_COMMENTS: "原则同意，按意见修改后实施",
    REJECTED: "不同意，修改后重新报审",
}
STAMP_WORDS = {APPROVED: "审核通过", APPROVED_WITH_COMMENTS: "同意（附意见）"}
SUBMITTER, REVIEWER = "submitter", "reviewer"
SUBMITTAL_COURT = {
    UNDER_REVIEW: REVIEWER,
    REJECTED: SUBMITTER,
    APPROVED: None,
    APPROVED_WITH_COMMENTS: None,
}

# --- escalation ----------------------------------------------------------------------------

ESCALATION_LEVELS = {
    0: "未升级",
    1: "一级：已通知处理单位负责人",
    2: "二级：已通知建设单位",
    3: "三级：监管部门督办",
}
MAX_LEVEL = 3


class RfiError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def court(state: str) -> str | None:
    return COURT[state]


def check_rfi_step(state: str, action: str, party: str | None) -> str:
    """The state `action` leads to from `state`, taken by `party` (asker/addressee/None);
    raises RfiError (code) when the step is not allowed."""
    if action not in RFI_ACTIONS:
        raise RfiError(f"未知的操作：{action}", "unknown_action")
    sources, target, taker = RFI_ACTIONS[action]
    if state not in sources:
        raise RfiError(
            f"联系单当前为“{RFI_STATES[state]}”，不能{ACTION_LABELS[action]}", "bad_state"
        )
    if party != taker:
        raise RfiError(
            f"现在由{PARTY_LABELS[COURT[state]] if COURT[state] else '无人'}处理，"
            f"只有{PARTY_LABELS[taker]}可以{ACTION_LABELS[action]}",
            "not_in_court",
        )
    return target


def allowed_actions(state: str, party: str | None) -> list[str]:
    return [a for a, (src, _t, taker) in RFI_ACTIONS.items() if state in src and party == taker]


def submittal_court(state: str) -> str | None:
    return SUBMITTAL_COURT[state]


def check_review(state: str, decision: str, comments: str) -> None:
    if state != UNDER_REVIEW:
        raise RfiError(f"报审事项当前为“{SUBMITTAL_STATES[state]}”，不能审查", "bad_state")
    if decision not in DECISIONS:
        raise RfiError("审查结论须为通过、附意见通过或退回修改", "unknown_decision")
    if decision != APPROVED and not comments.strip():
        raise RfiError("附意见通过或退回修改时须填写审查意见", "comments_missing")


def check_resubmit(state: str) -> None:
    if state != REJECTED:
        raise RfiError("只有退回修改的报审事项可以重新报审", "bad_state")


def is_stamped(state: str) -> bool:
    return state in STAMP_WORDS


# --- the clock -------------------------------------------------------------------------------


def remind_due(today: dt.date, remind_on: dt.date | None, reminded: bool) -> bool:
    """Whether the reminder before the due date is to be sent today (once per clock)."""
    return remind_on is not None and not reminded and today >= remind_on


def escalation_level(today: dt.date, level_dates: Sequence[dt.date]) -> int:
    """The level reached on `today`: level n once today reaches the n-th date (the due date
    plus the n-th threshold in working days, computed by the caller from rule data)."""
    return sum(1 for day in level_dates[:MAX_LEVEL] if today >= day)


def escalation_steps(current: int, reached: int) -> list[int]:
    """The levels to act on now, one by one (a sweep that missed days still notifies each
    level once, in order); none when the level is already recorded."""
    return list(range(current + 1, min(reached, MAX_LEVEL) + 1))


def days_overdue(today: dt.date, due_on: dt.date | None) -> int:
    return max(0, (today - due_on).days) if due_on else 0
