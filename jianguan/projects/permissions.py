"""Grants for the project register (deny by default)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]

register(
    "projects.view_all",
    "查看全部项目",
    pairs(("regulator", "finance_bureau", "auditor"), MEMBER_ROLES),
)
register("projects.view_own", "查看参建项目", pairs("*", MEMBER_ROLES))
register("projects.create", "登记项目", [*REGULATOR, ("owner", "admin"), ("owner", "staff")])
register("projects.update", "维护项目信息", [*REGULATOR, ("owner", "admin"), ("owner", "staff")])
register(
    "projects.transition", "推进项目阶段", [*REGULATOR, ("owner", "admin"), ("owner", "staff")]
)
register(
    "projects.participants",
    "管理参建单位与负责人",
    [*REGULATOR, ("owner", "admin"), ("owner", "staff")],
)
register("projects.inspect_as_regulator", "以监管身份签署联合检查", [("regulator", "inspector")])
register("projects.inspect_as_supervisor", "以总监身份签署联合检查", [("supervisor", "signer")])
register("projects.sign_completion", "签署竣工验收记录", [("*", "signer")])
register("projects.map_admin", "维护地图边界", [("regulator", "admin")])
