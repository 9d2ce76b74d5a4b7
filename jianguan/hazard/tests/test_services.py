"""The hazard journey through the services: an upload is analysed by the worker (a fake
detector), its hazards become candidates, several frames of a camera corroborate them, an
inspector confirms (a safety finding and rectification order with the frame as evidence) or
dismisses (kept as feedback); zones need a calibrated camera; bad input fails the analysis,
never the upload."""

from __future__ import annotations

import pytest
from django.test import override_settings

from jianguan.compliance.models import Finding, RectificationOrder
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.hazard import services, services_analysis, workflow
from jianguan.hazard.models import HazardCandidate, ImageAnalysis
from jianguan.hazard.tests.conftest import CALIBRATION, Det, jpeg, run_pending
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite.images.models import SiteImage
from jianguan.workbench.notifications.models import Notification

BARE = Det("no_helmet", 0.83, (300, 100, 330, 130))
HAT = Det("helmet", 0.9, (100, 100, 130, 130))
NO_VEST = Det("no_wear", 0.77, (290, 95, 345, 330))
IN_PIT = Det("wear", 0.88, (180, 150, 230, 330))  # feet (205, 330): south-west quarter


def test_upload_analysis_candidate_confirm_journey(site, shoot, detector):
    from django_tasks_db.models import DBTaskResult

    detector.next = [[BARE, HAT, Det("helmet", 0.1, (0, 0, 5, 5))]]
    image = shoot(15)
    analysis = image.analyses.get()
    assert analysis.status == workflow.PENDING
    assert DBTaskResult.objects.filter(args_kwargs__args=[analysis.pk]).exists()  # enqueued
    analysis, result = run_pending(image)
    assert result.startswith("done") and analysis.status == workflow.DONE
    assert (analysis.model_version, analysis.model_sha) == ("fake-1.0", "ab" * 32)
    assert (analysis.width, analysis.height) == (640, 400) and analysis.duration_ms is not None
    assert {(d.cls, d.above) for d in analysis.detections.all()} == {
        ("no_helmet", True),
        ("helmet", True),
    }  # under the stored floor: dropped
    (c,) = HazardCandidate.objects.all()
    assert (c.kind, c.frames, c.corroborated, c.status) == ("no_helmet", 1, False, "open")
    assert c.camera == site["camera"] and c.best_image == image

    c = services.candidate_confirm(
        actor=site["actors"]["regulator"], candidate=c, severity="major", note="立即整改"
    )
    assert c.status == workflow.CONFIRMED and c.decided_by == site["actors"]["regulator"].user
    order = RectificationOrder.objects.get(pk=c.order_id)
    finding = Finding.objects.get(pk=order.finding_id)
    assert finding.type == "safety" and finding.severity == "major"
    assert "未戴安全帽" in finding.description and "83%" in finding.description
    assert order.responsible_organisation == site["orgs"]["general_contractor"]
    assert finding.photos.count() == 2  # the frame as kept, and with its box drawn
    assert finding.photos.filter(sm3=image.sm3).exists()
    entry = LedgerEntry.objects.filter(type="hazard.candidate_confirmed").get()
    assert entry.object_id == str(c.pk)
    with pytest.raises(Conflict) as exc:
        services.candidate_confirm(actor=site["actors"]["regulator"], candidate=c)
    assert exc.value.code == "candidate_decided"
    # a re-run (a new model) neither reopens nor rewrites the decided evidence
    evidence = c.frame_set.get().detection_id
    services.analysis_rerun(actor=site["actors"]["regulator"], image=image)
    detector.next = [[Det("no_helmet", 0.99, (300, 100, 330, 130))]]
    run_pending(image)
    assert HazardCandidate.objects.count() == 1 and c.frame_set.get().detection_id == evidence


def test_several_frames_of_a_camera_corroborate(
    site, shoot, detector, django_capture_on_commit_callbacks
):
    for minute in (10, 14, 18):
        detector.next = [[BARE]]
        with django_capture_on_commit_callbacks(execute=True):
            run_pending(shoot(minute))
    (c,) = HazardCandidate.objects.all()
    assert (c.frames, c.corroborated) == (3, True)
    assert LedgerEntry.objects.filter(type="hazard.candidate_corroborated").count() == 1
    # the site's contractor and supervisor, and the district's inspector, hear of it
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {"gc1", "sup1", "reg1"} <= told
    # a frame outside the window opens another candidate
    detector.next = [[BARE]]
    run_pending(shoot(45))
    assert HazardCandidate.objects.count() == 2
    # a drone frame stands alone: never corroborated by others
    detector.next = [[BARE]]
    run_pending(shoot(46, kind="drone"))
    drone = HazardCandidate.objects.get(camera=None)
    assert (drone.frames, drone.corroborated) == (1, False)


def test_dismissed_candidates_are_kept_as_feedback(site, shoot, detector, tmp_path):
    from django.core.management import call_command

    detector.next = [[BARE, HAT, NO_VEST]]
    image = shoot(15)
    run_pending(image)
    bare = HazardCandidate.objects.get(kind="no_helmet")
    vest = HazardCandidate.objects.get(kind="no_uniform")
    sup = site["actors"]["supervisor"]
    with pytest.raises(ValidationFailed) as exc:
        services.candidate_dismiss(actor=sup, candidate=bare, reason="nonsense")
    assert exc.value.code == "bad_dismiss_reason"
    with pytest.raises(ValidationFailed):
        services.candidate_dismiss(actor=sup, candidate=bare, reason="other")  # says why
    services.candidate_dismiss(actor=sup, candidate=bare, reason="wrong_class", note="戴了帽子")
    services.candidate_confirm(actor=sup, candidate=vest)
    bare.refresh_from_db()
    assert (bare.status, bare.dismiss_reason) == ("dismissed", "wrong_class")
    assert LedgerEntry.objects.filter(type="hazard.candidate_dismissed").count() == 1
    call_command("hazard_feedback_export", str(tmp_path))
    labels = (tmp_path / "labels" / f"{image.pk}.txt").read_text().splitlines()
    classes = sorted(line.split()[0] for line in labels)
    assert classes == ["0", "0", "2"]  # the bare head was a hard hat after all
    assert (tmp_path / "images" / f"{image.pk}.jpg").exists()
    x, y, w, h = (float(v) for v in labels[0].split()[1:])
    assert 0 < x < 1 and 0 < y < 1 and 0 < w < 1 and 0 < h < 1


def test_a_contractor_may_not_decide(site, shoot, detector):
    detector.next = [[BARE]]
    run_pending(shoot(15))
    c = HazardCandidate.objects.get()
    for who in ("contractor", "owner", "other_supervisor"):
        with pytest.raises(PermissionDenied):
            services.candidate_confirm(actor=site["actors"][who], candidate=c)
        with pytest.raises(PermissionDenied):
            services.candidate_dismiss(actor=site["actors"][who], candidate=c, reason="duplicate")
    assert HazardCandidate.objects.get().status == "open"


def test_a_person_in_the_pit_seen_by_a_calibrated_camera(site, shoot, detector):
    gc = site["actors"]["contractor"]
    # uncalibrated: no zone test, and the analysis says why
    detector.next = [[IN_PIT]]
    analysis, _ = run_pending(shoot(10))
    assert "未标定" in analysis.note and not HazardCandidate.objects.exists()
    services.calibration_set(
        actor=gc, camera=site["camera"], points=CALIBRATION, width=640, height=400
    )
    detector.next = [[IN_PIT, Det("wear", 0.9, (500, 100, 540, 200))]]  # second one: north-east
    analysis, _ = run_pending(shoot(12))
    (c,) = HazardCandidate.objects.all()
    assert (c.kind, c.zone) == ("in_zone", site["zone"])
    feet = analysis.detections.get(x1=180)
    assert 116.3305 < feet.foot_lon < 116.3315 and 39.7263 < feet.foot_lat < 39.7270
    # a snapshot at another resolution is scaled to the calibration's
    detector.next = [[Det("wear", 0.9, (360, 300, 460, 660))]]  # = IN_PIT at 1280 × 800
    run_pending(shoot(13, data=jpeg("2026:11:30 09:13:00", size=(1280, 800))))
    assert HazardCandidate.objects.get().frames == 2
    with pytest.raises(ValidationFailed) as exc:
        services.calibration_set(
            actor=gc, camera=site["camera"], points=CALIBRATION[:3], width=640, height=400
        )
    assert exc.value.code == "too_few_points"
    with pytest.raises(PermissionDenied):
        services.calibration_set(
            actor=site["actors"]["owner"],
            camera=site["camera"],
            points=CALIBRATION,
            width=640,
            height=400,
        )


def test_drone_images_say_why_no_zone_test(site, shoot, detector):
    detector.next = [[IN_PIT]]
    analysis, _ = run_pending(shoot(10, kind="drone", gps=(39.7266, 116.3310)))
    assert "无法把人员位置映射到地面" in analysis.note and "一号基坑" in analysis.note
    detector.next = [[IN_PIT]]
    analysis, _ = run_pending(shoot(11, kind="drone"))
    assert "无 GPS" in analysis.note


def test_the_vest_rule_of_a_site(site, shoot, detector):
    services.site_rule_set(
        actor=site["actors"]["contractor"], project=site["project"], uniform_required=False
    )
    detector.next = [[NO_VEST]]
    run_pending(shoot(15))
    assert not HazardCandidate.objects.exists()
    with pytest.raises(PermissionDenied):
        services.site_rule_set(
            actor=site["actors"]["owner"], project=site["project"], uniform_required=True
        )


def test_bad_input_fails_the_analysis_and_keeps_the_upload(site, shoot, detector, monkeypatch):
    # the model missing or corrupt
    def missing():
        raise services_analysis.ModelMissing("识别模型文件不存在：/nowhere/model.onnx")

    monkeypatch.setattr(services_analysis, "_load_detector", missing)
    image = shoot(15)
    analysis, result = run_pending(image)
    assert result == "failed: model_unavailable"
    assert analysis.status == "failed" and "识别模型文件不存在" in analysis.reason
    assert SiteImage.objects.filter(pk=image.pk).exists()
    # a re-run once the model is back
    monkeypatch.setattr(services_analysis, "_load_detector", lambda: detector)
    services.analysis_rerun(actor=site["actors"]["regulator"], image=image)
    with pytest.raises(Conflict) as exc:  # one run at a time
        services.analysis_rerun(actor=site["actors"]["regulator"], image=image)
    assert exc.value.code == "analysis_running"
    analysis, _ = run_pending(image)
    assert analysis.status == "done"
    with pytest.raises(PermissionDenied):
        services.analysis_rerun(actor=site["actors"]["contractor"], image=image)

    # a stored file that is not (or no longer) an image
    broken = shoot(16)
    with broken.file.open("wb") as fh:
        fh.write(b"not an image at all")
    analysis, result = run_pending(broken)
    assert result == "failed: bad_image" and "无法解码" in analysis.reason

    # the detector itself failing
    class Boom:
        def detect(self, *a, **k):
            raise RuntimeError("onnx")

    monkeypatch.setattr(services_analysis, "_load_detector", lambda: Boom())
    analysis, result = run_pending(shoot(17))
    assert result == "failed: inference_error" and "RuntimeError" in analysis.reason
    # a run that no longer exists, or was already taken
    assert services_analysis.analysis_run(analysis_id=analysis.pk) == "skipped: failed"
    assert services_analysis.analysis_run(analysis_id=10**9) == "missing"
    assert ImageAnalysis.objects.filter(status="failed").count() == 3


@override_settings(HAZARD_MODEL_PATH="/nonexistent/hazard.onnx")
def test_the_real_loader_reports_a_missing_model(site, shoot):
    pytest.importorskip("jianguan.hazard.detector.infer")
    analysis, result = run_pending(shoot(15))
    assert result == "failed: model_unavailable" and analysis.reason


def test_demo_detections_are_marked_and_take_over_a_waiting_run(site, shoot, detector):
    image = shoot(15)
    analysis = services_analysis.analysis_record(
        image=image, detections=[("no_helmet", 0.8, (1, 2, 30, 40))], model_version="demo"
    )
    assert analysis.is_demo and analysis.status == "done" and image.analyses.count() == 1
    assert HazardCandidate.objects.get().is_demo
    assert services_analysis.analysis_run(analysis_id=analysis.pk) == "skipped: done"


def test_the_shipped_model_runs_in_the_worker(site, shoot):
    """With the real runtime and the shipped model (when it is in the checkout): the analysis
    is done and names the model file by its SHA-256."""
    infer = pytest.importorskip("jianguan.hazard.detector.infer")
    if not infer.MODEL_PATH.is_file():
        pytest.skip("the shipped model is not in this checkout yet")
    analysis, result = run_pending(shoot(15))
    assert result.startswith("done"), analysis.reason
    assert len(analysis.model_sha) == 64 and analysis.model_version
    assert (analysis.width, analysis.height) == (640, 400)


def test_the_sweep_requeues_waiting_runs_and_fails_interrupted_ones(site, shoot, detector):
    import datetime as dt

    from jianguan.core.timeutil import now

    waiting = shoot(15).analyses.get()
    stuck = shoot(16).analyses.get()
    ImageAnalysis.objects.filter(pk=waiting.pk).update(created_at=now() - dt.timedelta(hours=1))
    ImageAnalysis.objects.filter(pk=stuck.pk).update(
        status="running", started_at=now() - dt.timedelta(hours=1)
    )
    assert services_analysis.analyses_sweep() == 2
    stuck.refresh_from_db()
    assert (stuck.status, stuck.reason_code) == ("failed", "interrupted")
    waiting.refresh_from_db()
    assert waiting.status == "pending"  # enqueued again; the worker takes it as usual
    assert services_analysis.analysis_run(analysis_id=waiting.pk).startswith("done")
