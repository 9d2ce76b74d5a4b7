"""Grants for tasks and meetings (deny by default). Which projects each reaches is decided per
object: the parties of a project (its active participants) work in it, the regulator reads it."""

from jianguan.core.permissions import pairs, register

EVERY_MEMBER = ("org_admin", "admin", "staff", "reviewer", "signer", "inspector", "bidder")

register("collab_tasks.view", "查看项目任务与会议", pairs("*", EVERY_MEMBER))
# Field staff (a subcontractor's 经办人 accounts its administrator opens) work their tasks:
# comment, upload photos, tick the checklist and mark them done.
register(
    "collab_tasks.work",
    "创建、办理项目任务（意见、照片、检查项）",
    pairs("*", ("org_admin", "admin", "staff", "signer", "reviewer", "bidder")),
)
register(
    "collab_tasks.meetings_manage",
    "组织会议、登记出席、签发会议纪要",
    pairs("*", ("org_admin", "admin", "staff", "signer")),
)
