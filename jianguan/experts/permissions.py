"""Grants for the expert pool (deny by default)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

register(
    "experts.manage",
    "管理评标专家库",
    [("regulator", "admin"), ("regulator", "staff")],
)
register(
    "experts.draw",
    "抽取评标专家并监督签到",
    [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")],
)
register("experts.view", "查看评标专家库", pairs("regulator", MEMBER_ROLES))
