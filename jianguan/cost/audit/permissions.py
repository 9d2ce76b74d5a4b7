"""Grants for the settlement audit (deny by default). Which audit an actor may touch is decided
from the contract's parties and the engagement (services/selectors); these say which roles try."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

register("cost_audit.view", "查看结算审计", pairs("*", MEMBER_ROLES))
register(
    "cost_audit.engage",
    "委托结算审计机构（建设单位或财政评审机构）",
    pairs("owner", ("admin", "signer")) + pairs("finance_bureau", ("admin", "staff")),
)
register(
    "cost_audit.review",
    "结算审核审减（财政评审、审计复核）",
    pairs(("finance_bureau", "auditor"), ("admin", "staff", "reviewer")),
)
register(
    "cost_audit.respond",
    "确认或异议审减（施工单位）",
    pairs(("general_contractor", "specialist_subcontractor"), ("admin", "signer", "staff")),
)
register(
    "cost_audit.meeting",
    "召开争议会商并记录纪要（建设单位）",
    pairs("owner", ("admin", "signer", "staff")),
)
register(
    "cost_audit.report",
    "出具结算审计报告（审计机构）",
    pairs("auditor", ("admin", "signer", "reviewer")),
)
