"""Grants for environmental alerts (deny by default); which projects each may reach is decided
per object in ``selectors`` (the projects the actor sees)."""

from jianguan.core.permissions import pairs, register

register(
    "smartsite.env_alerts_answer",
    "反馈环境监测告警的处置情况",
    pairs("general_contractor", ("admin", "staff")),
)
register(
    "smartsite.env_alerts_decide",
    "处理环境监测告警（转整改通知或不予处理）",
    pairs("regulator", ("admin", "staff", "inspector")),
)
