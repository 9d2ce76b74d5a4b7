"""Grants of investment control and tracking audit (deny by default). Which projects each may
reach is decided per object in ``selectors``: the owner its own projects, the regulator and the
finance bureau all, an audit firm only the projects it is engaged on."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

WORKERS = ("org_admin", "admin", "staff", "signer")
AUDIT_WORKERS = (*WORKERS, "reviewer")

register(
    "cost_control.view",
    "查看投资控制与跟踪审计",
    pairs(("owner", "regulator", "finance_bureau", "auditor"), MEMBER_ROLES),
)
register(
    "cost_control.plan", "填报预算、预留费用与资金支付计划（建设单位）", pairs("owner", WORKERS)
)
register(
    "cost_control.district",
    "全区投资控制汇总",
    pairs(("regulator", "finance_bureau"), MEMBER_ROLES),
)
register(
    "cost_control.engage",
    "委托全过程跟踪审计（建设单位、财政部门）",
    pairs("owner", WORKERS) + pairs("finance_bureau", AUDIT_WORKERS),
)
register(
    "cost_control.opinion", "出具跟踪审计意见（受托审计单位）", pairs("auditor", AUDIT_WORKERS)
)
register("cost_control.answer", "答复跟踪审计意见（建设单位）", pairs("owner", WORKERS))
