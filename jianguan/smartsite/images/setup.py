"""What site images register with the platform (called from SmartsiteConfig.ready()): grants,
ledger labels and visibility, the project page's link, the demo seeder."""

from __future__ import annotations


def _may_open(actor, project) -> bool:
    # Everyone who sees the project page sees its site; the page itself checks again.
    return actor.can("smartsite.view")


def register_all() -> None:
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.projects.visibility import sees_project_of
    from jianguan.smartsite.images import permissions  # noqa: F401  (registers grants)
    from jianguan.smartsite.images.models import Camera, DangerZone, SiteImage

    labels.register(
        {
            "smartsite.camera_registered": "登记视频监控摄像机",
            "smartsite.camera_deactivated": "停用视频监控摄像机",
            "smartsite.image_uploaded": "上传现场影像",
            "smartsite.zone_drawn": "划定危险区域",
            "smartsite.zone_removed": "解除危险区域",
        }
    )
    visibility.register("smartsite", "camera", sees_project_of(Camera))
    visibility.register("smartsite", "siteimage", sees_project_of(SiteImage))
    visibility.register("smartsite", "dangerzone", sees_project_of(DangerZone))
    register_project_link(
        ProjectLink("site_images", "现场影像", "smartsite:site_images", "ti-camera", _may_open, 60)
    )
    register_seeder("smartsite_images", "jianguan.smartsite.images.demo:seed", order=75)
