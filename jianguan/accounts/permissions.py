"""Grants for the accounts app (deny by default: anything not listed is refused)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

# Everyone signed in, the evaluation expert included (the dashboard counts organisations, and
# an expert declares related organisations by their credit code).
EVERYONE = pairs("*", (*MEMBER_ROLES, "expert"))

register("accounts.organisation.view", "查看机构名录", EVERYONE)
register(
    "accounts.organisation.create",
    "登记机构",
    [("regulator", "admin"), ("regulator", "staff")],
)
register(
    "accounts.organisation.update",
    "修改机构信息",
    [("regulator", "admin"), ("regulator", "staff")],
)
register("accounts.membership.manage", "管理成员与角色", [("regulator", "admin")])
register("accounts.user.create", "创建用户", [("regulator", "admin")])
register("rules.view", "查看规则库", EVERYONE)
register("rules.manage", "维护规则与工作日历", [("regulator", "admin")])
register("dashboard.view", "查看工作台", EVERYONE)
# Onboarding and people (accounts/onboarding): the regulator reviews applications to join;
# each organisation's administrator manages its own staff; everyone has a personal centre.
register(
    "accounts.application.review",
    "审核入驻申请",
    [("regulator", "admin"), ("regulator", "staff")],
)
register("accounts.staff.manage", "管理本单位人员", pairs("*", "org_admin"))
register("accounts.me", "个人中心", EVERYONE)
