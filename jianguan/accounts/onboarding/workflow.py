"""The life of an onboarding application (入驻申请): pure, no Django.

submitted → approved (the organisation and its administrator are created)
submitted → returned (with reasons) → submitted again (the applicant resubmits) → …
Approved is final; a returned application stays pending: its credit code stays reserved so
that nobody else can apply in that name while the applicant corrects it.
"""

from __future__ import annotations

SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"

LABELS = {SUBMITTED: "待审核", RETURNED: "已退回", APPROVED: "已通过"}
PENDING = (SUBMITTED, RETURNED)

# action -> (from states, to state)
TRANSITIONS = {
    "approve": ((SUBMITTED,), APPROVED),
    "return": ((SUBMITTED,), RETURNED),
    "resubmit": ((RETURNED,), SUBMITTED),
}
ACTION_LABELS = {"approve": "通过", "return": "退回", "resubmit": "重新提交"}

MAX_REASONS = 2000


class TransitionRefused(ValueError):
    """The action is not open in this state (message in Chinese)."""


def next_state(status: str, action: str) -> str:
    if action not in TRANSITIONS:
        raise TransitionRefused(f"未知的操作：{action}")
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise TransitionRefused(f"申请{LABELS.get(status, status)}，不能{ACTION_LABELS[action]}")
    return target


def clean_reasons(action: str, reasons: str) -> str:
    """A return must say why (the applicant has to know what to correct)."""
    reasons = (reasons or "").strip()
    if action == "return" and not reasons:
        raise TransitionRefused("退回申请须填写退回理由")
    if len(reasons) > MAX_REASONS:
        raise TransitionRefused(f"理由不能超过 {MAX_REASONS} 个字符")
    return reasons
