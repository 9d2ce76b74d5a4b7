"""Codes, labels and rules of BIM model revisions and clashes. Pure: no queries, no Django.

A clash moves new → assigned → resolved → verified, or is accepted as intended (with a
reason) from any open state. Only the party that owns the clash set verifies or accepts (it
raised the clash); the party it is assigned to says it is resolved. A re-check of a new
revision may also mark a clash resolved (the change removed it), and a clash that comes back
after being resolved is open again (assigned if it had an assignee, else new).
"""

from __future__ import annotations

DISCIPLINES = {
    "architecture": "建筑",
    "structure": "结构",
    "plumbing": "给排水",
    "hvac": "暖通",
    "electrical": "电气",
    "curtain_wall": "幕墙",
    "steel": "钢结构",
    "other": "其他",
}

PENDING, PROCESSING, READY, FAILED = "pending", "processing", "ready", "failed"
REVISION_STATUS = {PENDING: "排队中", PROCESSING: "处理中", READY: "已就绪", FAILED: "处理失败"}

MODES = {"intersection": "相交（硬碰撞）", "collision": "碰撞（含接触）", "clearance": "净距"}
CLASH_TYPES = {"hard": "硬碰撞", "touching": "接触", "clearance": "净距不足"}

RUNNING, DONE = "running", "done"
RUN_STATUS = {PENDING: "排队中", RUNNING: "检测中", DONE: "已完成", FAILED: "检测失败"}

NEW, ASSIGNED, RESOLVED, VERIFIED, ACCEPTED = "new", "assigned", "resolved", "verified", "accepted"
CLASH_STATUS = {
    NEW: "新发现",
    ASSIGNED: "已指派",
    RESOLVED: "已解决",
    VERIFIED: "已核验",
    ACCEPTED: "按设计接受",
}
OPEN_STATUSES = (NEW, ASSIGNED)
CLOSED_STATUSES = (VERIFIED, ACCEPTED)

# (from, to) → who may make it: "owner" (the clash set's organisation), "assignee" (the
# organisation the clash is assigned to), or either.
TRANSITIONS = {
    (NEW, ASSIGNED): "owner",
    (ASSIGNED, ASSIGNED): "owner",  # re-assign to another organisation
    (NEW, RESOLVED): "owner",
    (ASSIGNED, RESOLVED): "either",
    (RESOLVED, VERIFIED): "owner",
    (RESOLVED, ASSIGNED): "owner",  # not resolved after all: back to the assignee
    (NEW, ACCEPTED): "owner",
    (ASSIGNED, ACCEPTED): "owner",
    (RESOLVED, ACCEPTED): "owner",
}


class BimError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def check_transition(
    current: str,
    target: str,
    *,
    is_owner: bool,
    is_assignee: bool,
    assignee_given: bool,
    reason: str,
) -> None:
    """Raise BimError when ``current → target`` is not allowed for this party or lacks what it
    needs (an assignee to assign to, a reason to accept)."""
    if target not in CLASH_STATUS:
        raise BimError("未知的碰撞状态", "unknown_status")
    who = TRANSITIONS.get((current, target))
    if who is None:
        raise BimError(
            f"碰撞当前为“{CLASH_STATUS.get(current, current)}”，不能改为“{CLASH_STATUS[target]}”",
            "invalid_transition",
        )
    allowed = is_owner if who == "owner" else (is_owner or is_assignee)
    if not allowed:
        raise BimError(
            "只有碰撞检测的发起单位可以指派、核验或接受碰撞"
            if who == "owner"
            else "只有发起单位或被指派单位可以标记碰撞已解决",
            "not_your_step",
        )
    if target == ASSIGNED and not assignee_given:
        raise BimError("请选择指派给哪个单位", "missing_assignee")
    if target == ACCEPTED and not reason.strip():
        raise BimError("按设计接受碰撞必须说明理由", "missing_reason")


def carried_status(previous: str, *, still: bool, assigned: bool) -> str:
    """A clash's status after a re-check. Still present: it keeps its status, except that one
    verified as gone is open again. Gone (the change removed it): resolved, unless it was
    already closed (verified or accepted)."""
    if still:
        if previous == VERIFIED:
            return ASSIGNED if assigned else NEW
        return previous
    if previous in CLOSED_STATUSES:
        return previous
    return RESOLVED


def progress_clamp(value: float) -> int:
    return max(0, min(100, int(value)))
