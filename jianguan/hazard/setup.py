"""What hazard recognition registers with the platform (called from HazardConfig.ready()):
grants, the smart site's upload hook and gallery notes, the periodic sweep, the inspectors'
to-do items, the regulator's dashboard panel, notification events, ledger words and
visibility, navigation, the project page's link and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _age(since: dt.datetime, moment: dt.datetime) -> str:
    minutes = max(0, int((moment - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} 分钟前"
    if minutes < 48 * 60:
        return f"{minutes // 60} 小时前"
    return f"{minutes // 1440} 天前"


def _to_review(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.core.timeutil import now
    from jianguan.hazard import selectors, workflow
    from jianguan.projects.models import Participant

    if not actor.can("hazard.review") or not actor.can("smartsite.view"):
        return
    qs = selectors.review_queue(actor=actor, status=workflow.OPEN)
    if not actor.is_kind("regulator"):
        mine = Participant.objects.filter(
            organisation_id=actor.organisation_id, role="supervisor", is_active=True
        ).values("project_id")
        qs = qs.filter(project_id__in=mine)
    rows = qs.values_list(
        "pk", "kind", "frames", "corroborated", "first_at", "project__name", "camera__name"
    )[:200]
    url = pk_url("hazard:candidate")
    moment = now()
    for pk, kind, frames, corroborated, first_at, project, camera in rows:
        many = f"，{frames} 帧印证" if corroborated else ""
        yield TodoItem(
            kind="hazard.candidate_review",
            title=f"核查 AI 识别隐患：{project}，{workflow.KINDS[kind]}"
            f"（{camera or '航拍/照片'}{many}，{_age(first_at, moment)}）",
            url=url(pk),
            # a day unexamined is late: the hazard may still be there
            overdue=(moment - first_at) > dt.timedelta(days=1),
            module="hazard",
        )


def _notes(actor: Any, images: list) -> dict[int, dict]:
    from django.urls import reverse

    from jianguan.hazard import selectors, workflow

    analyses = selectors.latest_analyses([i.pk for i in images])
    out = {}
    for pk, a in analyses.items():
        url = reverse("hazard:image", args=[pk])
        if a.status == workflow.DONE:
            label, css = (
                (f"AI：{a.hazards} 处疑似隐患", "bg-red-lt")
                if a.hazards
                else ("AI：未见隐患", "bg-green-lt")
            )
        elif a.status == workflow.FAILED:
            label, css = "AI 识别失败", "bg-orange-lt"
        else:
            label, css = "AI 识别中", "bg-secondary-lt"
        if a.is_demo:
            label += "（演示）"
        out[pk] = {"label": label, "url": url, "css": css}
    return out


def _sweep() -> object:
    from jianguan.hazard.services_analysis import analyses_sweep

    return analyses_sweep()


def _panel(actor: Actor, today: dt.date):
    from jianguan.hazard import selectors
    from jianguan.web.panels import PanelContent

    stats = selectors.counts_by_day(actor=actor, days=7)
    open_n = selectors.review_queue(actor=actor).count()
    if not stats["sites"] and not open_n:
        return None
    return PanelContent(
        "hazard/_panel_hazards.html",
        {"stats": stats, "open": open_n},
        width="col-12",
    )


def _has_cameras_or_images(actor, project) -> bool:
    return actor.can("smartsite.view")


def register_all() -> None:
    from jianguan.core import periodic
    from jianguan.core.demo import register_seeder
    from jianguan.hazard import permissions  # noqa: F401  (registers grants)
    from jianguan.hazard.models import CameraCalibration, HazardCandidate, SiteRule
    from jianguan.hazard.services_analysis import on_upload
    from jianguan.ledger import labels, visibility
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.projects.visibility import sees_project_of
    from jianguan.smartsite.images.hooks import register_image_notes, register_upload_hook
    from jianguan.web.nav import NavItem, register
    from jianguan.web.panels import register_panel
    from jianguan.workbench.notifications.events import register_event

    register_upload_hook(on_upload)
    register_image_notes(_notes)
    periodic.register("hazard.analyses_sweep", 300, _sweep)
    register_todo("hazard.candidate_review", "AI 识别隐患待核查", _to_review)
    register_event("hazard.candidate_corroborated", "AI 识别隐患（多帧印证）")
    labels.register(
        {
            "hazard.candidate_corroborated": "AI 识别隐患经多帧印证",
            "hazard.candidate_confirmed": "AI 识别隐患经核查确认，下达整改通知",
            "hazard.candidate_dismissed": "AI 识别隐患经核查排除",
            "hazard.camera_calibrated": "标定摄像机地面坐标",
            "hazard.site_rule_set": "设置隐患识别规则",
        }
    )
    visibility.register("hazard", "hazardcandidate", sees_project_of(HazardCandidate))
    visibility.register("hazard", "siterule", sees_project_of(SiteRule))
    visibility.register("hazard", "cameracalibration", _calibration_rule(CameraCalibration))
    register_panel(
        "hazard_stats",
        provider=_panel,
        order=35,
        permission="smartsite.view",
        kinds=("regulator",),
    )
    register(NavItem("hazard", "隐患识别", "hazard:queue", "ti-eye-check", "smartsite.view", 32))
    register_project_link(
        ProjectLink(
            "hazard_stats", "隐患识别", "hazard:project", "ti-eye-check", _has_cameras_or_images, 61
        )
    )
    register_seeder("hazard", "jianguan.hazard.demo:seed", order=77)


def _calibration_rule(model):
    """A calibration is visible exactly when its camera's project is."""
    from jianguan.projects.visibility import sees_project_of
    from jianguan.smartsite.images.models import Camera

    camera_rule = sees_project_of(Camera)

    def rule(actor: Actor, object_id: str) -> bool:
        if not object_id.isdigit():
            return False
        camera_id = (
            model.objects.filter(pk=int(object_id)).values_list("camera_id", flat=True).first()
        )
        return camera_id is not None and camera_rule(actor, str(camera_id))

    return rule
