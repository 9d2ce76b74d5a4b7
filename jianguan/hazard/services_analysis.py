"""The writes of the detector's runs: analyses requested (on upload, on a re-run), run in the
task worker, and their detections turned into hazard candidates.

Nothing here may lose an upload or stop the worker: a missing or corrupt model, an unreadable
file or a failing inference marks the analysis failed with a Chinese reason and a stable code;
the image itself is never touched. Analyses and detections are high-volume machine output and
are not ledgered (DESIGN.md "Ledger"); a candidate that several frames corroborate is, as an
environmental alert that becomes sustained is.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.timeutil import now
from jianguan.hazard import geometry, selectors, workflow
from jianguan.hazard.models import (
    CandidateFrame,
    Detection,
    HazardCandidate,
    ImageAnalysis,
)
from jianguan.ledger.services import record_many
from jianguan.smartsite.images.models import DangerZone, SiteImage

log = logging.getLogger("jianguan.hazard")
MAX_PIXELS = 80_000_000  # as the upload's own limit (smartsite.photo)


class ModelMissing(Exception):
    """The detector cannot run here (model file missing or corrupt, runtime not installed)."""


class BadImage(Exception):
    pass


def _load_detector() -> Any:
    """The shipped detector (cached by ``infer.load``). Tests replace this function."""
    try:
        from jianguan.hazard.detector import infer
    except ImportError as exc:  # onnxruntime or the runtime module absent from this install
        raise ModelMissing(f"识别模型运行组件未安装（{exc.name or exc}）") from exc
    try:
        return infer.load(settings.HAZARD_MODEL_PATH or None)
    except infer.ModelUnavailable as exc:
        raise ModelMissing(str(exc) or "识别模型文件缺失或已损坏") from exc


def _enqueue(analysis_ids: list[int]) -> None:
    from jianguan.hazard.tasks import analyse

    for pk in analysis_ids:
        try:
            analyse.enqueue(pk)
        except Exception:  # the queue is down: the sweep enqueues pending analyses again
            log.exception("enqueue of analysis %s failed", pk)


def analyses_request(
    *, image_ids: Sequence[int], actor: Actor = SYSTEM, again: bool = False
) -> list[ImageAnalysis]:
    """A pending analysis for each image, run by the worker after commit: the upload hook asks
    for images never analysed, a re-run (`again`) for any image with no run waiting."""
    with transaction.atomic():
        images = list(SiteImage.objects.filter(pk__in=list(image_ids)).only("pk", "project_id"))
        existing = ImageAnalysis.objects.filter(image_id__in=[i.pk for i in images])
        if again:
            existing = existing.filter(status__in=(workflow.PENDING, workflow.RUNNING))
        waiting = set(existing.values_list("image_id", flat=True))
        made = [
            ImageAnalysis.objects.create(
                image_id=i.pk,
                project_id=i.project_id,
                requested_by=actor.user if not actor.is_system else None,
            )
            for i in images
            if i.pk not in waiting
        ]
        ids = [a.pk for a in made]
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return made


def on_upload(image_ids: Sequence[int]) -> None:
    """The smart site's upload hook (after its commit)."""
    analyses_request(image_ids=image_ids)


def analyses_sweep(*, older_than_s: int = 600) -> int:
    """Periodic: analyses left pending (the queue was down) are enqueued again, and those a
    killed worker left running are failed so that a re-run is possible."""
    import datetime as dt

    cutoff = now() - dt.timedelta(seconds=older_than_s)
    stale = list(
        ImageAnalysis.objects.filter(status=workflow.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    _enqueue(stale)
    stuck = ImageAnalysis.objects.filter(
        status=workflow.RUNNING, started_at__lt=cutoff - dt.timedelta(seconds=older_than_s)
    )
    n = stuck.update(
        status=workflow.FAILED,
        reason="识别任务中断（工作进程重启），请重新识别",
        reason_code="interrupted",
        finished_at=now(),
    )
    return len(stale) + n


# --- one run --------------------------------------------------------------------------------


def _fail(analysis_id: int, reason: str, code: str, started: float | None = None) -> str:
    ImageAnalysis.objects.filter(pk=analysis_id).update(
        status=workflow.FAILED,
        reason=reason[:300],
        reason_code=code,
        finished_at=now(),
        duration_ms=int((time.perf_counter() - started) * 1000) if started else None,
    )
    return f"failed: {code}"


def decode(data: bytes) -> Image.Image:
    """The pixels as the detector and the browser see them (EXIF orientation applied)."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise BadImage("影像像素过多（超过 8000 万像素），无法识别")
            img.load()
            return ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise BadImage("影像无法解码（不是有效的 JPEG/PNG 图像，或文件已损坏）") from None


def analysis_run(*, analysis_id: int) -> str:
    """The task's body: never raises (the worker goes on with the next task)."""
    try:
        return _run(analysis_id)
    except Exception as exc:
        log.exception("analysis %s failed", analysis_id)
        return _fail(analysis_id, f"识别过程出错（{type(exc).__name__}），请稍后重新识别", "error")


def _run(analysis_id: int) -> str:
    with transaction.atomic():
        analysis = (
            ImageAnalysis.objects.select_for_update(of=("self",))
            .select_related("image")
            .filter(pk=analysis_id)
            .first()
        )
        if analysis is None:
            return "missing"
        if analysis.status != workflow.PENDING:
            return f"skipped: {analysis.status}"  # enqueued twice; the first run has it
        analysis.status, analysis.started_at = workflow.RUNNING, now()
        analysis.save(update_fields=["status", "started_at", "updated_at"])
    started = time.perf_counter()
    try:
        with analysis.image.file.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return _fail(analysis_id, "影像文件缺失或无法读取", "image_missing", started)
    try:
        pixels = decode(data)
    except BadImage as exc:
        return _fail(analysis_id, str(exc), "bad_image", started)
    try:
        detector = _load_detector()
    except ModelMissing as exc:
        return _fail(analysis_id, str(exc), "model_unavailable", started)
    try:
        found = detector.detect(pixels, floor=settings.HAZARD_STORE_FLOOR, tile=True)
    except Exception as exc:
        log.exception("inference of analysis %s failed", analysis_id)
        return _fail(
            analysis_id, f"模型推理出错（{type(exc).__name__}）", "inference_error", started
        )
    version, sha = _identity(detector)
    return _store(
        analysis,
        [(d.cls, float(d.score), tuple(float(v) for v in d.box)) for d in found],
        version=version,
        sha=sha,
        size=pixels.size,
        duration_ms=int((time.perf_counter() - started) * 1000),
    )


_SHAS: dict[tuple[str, int, int], str] = {}


def _identity(detector: Any) -> tuple[str, str]:
    """(version, SHA-256 of the model file) of the detector that ran: each analysis says which
    model made it, so results of an old model can be told apart (and re-run) after an update."""
    meta = getattr(detector, "metadata", None) or {}
    path = getattr(detector, "path", None)
    version = str(
        getattr(detector, "version", "")
        or meta.get("version")
        or meta.get("model_version")
        or (getattr(path, "name", "") if path else "")
    )
    sha = str(getattr(detector, "sha256", "") or "")
    if not sha and path is not None:
        try:
            st = path.stat()
            key = (str(path), st.st_mtime_ns, st.st_size)
            if key not in _SHAS:
                digest = hashlib.sha256()
                with open(path, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(chunk)
                _SHAS[key] = digest.hexdigest()
            sha = _SHAS[key]
        except OSError:
            sha = ""
    return version[:80], sha[:64]


def analysis_record(
    *,
    image: SiteImage,
    detections: Iterable[tuple[str, float, tuple[float, float, float, float]]],
    model_version: str,
    is_demo: bool = True,
    actor: Actor = SYSTEM,
) -> ImageAnalysis:
    """An analysis whose detections come from elsewhere than the worker's model run: the demo
    (synthetic pictures the model finds nothing in; marked as demo everywhere it shows) and
    tests. The same rules make candidates of them."""
    with transaction.atomic():
        # A run still waiting for the worker is taken over (the worker then skips it), so the
        # image does not get a second, model-made result on top of this one.
        analysis = (
            ImageAnalysis.objects.select_for_update()
            .filter(image=image, status=workflow.PENDING)
            .first()
        ) or ImageAnalysis(image=image, project_id=image.project_id)
        analysis.status, analysis.started_at, analysis.is_demo = workflow.RUNNING, now(), is_demo
        analysis.requested_by = actor.user if not actor.is_system else None
        analysis.save()
        width, height = image.width, image.height
        _store(
            analysis,
            [(c, float(s), tuple(float(v) for v in b)) for c, s, b in detections],
            version=model_version,
            sha="",
            size=(width, height),
            duration_ms=0,
        )
    analysis.refresh_from_db()
    return analysis


# --- from detections to candidates ------------------------------------------------------------


def _ground(image: SiteImage, zones: list[DangerZone]) -> tuple[Any, str]:
    """(pixel -> (lon, lat), note): how this image's pixels reach the site plan, or why not."""
    if not zones:
        return None, ""
    if image.camera_id:
        calibration = selectors.calibration_of(image.camera)
        if calibration is None:
            return None, "摄像机尚未标定地面坐标，未做危险区域判断"
        h = geometry.Homography.from_dict(calibration.homography)
        return h, ""
    if image.latitude is None:
        return None, "影像无 GPS 定位，未做危险区域判断"
    note = "影像仅有拍摄点坐标，缺少飞行高度与云台姿态，无法把人员位置映射到地面，未做危险区域判断"
    over = [
        z.name
        for z in zones
        if geometry.point_in_polygon(float(image.longitude), float(image.latitude), z.polygon)
    ]
    if over:
        note += f"；拍摄点位于危险区域“{'、'.join(over)}”上方，请人工查看"
    return None, note[:300]


def _store(
    analysis: ImageAnalysis,
    found: list[tuple[str, float, tuple[float, float, float, float]]],
    *,
    version: str,
    sha: str,
    size: tuple[int, int],
    duration_ms: int,
) -> str:
    thresholds = workflow.check_thresholds(settings.HAZARD_THRESHOLDS)
    image = SiteImage.objects.select_related("camera").get(pk=analysis.image_id)
    zones = list(DangerZone.objects.filter(project_id=image.project_id, is_active=True))
    mapping, note = _ground(image, zones)
    found = [f for f in found if f[0] in workflow.CLASSES]
    rows = [
        Detection(
            analysis=analysis,
            cls=cls,
            score=round(score, 4),
            x1=box[0],
            y1=box[1],
            x2=box[2],
            y2=box[3],
            above=score >= thresholds[cls],
        )
        for cls, score, box in found
    ]
    dets = [workflow.Det(i, c, s, b) for i, (c, s, b) in enumerate(found)]
    width, height = size

    def zone_of(x: float, y: float) -> int | None:
        point = mapping.to_ground(x, y, width=width, height=height)
        if point is None:
            return None
        for z in zones:
            if geometry.point_in_polygon(point[0], point[1], z.polygon):
                return z.pk
        return None

    if mapping is not None:
        for p in workflow.persons(dets, thresholds):
            point = mapping.to_ground(*p.foot, width=width, height=height)
            if point is not None:
                rows[p.index].foot_lon, rows[p.index].foot_lat = point
    hazards = workflow.hazards_in(
        dets,
        thresholds,
        uniform_required=selectors.uniform_required(image.project_id),
        zone_of=zone_of if mapping is not None else None,
    )
    with transaction.atomic():
        current = ImageAnalysis.objects.select_for_update().get(pk=analysis.pk)
        if current.status != workflow.RUNNING:
            return f"skipped: {current.status}"
        Detection.objects.bulk_create(rows)
        current.status = workflow.DONE
        current.note = note
        current.model_version = version[:80]
        current.model_sha = sha[:64]
        current.duration_ms = duration_ms
        current.width, current.height = width, height
        current.finished_at = now()
        current.save()
        made = _merge(current, image, workflow.best_per_kind(hazards), rows)
    return f"done: {len(rows)} detections, {len(made)} hazards"


def _merge(
    analysis: ImageAnalysis,
    image: SiteImage,
    best: dict[tuple[str, int | None], workflow.Hazard],
    rows: list[Detection],
) -> list[HazardCandidate]:
    """Each hazard of the image joins the open candidate of the same camera, kind and zone
    within the window, or opens one. Several frames of a camera corroborate it; a drone
    frame or a photo stands alone and waits for an inspector."""
    import datetime as dt

    window = dt.timedelta(minutes=settings.HAZARD_WINDOW_MINUTES)
    needed = settings.HAZARD_FRAMES_NEEDED
    taken = image.taken_at
    touched, newly = [], []
    for (kind, zone_id), hz in best.items():
        det = rows[hz.index]
        again = (
            HazardCandidate.objects.select_for_update(of=("self",))
            .filter(frame_set__image=image, kind=kind, zone_id=zone_id)
            .first()
        )
        if again is not None:  # a re-run of a frame already counted
            if again.status == workflow.OPEN:  # its newest detection; a decision keeps its own
                CandidateFrame.objects.filter(candidate=again, image=image).update(
                    detection=det, score=hz.score
                )
            touched.append(again)
            continue
        candidate = None
        if image.camera_id:
            candidate = (
                HazardCandidate.objects.select_for_update(of=("self",))
                .filter(
                    project_id=image.project_id,
                    camera_id=image.camera_id,
                    kind=kind,
                    zone_id=zone_id,
                    status=workflow.OPEN,
                    last_at__gte=taken - window,
                    first_at__lte=taken + window,
                )
                .order_by("-last_at", "-pk")
                .first()
            )
        if candidate is None:
            candidate = HazardCandidate.objects.create(
                project_id=image.project_id,
                kind=kind,
                camera_id=image.camera_id,
                zone_id=zone_id,
                frames=1,
                best_score=hz.score,
                best_image=image,
                first_at=taken,
                last_at=taken,
                is_demo=analysis.is_demo,
            )
        else:
            candidate.frames += 1
            if hz.score > candidate.best_score:
                candidate.best_score, candidate.best_image = hz.score, image
            candidate.first_at = min(candidate.first_at, taken)
            candidate.last_at = max(candidate.last_at, taken)
        CandidateFrame.objects.create(
            candidate=candidate, image=image, detection=det, score=hz.score
        )
        if (
            image.camera_id
            and not candidate.corroborated
            and workflow.corroborated(candidate.frames, needed)
        ):
            candidate.corroborated = True
            newly.append(candidate)
        candidate.save()
        touched.append(candidate)
    if newly:
        record_many(
            actor=SYSTEM,
            items=[("hazard.candidate_corroborated", c, _payload(c), ()) for c in newly],
        )
        transaction.on_commit(lambda: _tell_corroborated(newly), robust=True)
    return touched


def _payload(c: HazardCandidate) -> dict:
    return {
        "project_id": c.project_id,
        "kind": c.kind,
        "camera_id": c.camera_id,
        "zone_id": c.zone_id,
        "frames": c.frames,
        "best_score": f"{c.best_score:.2f}",
        "first_at": c.first_at,
        "last_at": c.last_at,
        "demo": c.is_demo,
    }


def _tell_corroborated(candidates: list[HazardCandidate]) -> None:
    from django.urls import reverse

    from jianguan.hazard.services import reviewers_and_site
    from jianguan.workbench.notifications.services import notify

    for c in candidates:
        c = HazardCandidate.objects.select_related("project", "camera").get(pk=c.pk)
        notify(
            recipients=reviewers_and_site(c.project_id),
            kind="hazard.candidate_corroborated",
            title=f"AI 识别隐患：{c.project.name}，{c.get_kind_display()}"
            f"（{c.camera.name if c.camera else ''} {c.frames} 帧）",
            url=reverse("hazard:candidate", args=[c.pk]),
        )
