"""Hazard recognition over the API (/api/v1/hazard/...): the review queue and one candidate with
its frames and boxes, the inspector's decision, an image's latest analysis and a re-run,
statistics per site and day and per camera, a camera's ground calibration and a site's vest
rule. A decision is for reviewers only: anyone else is refused 403 before the body is read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound
from jianguan.hazard import selectors, services, workflow
from jianguan.hazard.models import CameraCalibration, Detection, HazardCandidate, ImageAnalysis
from jianguan.hazard.schemas import (
    CameraCalibrationIn,
    CameraCalibrationRead,
    HazardAnalysisRead,
    HazardCandidateDetail,
    HazardCandidateFilter,
    HazardCandidateRead,
    HazardConfirmIn,
    HazardDismissIn,
    HazardSiteRuleIn,
    HazardSiteRuleRead,
    HazardStatsRead,
)

router = Router(tags=["隐患识别"])


def detection_read(d: Detection) -> dict:
    return {
        "cls": d.cls,
        "cls_label": workflow.CLASSES[d.cls],
        "score": round(d.score, 4),
        "box": (round(d.x1, 1), round(d.y1, 1), round(d.x2, 1), round(d.y2, 1)),
        "above_threshold": d.above,
        "foot": (d.foot_lon, d.foot_lat) if d.foot_lon is not None else None,
    }


def analysis_read(a: ImageAnalysis, *, all_scores: bool = False) -> dict:
    return {
        "id": a.pk,
        "image_id": a.image_id,
        "status": a.status,
        "status_label": workflow.ANALYSIS_STATUS[a.status],
        "reason": a.reason,
        "reason_code": a.reason_code,
        "note": a.note,
        "model_version": a.model_version,
        "model_sha": a.model_sha,
        "duration_ms": a.duration_ms,
        "width": a.width,
        "height": a.height,
        "is_demo": a.is_demo,
        "created_at": a.created_at,
        "finished_at": a.finished_at,
        "detections": [
            detection_read(d) for d in selectors.detections_of(a, all_scores=all_scores)
        ],
    }


def candidate_read(c: HazardCandidate) -> dict:
    return {
        "id": c.pk,
        "project_id": c.project_id,
        "project_name": c.project.name,
        "kind": c.kind,
        "kind_label": workflow.KINDS[c.kind],
        "status": c.status,
        "status_label": workflow.CANDIDATE_STATUS[c.status],
        "camera_id": c.camera_id,
        "camera_name": c.camera.name if c.camera else None,
        "zone_id": c.zone_id,
        "zone_name": c.zone.name if c.zone else None,
        "frames": c.frames,
        "corroborated": c.corroborated,
        "best_score": round(c.best_score, 4),
        "best_image_id": c.best_image_id,
        "first_at": c.first_at,
        "last_at": c.last_at,
        "is_demo": c.is_demo,
        "dismiss_reason": c.dismiss_reason,
        "decision": c.decision,
        "decided_at": c.decided_at,
        "order_number": c.order.number if c.order else None,
    }


def candidate_detail(c: HazardCandidate) -> dict:
    frames = [
        {
            "image_id": f.image_id,
            "taken_at": f.image.taken_at,
            "score": round(f.score, 4),
            "detection": detection_read(f.detection),
            "width": f.detection.analysis.width,
            "height": f.detection.analysis.height,
        }
        for f in selectors.frames_of(c)
    ]
    return {**candidate_read(c), "frame_list": frames}


def _calibration_read(c: CameraCalibration) -> dict:
    return {
        "id": c.pk,
        "camera_id": c.camera_id,
        "points": [tuple(p) for p in c.points],
        "width": c.width,
        "height": c.height,
        "rms_m": c.rms_m,
        "created_at": c.created_at,
    }


@router.get("/candidates", response={200: list[HazardCandidateRead], **ERR}, summary="疑似隐患列表")
def candidate_list(request: HttpRequest, filters: Query[HazardCandidateFilter]):
    qs = selectors.review_queue(actor=request.actor, status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    return [candidate_read(c) for c in qs[: filters.limit]]


@router.get(
    "/candidates/{candidate_id}", response={200: HazardCandidateDetail, **ERR}, summary="疑似隐患"
)
def candidate_get(request: HttpRequest, candidate_id: str):
    pk = path_id(candidate_id, "疑似隐患")
    return candidate_detail(selectors.candidate_get(actor=request.actor, pk=pk))


@router.post(
    "/candidates/{candidate_id}/confirm",
    response={200: HazardCandidateRead, **ERR},
    auth=permitted("hazard.review"),
    summary="确认隐患并下达整改通知",
)
def candidate_confirm(request: HttpRequest, candidate_id: str, data: HazardConfirmIn):
    c = selectors.candidate_get(actor=request.actor, pk=path_id(candidate_id, "疑似隐患"))
    services.candidate_confirm(
        actor=request.actor, candidate=c, severity=data.severity, note=data.note
    )
    return candidate_read(selectors.candidate_get(actor=request.actor, pk=c.pk))


@router.post(
    "/candidates/{candidate_id}/dismiss",
    response={200: HazardCandidateRead, **ERR},
    auth=permitted("hazard.review"),
    summary="排除疑似隐患（留作模型改进样本）",
)
def candidate_dismiss(request: HttpRequest, candidate_id: str, data: HazardDismissIn):
    c = selectors.candidate_get(actor=request.actor, pk=path_id(candidate_id, "疑似隐患"))
    services.candidate_dismiss(actor=request.actor, candidate=c, reason=data.reason, note=data.note)
    return candidate_read(selectors.candidate_get(actor=request.actor, pk=c.pk))


@router.get(
    "/images/{image_id}/analysis",
    response={200: HazardAnalysisRead, **ERR},
    summary="影像的最新识别结果",
)
def image_analysis(request: HttpRequest, image_id: str, all_scores: bool = False):
    image = selectors.image_get(actor=request.actor, pk=path_id(image_id, "影像"))
    analysis = selectors.latest_analysis(image)
    if analysis is None:
        raise NotFound("该影像尚未识别", code="analysis_not_found")
    return analysis_read(analysis, all_scores=all_scores)


@router.post(
    "/images/{image_id}/analyses",
    response={202: HazardAnalysisRead, **ERR},
    auth=permitted("hazard.analyse"),
    summary="重新识别影像",
)
def image_rerun(request: HttpRequest, image_id: str):
    image = selectors.image_get(actor=request.actor, pk=path_id(image_id, "影像"))
    analysis = services.analysis_rerun(actor=request.actor, image=image)
    return Status(202, analysis_read(analysis))


@router.get(
    "/projects/{project_id}/stats",
    response={200: HazardStatsRead, **ERR},
    summary="工地隐患统计（按日、按摄像机）",
)
def project_stats(request: HttpRequest, project_id: str):
    project = selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))
    out = selectors.counts_by_day(actor=request.actor, project=project)
    out["cameras"] = selectors.counts_by_camera(actor=request.actor, project=project)
    return out


@router.get("/stats", response={200: HazardStatsRead, **ERR}, summary="各工地每日隐患数")
def district_stats(request: HttpRequest, days: int = 14):
    return selectors.counts_by_day(actor=request.actor, days=max(1, min(days, 90)))


@router.get(
    "/cameras/{camera_id}/calibration",
    response={200: CameraCalibrationRead, **ERR},
    summary="摄像机地面标定",
)
def calibration_get(request: HttpRequest, camera_id: str):
    camera = selectors.camera_get(actor=request.actor, pk=path_id(camera_id, "摄像机"))
    calibration = selectors.calibration_of(camera)
    if calibration is None:
        raise NotFound("该摄像机尚未标定", code="calibration_not_found")
    return _calibration_read(calibration)


@router.post(
    "/cameras/{camera_id}/calibration",
    response={200: CameraCalibrationRead, **ERR},
    auth=permitted("hazard.site_setup"),
    summary="标定摄像机地面坐标",
)
def calibration_set(request: HttpRequest, camera_id: str, data: CameraCalibrationIn):
    camera = selectors.camera_get(actor=request.actor, pk=path_id(camera_id, "摄像机"))
    calibration = services.calibration_set(
        actor=request.actor,
        camera=camera,
        points=[list(p) for p in data.points],
        width=data.width,
        height=data.height,
    )
    return _calibration_read(calibration)


@router.get(
    "/projects/{project_id}/rule", response={200: HazardSiteRuleRead, **ERR}, summary="隐患识别规则"
)
def rule_get(request: HttpRequest, project_id: str):
    project = selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))
    return {"project_id": project.pk, "uniform_required": selectors.uniform_required(project.pk)}


@router.post(
    "/projects/{project_id}/rule",
    response={200: HazardSiteRuleRead, **ERR},
    auth=permitted("hazard.site_setup"),
    summary="设置是否要求穿反光背心/工作服",
)
def rule_set(request: HttpRequest, project_id: str, data: HazardSiteRuleIn):
    project = selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))
    rule = services.site_rule_set(
        actor=request.actor, project=project, uniform_required=data.uniform_required
    )
    return {"project_id": project.pk, "uniform_required": rule.uniform_required}
