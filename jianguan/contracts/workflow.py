"""Contract, variation, claim and acceptance states and their transitions. Pure: no Django.

The numbers (tolerances, thresholds, ratios) are not here: they come from rule data and are
passed in by the services.
"""

from __future__ import annotations

CONTRACT_KINDS = {"main": "施工总承包合同", "subcontract": "分包合同"}
SUBCONTRACT_TYPES = {"specialist": "专业分包", "labour": "劳务分包"}

DRAFT, SIGNING, SIGNED, APPROVED, COMPLETED, TERMINATED = (
    "draft",
    "signing",
    "signed",
    "approved",
    "completed",
    "terminated",
)
CONTRACT_STATUSES = {
    DRAFT: "草拟",
    SIGNING: "签署中",
    SIGNED: "已签订",
    APPROVED: "已批准（分包）",
    COMPLETED: "已完成",
    TERMINATED: "已终止",
}
# a contract whose performance may be recorded (variations, claims, acceptance)
IN_FORCE = {SIGNED, APPROVED}

RETENTION_FORMS = {"cash": "预留保证金", "bank_guarantee": "银行保函", "none": "不预留"}
SECURITY_FORMS = {
    "bond": "履约保证金",
    "bank_guarantee": "履约保函",
    "insurance": "履约保证保险",
    "none": "无",
}

VARIATION_KINDS = {"variation": "工程变更", "site_instruction": "现场签证"}
VARIATION_CAUSES = {
    "design_change": "设计变更",
    "finding": "检查问题整改",
    "site_condition": "现场条件变化",
    "owner_request": "建设单位要求",
    "other": "其他",
}
V_DRAFT, V_SUBMITTED, V_SUPERVISOR_OK, V_OWNER_OK, V_APPROVED, V_REJECTED = (
    "draft",
    "submitted",
    "supervisor_ok",
    "owner_ok",
    "approved",
    "rejected",
)
VARIATION_STATUSES = {
    V_DRAFT: "草拟",
    V_SUBMITTED: "待监理审核",
    V_SUPERVISOR_OK: "待建设单位审批",
    V_OWNER_OK: "待监管部门审批",
    V_APPROVED: "已批准",
    V_REJECTED: "已驳回",
}
VARIATION_STEPS = {"supervisor": "监理审核", "owner": "建设单位审批", "regulator": "监管部门审批"}
DECISIONS = {"approve": "同意", "reject": "不同意", "return": "退回"}

C_DRAFT = "draft"
C_SUPERVISOR, C_OWNER, C_FINANCE, C_AUDIT = "supervisor", "owner", "finance", "audit"
C_APPROVED, C_PAID, C_RETURNED = "approved", "paid", "returned"
CLAIM_STATUSES = {
    C_DRAFT: "草拟",
    C_SUPERVISOR: "监理审核中",
    C_OWNER: "建设单位审核中",
    C_FINANCE: "财政评审中",
    C_AUDIT: "审计复审中",
    C_APPROVED: "已审定待支付",
    C_PAID: "已支付",
    C_RETURNED: "已退回",
}
# the review chain in order (双审双控: finance review, then the independent audit review)
REVIEW_STAGES = {
    C_SUPERVISOR: "监理审核",
    C_OWNER: "建设单位审核",
    C_FINANCE: "财政评审",
    C_AUDIT: "审计复审",
}
CHAIN: tuple[str, ...] = tuple(REVIEW_STAGES)
# which kind of organisation reviews at each stage, and the contract field that names it
STAGE_ORGANISATION = {
    C_SUPERVISOR: "supervisor",
    C_OWNER: "employer",
    C_FINANCE: "finance_bureau",
    C_AUDIT: "auditor",
}

ACCEPTANCE_LEVELS = {
    "unit": "单位工程",
    "division": "分部工程",
    "subdivision": "分项工程",
    "lot": "检验批",
}
LEVEL_ORDER = ("unit", "division", "subdivision", "lot")
A_PENDING, A_SELF_CHECKED, A_ACCEPTED, A_FAILED = "pending", "self_checked", "accepted", "failed"
ACCEPTANCE_STATUSES = {
    A_PENDING: "待自检",
    A_SELF_CHECKED: "待监理验收",
    A_ACCEPTED: "验收合格",
    A_FAILED: "验收不合格",
}


class TransitionError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# --- claims ----------------------------------------------------------------------------------


def next_stage(stage: str) -> str:
    """The status after `stage`'s review is approved: the next reviewer, or approved."""
    i = CHAIN.index(stage)
    return CHAIN[i + 1] if i + 1 < len(CHAIN) else C_APPROVED


def check_review_stage(claim_status: str, stage: str) -> None:
    """A reviewer may act only at the claim's current stage: an earlier review must be
    submitted before the next one starts."""
    if stage not in REVIEW_STAGES:
        raise TransitionError("未知的审核环节", "unknown_stage")
    if claim_status == stage:
        return
    if claim_status in CHAIN and CHAIN.index(stage) > CHAIN.index(claim_status):
        raise TransitionError(
            f"{REVIEW_STAGES[claim_status]}尚未提交，不能开始{REVIEW_STAGES[stage]}",
            "previous_review_open",
        )
    raise TransitionError(
        f"进度款申请当前状态为“{CLAIM_STATUSES.get(claim_status, claim_status)}”，"
        f"不在{REVIEW_STAGES[stage]}环节",
        "wrong_stage",
    )


def check_claim_editable(status: str) -> None:
    if status not in (C_DRAFT, C_RETURNED):
        raise TransitionError("进度款申请已提交审核，不能修改", "claim_locked")


# --- variations ------------------------------------------------------------------------------


def variation_next(status: str, step: str, decision: str, needs_regulator: bool) -> str:
    """The variation's status after `step` decides."""
    expected = {V_SUBMITTED: "supervisor", V_SUPERVISOR_OK: "owner", V_OWNER_OK: "regulator"}
    if expected.get(status) != step:
        raise TransitionError(
            f"变更当前状态为“{VARIATION_STATUSES.get(status, status)}”，"
            f"不在{VARIATION_STEPS.get(step, step)}环节",
            "wrong_step",
        )
    if decision not in ("approve", "reject"):
        raise TransitionError("审批意见只能是同意或不同意", "unknown_decision")
    if decision == "reject":
        return V_REJECTED
    if step == "supervisor":
        return V_SUPERVISOR_OK
    if step == "owner":
        return V_OWNER_OK if needs_regulator else V_APPROVED
    return V_APPROVED


# --- acceptance ------------------------------------------------------------------------------


def child_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


def check_self_check(status: str) -> None:
    if status not in (A_PENDING, A_FAILED):
        raise TransitionError("该验收项已自检，等待监理验收或已验收合格", "already_self_checked")


def check_accept(status: str, children_statuses: list[str]) -> None:
    """The supervisor accepts only after the contractor's self-check, and only when every
    item below has been accepted (京质量条例 44: nothing is covered or continued before)."""
    if status != A_SELF_CHECKED:
        raise TransitionError("须先由施工单位自检合格后报监理验收", "not_self_checked")
    if any(s != A_ACCEPTED for s in children_statuses):
        raise TransitionError("下一级验收项尚未全部验收合格", "children_not_accepted")
