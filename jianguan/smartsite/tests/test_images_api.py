"""Cameras, site images and danger zones over the API (issue 17 parts 6 and 7): the journey,
the bad input people send, and who may see and do what (404 for another project's people,
403 for a role without the grant)."""

from __future__ import annotations

import json

from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, member, world  # noqa: F401
from jianguan.smartsite.images import services
from jianguan.smartsite.images.models import Camera, DangerZone, SiteImage
from jianguan.smartsite.tests.test_images import SITE, jpeg, site, upload  # noqa: F401

URL = "/api/v1/smartsite"
ZONE = {
    "name": "一号基坑",
    "kind": "excavation",
    "polygon": {
        "type": "Polygon",
        "coordinates": [[[116.3305, 39.7265], [116.3315, 39.7265], [116.3315, 39.7275]]],
    },
}


def call(client, method, path, headers, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    return getattr(client, method)(URL + path, headers=headers, **kwargs)


def send(client, path, headers, files, **fields):
    return client.post(URL + path, {**fields, "files": files}, headers=headers)


def test_camera_photos_and_zones_through_the_api(client, bearer, site):  # noqa: F811
    gc, sup = bearer(site["actors"]["contractor"]), bearer(site["actors"]["supervisor"])
    reg = bearer(site["actors"]["regulator"])
    p = f"/projects/{site['project'].pk}"
    r = call(client, "post", f"{p}/cameras", gc, {
        "name": "东门", "stream_url": "rtsp://admin:pw@10.0.0.5/ch1", "location": "东门岗亭",
        "latitude": "39.7266", "longitude": "116.3311",
    })  # fmt: skip
    assert r.status_code == 201, r.content
    camera = r.json()
    assert camera["stream_url"] == "rtsp://admin:pw@10.0.0.5/ch1"
    assert camera["status_label"] == "在用" and camera["registered_by_name"]
    # The regulator sees the camera, but not the recorder's login in its address.
    (seen,) = call(client, "get", f"{p}/cameras", reg).json()
    # a viewer may open the stream in the vendor's player, but not with the recorder's login
    assert seen["stream_url"] == "rtsp://10.0.0.5/ch1" and seen["stream_host"] == "10.0.0.5"
    assert "pw" not in json.dumps(seen)
    assert call(client, "get", f"{p}/cameras", gc).json()[0]["stream_url"].startswith("rtsp://")

    # One snapshot with EXIF time and GPS on the site, one with neither (a phone with no fix).
    files = [upload("a.jpg", jpeg()), upload("b.jpg", jpeg(taken=None, gps=None))]
    r = send(client, f"{p}/site-images", gc, files, kind="snapshot", camera_id=camera["id"])
    assert r.status_code == 201, r.content
    located, unlocated = r.json()
    assert located["kind_label"] == "监控抓拍" and located["camera_name"] == "东门"
    assert located["taken_from_exif"] and located["on_site"] is True
    assert located["on_site_label"] == "用地范围内" and located["latitude"].startswith("39.727")
    assert unlocated["latitude"] is None and unlocated["on_site_label"] == "无定位"
    assert not unlocated["taken_from_exif"]
    assert LedgerEntry.objects.filter(type="smartsite.image_uploaded").count() == 2

    r = call(client, "get", f"{p}/site-images?date=2026-11-30", reg)
    assert r.status_code == 200 and r.json()["count"] == 1
    assert r.json()["items"][0]["id"] == located["id"]
    assert call(client, "get", f"{p}/site-images?kind=drone", reg).json()["count"] == 0
    page = call(client, "get", f"{p}/site-images?limit=1&offset=1", reg).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    days = call(client, "get", f"{p}/site-images/days", reg).json()
    assert {"day": "2026-11-30", "count": 1} in days

    r = call(client, "get", f"/site-images/{located['id']}", sup)
    assert r.status_code == 200 and r.json()["sm3"] == located["sm3"]
    full = client.get(URL + located["file_url"].removeprefix(URL), headers=sup)
    assert full.status_code == 200 and full["X-Content-SM3"] == located["sm3"]
    assert b"".join(full.streaming_content) == SiteImage.objects.get(pk=located["id"]).file.read()
    thumb = client.get(URL + located["thumb_url"].removeprefix(URL), headers=sup)
    assert thumb.status_code == 200 and b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"

    # The supervisor draws a danger zone (the ring closes itself) and later lifts it.
    r = call(client, "post", f"{p}/danger-zones", sup, ZONE)
    assert r.status_code == 201, r.content
    zone = r.json()
    assert zone["kind_label"] == "深基坑" and zone["status_label"] == "有效"
    ring = zone["polygon"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 4
    assert [z["id"] for z in call(client, "get", f"{p}/danger-zones", reg).json()] == [zone["id"]]
    r = call(client, "post", f"/danger-zones/{zone['id']}/remove", gc, {"reason": "基坑回填完成"})
    assert r.status_code == 200 and r.json()["status_label"] == "已解除"
    assert r.json()["removed_reason"] == "基坑回填完成"
    assert call(client, "get", f"{p}/danger-zones", reg).json() == []
    kept = call(client, "get", f"{p}/danger-zones?include_removed=true", reg).json()
    assert [z["id"] for z in kept] == [zone["id"]]
    r = call(client, "post", f"/danger-zones/{zone['id']}/remove", gc, {"reason": "再次解除"})
    assert r.status_code == 409 and r.json()["code"] == "zone_removed"

    r = call(client, "post", f"/cameras/{camera['id']}/deactivate", gc, {"reason": "设备更换"})
    assert r.status_code == 200 and r.json()["status_label"] == "已停用"
    r = call(client, "post", f"/cameras/{camera['id']}/deactivate", gc, {"reason": "设备更换"})
    assert r.status_code == 409 and r.json()["code"] == "camera_inactive"
    # A stopped camera takes no more snapshots.
    r = send(client, f"{p}/site-images", gc, [upload("c.jpg", jpeg())], kind="snapshot",
             camera_id=camera["id"])  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "bad_camera"


def test_bad_input_is_refused_with_its_code_and_changes_nothing(client, bearer, site):  # noqa: F811
    gc, sup = bearer(site["actors"]["contractor"]), bearer(site["actors"]["supervisor"])
    p = f"/projects/{site['project'].pk}"
    r = send(client, f"{p}/site-images", gc,
             [upload("good.jpg", jpeg()), upload("report.pdf", b"%PDF-1.7 not a photo")],
             kind="photo")  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "bad_images"
    assert [f["file"] for f in r.json()["details"]["files"]] == ["report.pdf"]
    assert "report.pdf" in r.json()["message"]
    r = send(client, f"{p}/site-images", gc, [upload("a.jpg", jpeg())], kind="satellite")
    assert r.status_code == 400 and r.json()["code"] == "bad_kind"
    r = send(client, f"{p}/site-images", gc, [upload("a.jpg", jpeg())], kind="snapshot")
    assert r.status_code == 400 and r.json()["code"] == "missing_camera"
    r = client.post(URL + f"{p}/site-images", {"kind": "photo"}, headers=gc)
    assert r.status_code == 400 and r.json()["code"] == "validation_error"
    assert not SiteImage.objects.exists()

    # A camera of another project is no camera of this one.
    other = create(site, name="大兴区第二小学新建工程", site_polygon=SITE)
    camera = services.camera_register(
        actor=site["actors"]["owner"], project=other, name="西门", stream_url="rtsp://10.0.0.7/"
    )
    r = send(client, f"{p}/site-images", gc, [upload("s.jpg", jpeg())], kind="snapshot",
             camera_id=camera.pk)  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "bad_camera"
    assert not SiteImage.objects.exists()

    for url, code in (("ftp://10.0.0.5/", "bad_stream_url"), ("rtsp://", "bad_stream_url")):
        r = call(client, "post", f"{p}/cameras", gc, {"name": "北门", "stream_url": url})
        assert r.status_code == 400 and r.json()["code"] == code
    r = call(client, "post", f"{p}/cameras", gc,
             {"name": "北门", "stream_url": "rtsp://10.0.0.8/", "latitude": "39.7"})  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "bad_coordinates"
    assert call(client, "post", f"{p}/cameras", gc,
                {"name": "北门", "stream_url": "rtsp://10.0.0.8/"}).status_code == 201  # fmt: skip
    r = call(client, "post", f"{p}/cameras", gc, {"name": "北门", "stream_url": "rtsp://10.0.0.9/"})
    assert r.status_code == 409 and r.json()["code"] == "duplicate_camera"
    assert Camera.objects.filter(project=site["project"]).count() == 1

    two_points = [[116.3305, 39.7265], [116.3315, 39.7265], [116.3305, 39.7265]]
    crossing = [[116.33, 39.72], [116.34, 39.73], [116.34, 39.72], [116.33, 39.73], [116.33, 39.72]]
    abroad = [[0, 0], [1, 0], [1, 1], [0, 0]]
    for ring in (two_points, crossing, abroad):
        body = {**ZONE, "polygon": {"type": "Polygon", "coordinates": [ring]}}
        r = call(client, "post", f"{p}/danger-zones", sup, body)
        assert r.status_code == 400 and r.json()["code"] == "bad_polygon", ring
    for raw in ('[[NaN, 39.72], [116.331, 39.72], [116.331, 39.721]]',
                '[[Infinity, 39.72], [116.331, 39.72], [116.331, 39.721]]'):  # fmt: skip
        body = json.dumps({**ZONE, "polygon": {"type": "Polygon", "coordinates": []}})
        body = body.replace('"coordinates": []', f'"coordinates": [{raw}]')
        r = client.post(URL + f"{p}/danger-zones", body, "application/json", headers=sup)
        assert r.status_code == 400 and r.json()["code"] == "bad_polygon", raw
    r = call(client, "post", f"{p}/danger-zones", sup, {**ZONE, "kind": "volcano"})
    assert r.status_code == 400 and r.json()["code"] == "bad_kind"
    r = call(client, "post", f"{p}/danger-zones", sup, {**ZONE, "polygon": [[116.33, 39.72]]})
    assert r.status_code == 400 and r.json()["code"] == "validation_error"
    assert not DangerZone.objects.exists()

    assert call(client, "get", "/projects/999999/cameras", gc).status_code == 404
    r = send(client, "/projects/999999/site-images", gc, [upload("a.jpg", jpeg())], kind="photo")
    assert r.status_code == 404
    assert call(client, "get", "/site-images/abc", gc).json()["code"] == "not_found"
    assert call(client, "get", f"{p}/site-images?date=30.11.2026", gc).status_code == 400
    (image,) = services.images_upload(
        actor=site["actors"]["contractor"], project=site["project"], kind="photo",
        files=[upload("gone.jpg", jpeg())],
    )  # fmt: skip
    image.thumb.storage.delete(image.thumb.name)
    r = call(client, "get", f"/site-images/{image.pk}/file?size=thumb", gc)
    assert r.status_code == 404 and r.json()["code"] == "image_file_missing"
    r = call(client, "get", "/site-images/1/file?size=huge", gc)
    assert r.status_code == 400 and r.json()["code"] == "validation_error"


def test_who_may_see_and_act(client, bearer, site):  # noqa: F811
    project, actors = site["project"], site["actors"]
    gc = actors["contractor"]
    camera = services.camera_register(
        actor=gc, project=project, name="东门", stream_url="rtsp://u:pw@10.0.0.5/"
    )
    zone = services.danger_zone_draw(
        actor=gc, project=project, name="基坑", kind="excavation", polygon=SITE
    )
    (image,) = services.images_upload(
        actor=gc, project=project, kind="photo", files=[upload("a.jpg", jpeg())]
    )
    p = f"/projects/{project.pk}"

    # Another project's supervisor: none of it exists for them.
    outsider = bearer(actors["other_supervisor"])
    for path in (f"{p}/cameras", f"{p}/site-images", f"{p}/danger-zones",
                 f"/site-images/{image.pk}", f"/site-images/{image.pk}/file"):  # fmt: skip
        assert call(client, "get", path, outsider).status_code == 404, path
    for path, body in ((f"/cameras/{camera.pk}/deactivate", {"reason": "x"}),
                       (f"/danger-zones/{zone.pk}/remove", {"reason": "x"}),
                       (f"{p}/danger-zones", ZONE)):  # fmt: skip
        r = call(client, "post", path, outsider, body)
        assert r.status_code == 404, path
    r = send(client, f"{p}/site-images", outsider, [upload("a.jpg", jpeg())], kind="photo")
    assert r.status_code == 404

    # On the project or the regulator, but without the grant: 403, nothing written.
    sup, owner = bearer(actors["supervisor"]), bearer(actors["owner"])
    reg = bearer(actors["regulator"])
    r = call(client, "post", f"{p}/cameras", sup, {"name": "北门", "stream_url": "rtsp://h/"})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert call(client, "post", f"/cameras/{camera.pk}/deactivate", reg,
                {"reason": "x"}).status_code == 403  # fmt: skip
    assert call(client, "post", f"{p}/danger-zones", owner, ZONE).status_code == 403
    assert call(client, "post", f"/danger-zones/{zone.pk}/remove", reg,
                {"reason": "x"}).status_code == 403  # fmt: skip
    assert Camera.objects.get(pk=camera.pk).is_active
    assert DangerZone.objects.filter(is_active=True).count() == 1
    # A supervisor on the project sees the camera, not its login; the owner registers cameras.
    assert call(client, "get", f"{p}/cameras", sup).json()[0]["stream_url"] == "rtsp://10.0.0.5/"
    assert call(client, "get", f"{p}/cameras", owner).json()[0]["stream_url"].endswith("10.0.0.5/")
    # The regulator photographs the site on an inspection.
    r = send(client, f"{p}/site-images", reg, [upload("r.jpg", jpeg())], kind="photo")
    assert r.status_code == 201 and SiteImage.objects.count() == 2

    # A designer on the project: sees the site, has no grant to upload to it.
    project_services.participant_add(
        actor=actors["owner"], project=project, organisation=site["orgs"]["designer"],
        role="designer",
    )  # fmt: skip
    designer = bearer(member(site["orgs"]["designer"], "des1", ["admin", "staff"]))
    assert call(client, "get", f"/site-images/{image.pk}", designer).status_code == 200
    r = send(client, f"{p}/site-images", designer, [upload("d.jpg", jpeg())], kind="photo")
    assert r.status_code == 403
    assert SiteImage.objects.count() == 2
