"""The hazard pages: the review queue with boxes drawn over the image and one-click decisions
(htmx), a candidate, an image's analysis, a site's statistics and setup; the gallery's note,
the inspectors' to-do items and the regulator's dashboard panel."""

from __future__ import annotations

from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.hazard.models import HazardCandidate
from jianguan.hazard.tests.conftest import CALIBRATION, Det, run_pending

BARE = Det("no_helmet", 0.834, (300, 100, 330, 130))
IN_PIT = Det("wear", 0.88, (180, 150, 230, 330))


def test_queue_card_confirm_in_one_click(client, site, shoot, detector):
    from jianguan.hazard import services

    services.calibration_set(
        actor=site["actors"]["contractor"],
        camera=site["camera"],
        points=CALIBRATION,
        width=640,
        height=400,
    )
    detector.next = [[BARE, IN_PIT]]
    image = shoot(15)
    run_pending(image)
    reg = site["actors"]["regulator"]
    client.force_login(reg.user)
    page = client.get("/hazard/").content.decode()
    assert page.count("data-candidate=") == 2
    assert client.get("/hazard/?kind=in_zone").content.decode().count("data-candidate=") == 1
    other = f"/hazard/?project={site['project'].pk + 1}&kind=bogus&status=nonsense"
    assert client.get(other).content.decode().count("data-candidate=") == 0
    assert "<svg" in page and 'data-box="no_helmet"' in page and "未戴安全帽 83%" in page
    assert "data-zone=" in page  # the pit drawn over the camera's view
    c = HazardCandidate.objects.get(kind="no_helmet")
    r = client.post(
        f"/hazard/candidates/{c.pk}/act/",
        {"action": "confirm", "severity": "general"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    card = r.content.decode()
    assert 'data-status="confirmed"' in card and "ZG-" in card and "<html" not in card
    r = client.post(
        f"/hazard/candidates/{c.pk}/act/", {"action": "confirm"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 409 and 'data-error="candidate_decided"' in r.content.decode()
    zone = HazardCandidate.objects.get(kind="in_zone")
    r = client.post(
        f"/hazard/candidates/{zone.pk}/act/", {"action": "dismiss", "reason": "outside_zone"}
    )
    assert r.status_code == 302
    zone.refresh_from_db()
    assert zone.status == "dismissed"
    page = client.get(f"/hazard/candidates/{zone.pk}/").content.decode()
    assert "人员不在危险区域内" in page and "一号基坑" in page
    # the contractor sees, but may not decide
    client.force_login(site["actors"]["contractor"].user)
    detector.next = [[BARE]]
    run_pending(shoot(40))
    other = HazardCandidate.objects.get(status="open", kind="no_helmet")
    assert client.get(f"/hazard/candidates/{other.pk}/").status_code == 200
    r = client.post(f"/hazard/candidates/{other.pk}/act/", {"action": "confirm"})
    assert r.status_code == 403


def test_image_page_gallery_note_and_rerun(client, site, shoot, detector, monkeypatch):
    from jianguan.hazard import services_analysis

    def missing():
        raise services_analysis.ModelMissing("识别模型文件缺失")

    monkeypatch.setattr(services_analysis, "_load_detector", missing)
    image = shoot(15)
    run_pending(image)
    client.force_login(site["actors"]["regulator"].user)
    page = client.get(f"/hazard/images/{image.pk}/").content.decode()
    assert "识别失败" in page and "识别模型文件缺失" in page and 'id="rerun"' in page
    gallery = client.get(f"/smartsite/projects/{site['project'].pk}/site/?date=2026-11-30")
    assert "AI 识别失败" in gallery.content.decode()
    assert client.post(f"/hazard/images/{image.pk}/rerun/").status_code == 302
    monkeypatch.setattr(services_analysis, "_load_detector", lambda: detector)
    detector.next = [[BARE]]
    run_pending(image)
    gallery = client.get(f"/smartsite/projects/{site['project'].pk}/site/?date=2026-11-30")
    assert "AI：1 处疑似隐患" in gallery.content.decode()
    page = client.get(f"/hazard/images/{image.pk}/").content.decode()
    assert "83%" in page and "识别记录" in page


def test_site_page_setup_todo_and_dashboard(client, site, shoot, detector):
    detector.next = [[BARE]]
    run_pending(shoot(15))
    reg = site["actors"]["regulator"]
    (item,) = [t for t in todo_for(reg, today_local()) if t.kind == "hazard.candidate_review"]
    assert "未戴安全帽" in item.title and "前" in item.title and item.overdue  # 2026-11-30
    sup = site["actors"]["supervisor"]
    assert [t.kind for t in todo_for(sup, today_local())].count("hazard.candidate_review") == 1
    gc = site["actors"]["contractor"]
    assert not [t for t in todo_for(gc, today_local()) if t.kind.startswith("hazard.")]
    client.force_login(gc.user)
    page = client.get(f"/hazard/projects/{site['project'].pk}/").content.decode()
    assert "hazard-stats" in page and 'id="rule-form"' in page and "未标定" in page
    r = client.post(
        f"/hazard/cameras/{site['camera'].pk}/calibration/",
        {"points": "[[0, 0, 1, 2]]", "width": 640, "height": 400},
    )
    assert r.status_code == 400 and 'data-error="too_few_points"' in r.content.decode()
    assert client.post(f"/hazard/projects/{site['project'].pk}/rule/", {}).status_code == 302
    assert "不要求" in client.get(f"/hazard/projects/{site['project'].pk}/").content.decode()
    client.force_login(reg.user)
    dashboard = client.get("/").content.decode()
    assert 'data-testid="panel-hazards"' in dashboard


def test_calibration_from_point_rows_on_the_cameras_snapshot(client, site, shoot):
    from jianguan.hazard.models import CameraCalibration

    shoot(15)
    gc = site["actors"]["contractor"]
    client.force_login(gc.user)
    page = client.get(f"/hazard/projects/{site['project'].pk}/").content.decode()
    # the newest snapshot to click on, the rows to fill, its size offered
    assert "calibrate-snapshot" in page and 'data-width="640"' in page
    assert page.count('data-key="lon"') == 8 and "hazard/calibrate.js" in page
    url = f"/hazard/cameras/{site['camera'].pk}/calibration/"
    rows = {}
    for i, (x, y, lon, lat) in enumerate(CALIBRATION):
        rows.update({f"p{i}_x": x, f"p{i}_y": y, f"p{i}_lon": lon, f"p{i}_lat": lat})
    half = {**rows, "p1_lat": "", "width": 640, "height": 400}
    r = client.post(url, half)
    assert r.status_code == 400 and "第 2 个点须填写" in r.content.decode()
    assert not CameraCalibration.objects.exists()
    r = client.post(url, {"width": 640, "height": 400})
    assert r.status_code == 400 and "请至少填写 4 个地面点" in r.content.decode()
    r = client.post(url, {**rows, "p0_lat": "95", "width": 640, "height": 400})
    assert r.status_code == 400 and not CameraCalibration.objects.exists()
    r = client.post(url, {**rows, "width": 640, "height": 400})
    assert r.status_code == 302
    saved = CameraCalibration.objects.get(is_active=True)
    assert saved.points == [[float(v) for v in p] for p in CALIBRATION]
    assert "误差" in client.get(f"/hazard/projects/{site['project'].pk}/").content.decode()
