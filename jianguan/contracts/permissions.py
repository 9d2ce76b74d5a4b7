"""Grants for contracts and payments (deny by default). Which contract an actor may touch is
decided in services/selectors from the contract's parties; these say which roles may try."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]
CONTRACTORS = ("general_contractor", "specialist_subcontractor", "labour_subcontractor")

register("contracts.view", "查看合同与支付", pairs("*", MEMBER_ROLES))
register(
    "contracts.manage",
    "起草合同、导入工程量清单",
    [
        ("owner", "admin"),
        ("owner", "staff"),
        ("general_contractor", "admin"),
        ("general_contractor", "staff"),
    ],
)
register(
    "contracts.sign",
    "签署合同",
    [("owner", "admin"), ("owner", "signer")]
    + [(kind, role) for kind in CONTRACTORS for role in ("admin", "signer")],
)
register("contracts.approve_subcontract", "批准分包", [("owner", "admin"), ("owner", "signer")])
register(
    "contracts.variation_raise",
    "提出变更或签证",
    [("owner", "admin"), ("owner", "staff")]
    + [(kind, role) for kind in CONTRACTORS for role in ("admin", "staff")],
)
register(
    "contracts.variation_decide",
    "审批变更或签证",
    [("supervisor", "admin"), ("supervisor", "signer"), ("owner", "admin"), ("owner", "signer")]
    + REGULATOR,
)
register(
    "contracts.claim",
    "提交进度款申请",
    [(kind, role) for kind in CONTRACTORS for role in ("admin", "staff")],
)
register(
    "contracts.review",
    "审核进度款申请",
    [
        ("supervisor", "admin"),
        ("supervisor", "signer"),
        ("owner", "admin"),
        ("owner", "signer"),
        ("owner", "staff"),
        ("finance_bureau", "admin"),
        ("finance_bureau", "staff"),
        ("finance_bureau", "reviewer"),
        ("auditor", "admin"),
        ("auditor", "staff"),
        ("auditor", "reviewer"),
    ],
)
register(
    "contracts.pay",
    "登记支付",
    [
        ("owner", "admin"),
        ("owner", "staff"),
        ("finance_bureau", "admin"),
        ("finance_bureau", "staff"),
    ],
)
register(
    "contracts.self_check",
    "施工自检",
    [(kind, role) for kind in CONTRACTORS for role in ("admin", "staff")],
)
register(
    "contracts.accept",
    "监理验收",
    [("supervisor", "admin"), ("supervisor", "signer"), ("supervisor", "staff")],
)
