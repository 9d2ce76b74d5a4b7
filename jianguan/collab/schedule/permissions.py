"""Grants for schedules (deny by default). Which projects each reaches is decided per object: the
parties of a project (its active participants) read its schedule, the regulator reads every one;
the owner, the general contractor and the supervisor keep it (import, baseline, progress)."""

from jianguan.core.permissions import pairs, register

EVERY_MEMBER = ("org_admin", "admin", "staff", "reviewer", "signer", "inspector", "bidder")

register("collab_schedule.view", "查看项目进度计划与横道图", pairs("*", EVERY_MEMBER))
register(
    "collab_schedule.manage",
    "导入、导出进度计划，设置基线，填报实际进度",
    pairs("*", ("org_admin", "admin", "staff", "signer", "bidder")),
)
