"""Grants for the compliance loop (deny by default)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]

register("compliance.view", "查看检查整改", pairs("*", MEMBER_ROLES))
register(
    "compliance.risk_assess",
    "填报风险评估",
    [
        *REGULATOR,
        ("owner", "admin"),
        ("owner", "staff"),
        ("general_contractor", "admin"),
        ("general_contractor", "staff"),
    ],
)
register("compliance.inspect_as_regulator", "以监管身份开展监督检查", [("regulator", "inspector")])
register(
    "compliance.inspect_as_supervisor",
    "以监理身份开展检查",
    [("supervisor", "signer"), ("supervisor", "admin"), ("supervisor", "staff")],
)
register(
    "compliance.answer",
    "回复整改通知单",
    [
        (kind, role)
        for kind in (
            "general_contractor",
            "specialist_subcontractor",
            "labour_subcontractor",
            "designer",
            "surveyor",
            "owner",
            "supervisor",
        )
        for role in ("admin", "staff")
    ],
)
register(
    "compliance.sanction_issue",
    "作出红黄牌、黑名单、政府采购禁入决定及复核申诉",
    [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")],
)
register(
    "compliance.credit_record",
    "录入、更正信用记录",
    [("regulator", "admin"), ("regulator", "staff")],
)
