"""Hazard recognition over the API: the journey, 403 before 400, one decision only, the
re-run, calibration and statistics, with stable codes."""

from __future__ import annotations

import json

from jianguan.hazard.models import HazardCandidate
from jianguan.hazard.tests.conftest import CALIBRATION, Det, run_pending

URL = "/api/v1/hazard"
BARE = Det("no_helmet", 0.83, (300, 100, 330, 130))


def call(client, method, path, headers, body=None, raw=None):
    if raw is not None:
        return getattr(client, method)(
            URL + path, raw, content_type="application/json", headers=headers
        )
    kwargs = (
        {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    )
    return getattr(client, method)(URL + path, headers=headers, **kwargs)


def test_review_through_the_api(client, bearer, site, shoot, detector):
    detector.next = [[BARE, Det("helmet", 0.95, (100, 100, 130, 130))]]
    image = shoot(15)
    run_pending(image)
    gc, reg = bearer(site["actors"]["contractor"]), bearer(site["actors"]["regulator"])
    (item,) = call(client, "get", "/candidates", gc).json()
    assert item["kind_label"] == "未戴安全帽" and item["status_label"] == "待核查"
    detail = call(client, "get", f"/candidates/{item['id']}", gc).json()
    (frame,) = detail["frame_list"]
    assert frame["detection"]["cls_label"] == "未戴安全帽" and frame["width"] == 640
    analysis = call(client, "get", f"/images/{image.pk}/analysis", gc).json()
    assert analysis["status"] == "done" and len(analysis["detections"]) == 2
    assert analysis["model_version"] == "fake-1.0"

    # the contractor may not decide: 403 whatever its body says (before any 400)
    r = call(client, "post", f"/candidates/{item['id']}/confirm", gc, raw="[not json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = call(client, "post", f"/candidates/{item['id']}/dismiss", gc, {"reason": "bogus"})
    assert r.status_code == 403
    # the inspector's bad body is a 400 with a code, and changes nothing
    r = call(client, "post", f"/candidates/{item['id']}/dismiss", reg, {"reason": "bogus"})
    assert r.status_code == 400 and r.json()["code"] == "validation_error"
    r = call(client, "post", f"/candidates/{item['id']}/confirm", reg, {"severity": "major"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "confirmed" and r.json()["order_number"].startswith("ZG-")
    r = call(client, "post", f"/candidates/{item['id']}/confirm", reg, {})
    assert r.status_code == 409 and r.json()["code"] == "candidate_decided"
    r = call(client, "post", f"/candidates/{item['id']}/dismiss", reg, {"reason": "duplicate"})
    assert r.status_code == 409 and "已处理完毕" in r.json()["message"]
    assert call(client, "get", "/candidates?status=confirmed", gc).json()[0]["id"] == item["id"]
    assert call(client, "get", "/candidates/999999", reg).status_code == 404
    assert call(client, "get", "/candidates/abc", reg).status_code == 404

    # a re-run, once at a time
    r = call(client, "post", f"/images/{image.pk}/analyses", reg)
    assert r.status_code == 202 and r.json()["status"] == "pending"
    r = call(client, "post", f"/images/{image.pk}/analyses", reg)
    assert r.status_code == 409 and r.json()["code"] == "analysis_running"
    assert call(client, "post", f"/images/{image.pk}/analyses", gc).status_code == 403

    stats = call(client, "get", f"/projects/{site['project'].pk}/stats", reg).json()
    assert stats["sites"][0]["total"] == 1 and len(stats["days"]) == 14
    (cam,) = stats["cameras"]
    assert cam["confirmed"] == 1 and cam["precision"] == 1.0
    assert call(client, "get", "/stats?days=7", reg).json()["kinds"][0]["kind"] == "no_helmet"


def test_site_setup_through_the_api(client, bearer, site):
    gc, owner = bearer(site["actors"]["contractor"]), bearer(site["actors"]["owner"])
    cam = f"/cameras/{site['camera'].pk}/calibration"
    assert call(client, "get", cam, gc).json()["code"] == "calibration_not_found"
    body = {"points": CALIBRATION, "width": 640, "height": 400}
    assert call(client, "post", cam, owner, body).status_code == 403
    r = call(client, "post", cam, gc, {**body, "points": CALIBRATION[:3]})
    assert r.status_code == 400 and r.json()["code"] == "validation_error"
    line = [[i * 10, i * 10, 116.33 + i * 0.001, 39.72 + i * 0.001] for i in range(4)]
    r = call(client, "post", cam, gc, {**body, "points": line})
    assert r.status_code == 400 and r.json()["code"] == "degenerate_points"
    r = call(client, "post", cam, gc, body)
    assert r.status_code == 200 and r.json()["rms_m"] < 0.01
    assert call(client, "get", cam, owner).json()["width"] == 640
    rule = f"/projects/{site['project'].pk}/rule"
    assert call(client, "get", rule, owner).json()["uniform_required"] is True
    assert call(client, "post", rule, owner, {"uniform_required": False}).status_code == 403
    r = call(client, "post", rule, gc, {"uniform_required": "maybe"})
    assert r.status_code == 400
    r = call(client, "post", rule, gc, {"uniform_required": False})
    assert r.status_code == 200 and r.json()["uniform_required"] is False
    assert not HazardCandidate.objects.exists()
