"""Grants for policy push (deny by default): the regulator's staff keep the library and
publish; every member reads published policies; an organisation's staff acknowledge a policy
pushed to it (whether it was is decided per policy in services)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

register("policies.view", "查看政策库", pairs("*", MEMBER_ROLES))
register(
    "policies.manage", "编辑、发布、废止政策及查看送达情况", pairs("regulator", ("admin", "staff"))
)
register(
    "policies.acknowledge",
    "确认已阅推送的政策",
    pairs("*", ("org_admin", "admin", "staff", "signer", "reviewer")),
)
