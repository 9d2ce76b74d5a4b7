"""Grants for electronic tendering (deny by default)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

BIDDER_KINDS = (
    "general_contractor",
    "specialist_subcontractor",
    "labour_subcontractor",
    "supervisor",
    "designer",
    "surveyor",
)

register("tendering.view", "查看招标投标", pairs("*", MEMBER_ROLES))
register(
    "tendering.manage",
    "编制、发布招标文件，澄清、答复异议",
    [
        ("owner", "admin"),
        ("owner", "staff"),
        ("tender_agency", "admin"),
        ("tender_agency", "staff"),
    ],
)
register(
    "tendering.bid",
    "投标：登记公钥、递交、撤回、解密投标文件",
    [(kind, role) for kind in BIDDER_KINDS for role in ("admin", "staff", "bidder")],
)
register(
    "tendering.supervise",
    "监督招标投标活动",
    [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")],
)
