"""Grants for the final account (deny by default). Which contract an actor may touch is
decided in services/selectors from the contract's parties; these say which roles may try."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

CONTRACTORS = ("general_contractor", "specialist_subcontractor", "labour_subcontractor")
REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]

register(
    "cost_settlement.view",
    "查看竣工结算",
    # the contract's parties and the finance bureau and audit firm who review the money; the
    # regulator supervises; which contracts each sees is decided per object in selectors
    pairs(("owner", "supervisor", "finance_bureau", "auditor", *CONTRACTORS), MEMBER_ROLES)
    + REGULATOR,
)
register(
    "cost_settlement.prepare",
    "编制、提交竣工结算与过程结算（承包人）",
    [(kind, role) for kind in CONTRACTORS for role in ("admin", "staff")],
)
register(
    "cost_settlement.review",
    "审核竣工结算、确认过程结算、约定结算条款（发包人）",
    [("owner", "admin"), ("owner", "signer"), ("owner", "staff")],
)
register(
    "cost_settlement.audit",
    "开始与完成结算审计（审计机构、财政评审）",
    [
        ("auditor", "admin"),
        ("auditor", "staff"),
        ("auditor", "reviewer"),
        ("finance_bureau", "admin"),
        ("finance_bureau", "staff"),
        ("finance_bureau", "reviewer"),
    ],
)
register(
    "cost_settlement.sign",
    "签署结算书",
    pairs(("owner", "supervisor", "auditor"), ("admin", "signer"))
    + [("auditor", "reviewer")]  # the audit firm's engagement reviewer signs its figure
    + [(kind, role) for kind in CONTRACTORS for role in ("admin", "signer")],
)
register(
    "cost_settlement.pay",
    "登记结算款支付与超付款退还",
    [
        ("owner", "admin"),
        ("owner", "staff"),
        ("finance_bureau", "admin"),
        ("finance_bureau", "staff"),
    ],
)
