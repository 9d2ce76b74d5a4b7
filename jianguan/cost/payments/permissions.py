"""Grants for advance payments and retention (deny by default). Which contract an actor may
touch is decided in services from the contract's parties; these say which roles may try."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

CONTRACTORS = ("general_contractor", "specialist_subcontractor", "labour_subcontractor")

register("cost_payments.view", "查看预付款与质量保证金", pairs("*", MEMBER_ROLES))
register(
    "cost_payments.request",
    "申请预付款、申请返还质量保证金（承包人）",
    pairs(CONTRACTORS, ("admin", "staff", "signer")),
)
register(
    "cost_payments.decide",
    "约定扣回方式、审批预付款、暂扣和确认返还质量保证金（建设单位）",
    pairs("owner", ("admin", "staff", "signer")),
)
register(
    "cost_payments.pay",
    "支付预付款、返还质量保证金（财政部门；未指定财政部门的由建设单位）",
    pairs(("finance_bureau", "owner"), ("admin", "staff")),
)
