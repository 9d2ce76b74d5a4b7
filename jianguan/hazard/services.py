"""The writes of hazard review and of a site's recognition setup: an inspector confirms a
candidate (a safety finding and its rectification order through the compliance loop, the frame
as evidence) or dismisses it (kept, with the reason, as feedback for retraining); a re-run of
the detector on an image; a camera's ground calibration; a site's vest rule. Each is one
transaction with its ledger entry. The detector's own runs are in ``services_analysis``."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from jianguan.compliance import services as compliance
from jianguan.compliance.models import RectificationOrder
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, to_local, today_local
from jianguan.hazard import annotate, geometry, selectors, workflow
from jianguan.hazard.models import CameraCalibration, HazardCandidate, ImageAnalysis, SiteRule
from jianguan.hazard.services_analysis import analyses_request
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.smartsite.images.models import Camera, SiteImage


def _wf(check, *args) -> None:
    try:
        check(*args)
    except workflow.HazardError as exc:
        raise Conflict(exc.message, code=exc.code) from None


def _text(value: Any, label: str, limit: int = 500, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field")
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字", code="too_long")
    return text


def may_review(actor: Actor, project_id: int) -> bool:
    """The district's inspectors, and the project's own supervisor (who inspect it)."""
    if not actor.can("hazard.review"):
        return False
    if actor.is_kind("regulator"):
        return True
    return (
        actor.organisation_id is not None
        and Participant.objects.filter(
            project_id=project_id,
            organisation_id=actor.organisation_id,
            role="supervisor",
            is_active=True,
        ).exists()
    )


def require_review(actor: Actor, project_id: int) -> None:
    if not may_review(actor, project_id):
        raise PermissionDenied(
            "仅监管部门检查员或本项目监理单位可核查疑似隐患", code="permission_denied"
        )


def reviewers_and_site(project_id: int) -> list[int]:
    """Who hears of a corroborated hazard: the district's inspectors, and the project's
    supervisor and general contractor (who can put it right at once)."""
    from jianguan.accounts.models import Membership

    orgs = Participant.objects.filter(
        project_id=project_id, role__in=("supervisor", "general_contractor"), is_active=True
    ).values("organisation_id")
    members = Membership.objects.filter(is_active=True)
    site = members.filter(organisation_id__in=orgs).values_list("user_id", flat=True)
    # roles is a JSON list (no portable "contains" on SQLite): the district's few read here
    inspectors = [
        user_id
        for user_id, roles in members.filter(organisation__kind="regulator").values_list(
            "user_id", "roles"
        )
        if "inspector" in (roles or [])
    ]
    return sorted(set(site) | set(inspectors))


def _describe(c: HazardCandidate) -> str:
    where = c.camera.name if c.camera else c.best_image.get_kind_display()
    zone = f"，危险区域“{c.zone.name}”" if c.zone else ""
    first, last = to_local(c.first_at), to_local(c.last_at)
    span = (
        f"{first:%m月%d日 %H:%M}"
        if c.frames == 1
        else f"{first:%m月%d日 %H:%M}至{last:%H:%M}共 {c.frames} 帧"
    )
    return (
        f"视频/影像智能识别发现安全隐患（经人工核查确认）：{c.get_kind_display()}{zone}，"
        f"{where}，{span}，最高置信度 {c.best_score:.0%}"
    )


def _evidence(c: HazardCandidate) -> list[ContentFile]:
    """The best frame as kept (its SM3 matches the site image's ledger entry) when it fits a
    finding photo, and a copy with the boxes drawn."""
    image = c.best_image
    try:
        with image.file.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return []
    out = []
    ext = "png" if data.startswith(b"\x89PNG") else "jpg"
    if len(data) <= uploads.MAX_PHOTO_BYTES:
        out.append(ContentFile(data, name=f"hazard-{c.pk}-original.{ext}"))
    frame = c.frame_set.filter(image=image).select_related("detection").first()
    boxes = []
    if frame is not None:
        d = frame.detection
        boxes = [(d.cls, d.score, d.box)]
    try:
        out.append(
            ContentFile(annotate.annotated_jpeg(data, boxes), name=f"hazard-{c.pk}-boxes.jpg")
        )
    except OSError:
        pass
    return out


def candidate_confirm(
    *, actor: Actor, candidate: HazardCandidate, severity: str = "general", note: str = ""
) -> HazardCandidate:
    """The inspector confirms: a safety finding of a special inspection today and its
    rectification order to the general contractor (the compliance loop's clock, answer and
    re-inspection; any penalty only from there, by people)."""
    require_review(actor, candidate.project_id)
    note = _text(note, "补充说明", required=False)
    with transaction.atomic():
        c = (
            HazardCandidate.objects.select_for_update(of=("self",))
            .select_related("project", "camera", "zone", "best_image")
            .get(pk=candidate.pk)
        )
        _wf(workflow.check_decide, c.status)
        gc = (
            Participant.objects.filter(
                project_id=c.project_id, role="general_contractor", is_active=True
            )
            .select_related("organisation")
            .first()
        )
        if gc is None:
            raise Conflict("该项目没有在场的施工总承包单位，无法下达整改通知", code="no_contractor")
        inspection = compliance.inspection_create(
            actor=actor,
            project=c.project,
            kind="special",
            inspected_on=today_local(),
            notes="视频监控/无人机影像智能识别隐患转检查发现",
        )
        description = _describe(c)
        if note:
            description = f"{description}。{note}"
        order: RectificationOrder = compliance.finding_raise(
            actor=actor,
            inspection=inspection,
            type="safety",
            severity=severity,
            description=description[:500],
            responsible_organisation=gc.organisation,
            location=(c.zone.name if c.zone else c.camera.name if c.camera else "")[:200],
            photos=_evidence(c),
        )
        c.status, c.order, c.decision = workflow.CONFIRMED, order, note
        c.decided_by, c.decided_at = actor.user, now()
        c.save(
            update_fields=["status", "order", "decision", "decided_by", "decided_at", "updated_at"]
        )
        record(
            actor=actor,
            type="hazard.candidate_confirmed",
            obj=c,
            payload={
                "project": c.project.code,
                "kind": c.kind,
                "frames": c.frames,
                "best_score": f"{c.best_score:.2f}",
                "image_sm3": c.best_image.sm3,
                "order": order.number,
                "severity": severity,
                "demo": c.is_demo,
            },
        )
    return c


def candidate_dismiss(
    *, actor: Actor, candidate: HazardCandidate, reason: str, note: str = ""
) -> HazardCandidate:
    """Not a hazard: kept with the reason, so that its frames correct the training labels."""
    require_review(actor, candidate.project_id)
    if reason not in workflow.DISMISS_REASONS:
        raise ValidationFailed(
            f"请选择排除原因：{'、'.join(workflow.DISMISS_REASONS.values())}",
            code="bad_dismiss_reason",
        )
    note = _text(note, "说明", required=reason == "other")
    with transaction.atomic():
        c = (
            HazardCandidate.objects.select_for_update(of=("self",))
            .select_related("project", "best_image")
            .get(pk=candidate.pk)
        )
        _wf(workflow.check_decide, c.status)
        c.status, c.dismiss_reason, c.decision = workflow.DISMISSED, reason, note
        c.decided_by, c.decided_at = actor.user, now()
        c.save(
            update_fields=[
                "status",
                "dismiss_reason",
                "decision",
                "decided_by",
                "decided_at",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            type="hazard.candidate_dismissed",
            obj=c,
            payload={
                "project": c.project.code,
                "kind": c.kind,
                "frames": c.frames,
                "best_score": f"{c.best_score:.2f}",
                "image_sm3": c.best_image.sm3,
                "reason": reason,
                "note": note,
                "demo": c.is_demo,
            },
        )
    return c


def analysis_rerun(*, actor: Actor, image: SiteImage) -> ImageAnalysis:
    """Run the detector on the image again (after a model update, or a failed run)."""
    if not selectors.may_act(actor, image.project_id, "hazard.analyse"):
        raise PermissionDenied("无权重新识别该影像", code="permission_denied")
    latest = selectors.latest_analysis(image)
    _wf(workflow.check_rerun, latest.status if latest else None)
    (made,) = analyses_request(image_ids=[image.pk], actor=actor, again=True) or (None,)
    if made is None:  # a run was requested in between
        raise Conflict("该影像正在识别中，请稍后再试", code="analysis_running")
    return made


def calibration_set(
    *, actor: Actor, camera: Camera, points: Any, width: Any, height: Any
) -> CameraCalibration:
    """A camera's ground calibration (replacing the one before): 4+ points marked on one of
    its snapshots and on the site plan."""
    selectors.require_act(actor, camera.project_id, "hazard.site_setup", "无权标定该项目的摄像机")
    try:
        w, h = int(width), int(height)
        if not (0 < w <= 20000 and 0 < h <= 20000):
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed("请给出标定图像的宽度和高度（像素）", code="bad_size") from None
    if not isinstance(points, list | tuple) or len(points) > 50:
        raise ValidationFailed("标定点须为 4 至 50 个点的列表", code="bad_points")
    try:
        fitted = geometry.fit_homography(points, width=w, height=h)
    except geometry.GeometryError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    clean = [[float(v) for v in p] for p in points]
    with transaction.atomic():
        Camera.objects.select_for_update().get(pk=camera.pk)
        camera.calibrations.filter(is_active=True).update(is_active=False)
        calibration = CameraCalibration.objects.create(
            camera=camera,
            points=clean,
            width=w,
            height=h,
            homography=fitted.as_dict(),
            rms_m=fitted.rms_m,
            calibrated_by=actor.user,
        )
        from decimal import Decimal

        record(
            actor=actor,
            type="hazard.camera_calibrated",
            obj=calibration,
            payload={
                "camera": camera.name,
                "project_id": camera.project_id,
                "points": [[Decimal(str(round(v, 7))) for v in p] for p in clean],
                "size": [w, h],
                "rms_m": str(fitted.rms_m),
            },
        )
    return calibration


def site_rule_set(*, actor: Actor, project: Project, uniform_required: bool) -> SiteRule:
    """Whether the site requires vests or work uniforms (未穿工作服 is a hazard only then)."""
    selectors.require_act(actor, project.pk, "hazard.site_setup", "无权设置该项目的识别规则")
    if not isinstance(uniform_required, bool):
        raise ValidationFailed("请选择是否要求穿反光背心/工作服", code="bad_value")
    with transaction.atomic():
        rule, _ = SiteRule.objects.select_for_update().get_or_create(
            project=project, defaults={"uniform_required": uniform_required, "set_by": actor.user}
        )
        rule.uniform_required, rule.set_by = uniform_required, actor.user
        rule.save(update_fields=["uniform_required", "set_by", "updated_at"])
        record(
            actor=actor,
            type="hazard.site_rule_set",
            obj=rule,
            payload={"project": project.code, "uniform_required": uniform_required},
        )
    return rule
