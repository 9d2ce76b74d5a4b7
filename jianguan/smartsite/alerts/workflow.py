"""Alert statuses and their transitions. Pure: no queries."""

from __future__ import annotations

OPEN, ACKNOWLEDGED, ESCALATED, CLOSED, DISMISSED = (
    "open",
    "acknowledged",
    "escalated",
    "closed",
    "dismissed",
)
STATUS = {
    OPEN: "待处置",
    ACKNOWLEDGED: "施工单位已反馈",
    ESCALATED: "已下达整改通知",
    CLOSED: "已恢复正常",
    DISMISSED: "经核查不予处理",
}
LIVE = (OPEN, ACKNOWLEDGED)  # still counting exceedances into the same alert

# Who may move an alert where: the site's contractor answers; the regulator decides.
ACK_FROM = (OPEN,)
DECIDE_FROM = (OPEN, ACKNOWLEDGED, CLOSED)


class AlertError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def check_ack(status: str) -> None:
    if status not in ACK_FROM:
        raise AlertError(f"告警当前为“{STATUS[status]}”，不能再反馈", "alert_state")


def check_decide(status: str) -> None:
    if status not in DECIDE_FROM:
        raise AlertError(f"告警当前为“{STATUS[status]}”，已处理完毕", "alert_state")
