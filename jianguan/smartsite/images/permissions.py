"""Grants for site images, cameras and danger zones (deny by default). Which projects each
may reach is decided per object in ``selectors`` (participation, or the regulator)."""

from jianguan.core.permissions import pairs, register

REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]
SITE = ("admin", "staff", "signer")

register(
    "smartsite.images_upload",
    "上传现场照片、监控抓拍和无人机航拍",
    [*pairs(("general_contractor", "supervisor", "owner"), SITE), *REGULATOR],
)
register(
    "smartsite.cameras_manage",
    "登记视频监控摄像机",
    pairs(("general_contractor", "owner"), ("admin", "staff")),
)
# The contractor draws its danger zones (施工现场危险区域); the supervisor may add or remove.
register(
    "smartsite.zones_manage", "划定危险区域", pairs(("general_contractor", "supervisor"), SITE)
)
