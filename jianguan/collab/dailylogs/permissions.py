"""Grants for daily logs (deny by default). Whoever sees a project reads its signed logs;
writing is for the general contractor's and the supervisor's staff, and only on a project
where their organisation holds that role (checked in services)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

register("dailylogs.view", "查看施工日志与监理日志", pairs("*", MEMBER_ROLES))
register(
    "dailylogs.write",
    "填写、签署施工日志与监理日志",
    pairs(("general_contractor", "supervisor"), ("org_admin", "admin", "staff", "signer")),
)
