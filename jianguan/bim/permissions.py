"""Grants for BIM (deny by default). Which projects each may reach is decided per object in
``selectors`` (a participant of the project, or the district's regulator, sees its models and
clashes; to upload or to run clash detection, a participant in the right role)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

# Who takes part in design coordination and sees its models.
VIEWERS = ("owner", "designer", "general_contractor", "supervisor", "regulator")
UPLOADERS = ("owner", "designer", "general_contractor")
WRITERS = ("admin", "staff", "signer")

register("bim.view", "查看 BIM 模型与碰撞", pairs(VIEWERS, MEMBER_ROLES))
register("bim.upload", "上传 BIM 模型", pairs(UPLOADERS, WRITERS))
# Coordination: clash sets and their runs, the clash workflow, BCF, the BoQ mapping.
register(
    "bim.coordinate",
    "碰撞检测与协调（发起检测、指派、核验、BCF 导入导出）",
    pairs((*UPLOADERS, "supervisor"), WRITERS),
)
register("bim.map_quantities", "维护清单项与模型构件的对应关系", pairs(UPLOADERS, WRITERS))
