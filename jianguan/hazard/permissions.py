"""Grants for hazard recognition (deny by default). Which projects each may reach is decided
per object in ``selectors`` (the projects the actor sees; to act, its own project or the
regulator's district)."""

from jianguan.core.permissions import pairs, register

# Who inspects (compliance.inspect_as_regulator / inspect_as_supervisor): the same people
# decide on a hazard, because a confirmation raises an inspection finding in their name.
REVIEWERS = [("regulator", "inspector"), *pairs("supervisor", ("admin", "staff", "signer"))]

register("hazard.review", "核查智能识别的安全隐患（确认或排除）", REVIEWERS)
register(
    "hazard.analyse",
    "重新识别影像",
    [("regulator", "admin"), ("regulator", "staff"), *REVIEWERS],
)
# The contractor sets up its cameras (it registers them) and the site's vest rule; the
# supervisor may correct both.
register(
    "hazard.site_setup",
    "标定摄像机地面坐标、设置隐患识别规则",
    [*pairs(("general_contractor", "supervisor"), ("admin", "staff", "signer"))],
)
