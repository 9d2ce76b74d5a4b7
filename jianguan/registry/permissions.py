"""Grants for the registry (deny by default)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

REGULATOR = [("regulator", "admin"), ("regulator", "staff")]

register("registry.view", "查看资质与注册人员", pairs("*", MEMBER_ROLES))
register("registry.manage_any", "维护任一单位的资质与人员（监管部门）", REGULATOR)
register("registry.manage_own", "维护本单位的资质与人员", [("*", "admin"), ("*", "staff")])
register(
    "registry.standard_define",
    "制定准入标准",
    [*REGULATOR, ("owner", "admin"), ("owner", "staff"), ("tender_agency", "admin")],
)
register("registry.eligibility", "核验准入条件", pairs("*", MEMBER_ROLES))
