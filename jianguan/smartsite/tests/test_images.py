"""Site images, cameras and danger zones (issue 17 part 6): the journey through the page, the
bad input people send, and who may see and do what."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, world  # noqa: F401
from jianguan.smartsite import photo
from jianguan.smartsite.images import services, workflow
from jianguan.smartsite.images.models import Camera, DangerZone, SiteImage

LON, LAT = 116.3312, 39.7268
SITE = {
    "type": "Polygon",
    "coordinates": [
        [
            [116.330, 39.726],
            [116.333, 39.726],
            [116.333, 39.728],
            [116.330, 39.728],
            [116.330, 39.726],
        ]
    ],
}


def jpeg(
    taken: str | None = "2026:11:30 09:15:00", gps=(39.7270, 116.3315), size=(80, 60)
) -> bytes:
    img = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    if taken:
        exif[306] = taken
    if gps:
        lat, lon = gps

        def dms(v):
            d = int(v)
            m = int((v - d) * 60)
            return (float(d), float(m), round((v - d - m / 60) * 3600, 3))

        exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def leaf(entry) -> dict:
    return json.loads(bytes(entry.leaf_input))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def site(world):  # noqa: F811
    project = create(world, site_polygon=SITE)
    owner = world["actors"]["owner"]
    for role in ("general_contractor", "supervisor"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    return {"project": project, **world}


def test_photo_reads_time_and_gps_and_refuses_garbage():
    meta = photo.read(jpeg())
    assert meta.format == "jpeg" and (meta.width, meta.height) == (80, 60)
    assert meta.taken_at == dt.datetime(2026, 11, 30, 9, 15)
    assert (
        abs(float(meta.latitude) - 39.7270) < 1e-5 and abs(float(meta.longitude) - 116.3315) < 1e-5
    )
    assert photo.read(jpeg(taken=None, gps=None)).latitude is None
    assert photo.read(jpeg(gps=(0.0, 0.0))).latitude is None  # no fix
    for bad in (b"not a photo", jpeg()[:300], b"%PDF-1.7 ..."):
        with pytest.raises(photo.PhotoError) as exc:
            photo.read(bad)
            photo.thumbnail(bad)
        assert exc.value.code in ("bad_image", "bad_file_type")


def test_upload_places_drone_frames_on_the_site_and_ledgers_each(site):
    gc = site["actors"]["contractor"]
    images = services.images_upload(
        actor=gc,
        project=site["project"],
        kind="drone",
        files=[upload("a.jpg", jpeg()), upload("b.jpg", jpeg(gps=(39.7400, 116.3400)))],
        note="航拍巡查",
    )
    assert [i.on_site for i in images] == [True, False]
    assert images[0].taken_from_exif and images[0].taken_at.astimezone(
        dt.UTC
    ).isoformat().startswith("2026-11-30T01:15")
    entries = LedgerEntry.objects.filter(type="smartsite.image_uploaded")
    assert entries.count() == 2
    assert {f["sm3"] for e in entries for f in leaf(e)["files"]} == {i.sm3 for i in images}


def test_one_bad_file_refuses_the_batch_and_names_it(site):
    gc = site["actors"]["contractor"]
    with pytest.raises(ValidationFailed) as exc:
        services.images_upload(
            actor=gc,
            project=site["project"],
            kind="photo",
            files=[upload("good.jpg", jpeg()), upload("broken.jpg", b"\xff\xd8\xff garbage")],
        )
    assert exc.value.code == "bad_images"
    assert [f["file"] for f in exc.value.details["files"]] == ["broken.jpg"]
    assert (
        SiteImage.objects.count() == 0
        and not LedgerEntry.objects.filter(type__startswith="smartsite.").exists()
    )


def test_future_camera_clock_falls_back_to_upload_time(site):
    (image,) = services.images_upload(
        actor=site["actors"]["contractor"],
        project=site["project"],
        kind="photo",
        files=[upload("x.jpg", jpeg(taken="2099:01:01 00:00:00"))],
    )
    assert not image.taken_from_exif and image.taken_at.year < 2099


def test_snapshot_needs_a_camera_of_the_project(site):
    gc = site["actors"]["contractor"]
    with pytest.raises(ValidationFailed) as exc:
        services.images_upload(
            actor=gc, project=site["project"], kind="snapshot", files=[upload("s.jpg", jpeg())]
        )
    assert exc.value.code == "missing_camera"


def test_camera_register_checks_the_stream_and_the_name(site):
    gc = site["actors"]["contractor"]
    for url in ("ftp://x/y", "javascript:alert(1)", "rtsp://", ""):
        with pytest.raises(ValidationFailed):
            services.camera_register(actor=gc, project=site["project"], name="东门", stream_url=url)
    cam = services.camera_register(
        actor=gc, project=site["project"], name="东门", stream_url="rtsp://admin:pw@10.0.0.5/ch1"
    )
    entry = LedgerEntry.objects.get(type="smartsite.camera_registered")
    assert (
        "pw" not in bytes(entry.leaf_input).decode()
        and leaf(entry)["payload"]["host"] == "10.0.0.5"
    )
    with pytest.raises(Exception) as dup:
        services.camera_register(
            actor=gc, project=site["project"], name="东门", stream_url="rtsp://10.0.0.6/"
        )
    assert getattr(dup.value, "code", "") == "duplicate_camera"
    assert Camera.objects.filter(pk=cam.pk).exists()


def test_zone_polygon_is_checked(site):
    sup = site["actors"]["supervisor"]
    bad = [
        None,
        {"type": "Point", "coordinates": [LON, LAT]},
        {"type": "Polygon", "coordinates": [[[LON, LAT], [LON, LAT], [LON, LAT], [LON, LAT]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},  # not in China
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [116.33, 39.72],
                    [116.34, 39.73],
                    [116.34, 39.72],
                    [116.33, 39.73],
                    [116.33, 39.72],
                ]
            ],
        },
    ]
    for polygon in bad:
        with pytest.raises(ValidationFailed) as exc:
            services.danger_zone_draw(
                actor=sup, project=site["project"], name="基坑", kind="excavation", polygon=polygon
            )
        assert exc.value.code == "bad_polygon"
    zone = services.danger_zone_draw(
        actor=sup, project=site["project"], name="基坑", kind="excavation", polygon=SITE
    )
    services.danger_zone_remove(actor=sup, zone=zone, reason="回填完成")
    assert not DangerZone.objects.get(pk=zone.pk).is_active


def test_outsiders_may_not_act_on_the_site(site):
    project = site["project"]
    other = site["actors"]["other_supervisor"]  # a supervisor, not on this project
    with pytest.raises(PermissionDenied):
        services.danger_zone_draw(
            actor=other, project=project, name="x", kind="other", polygon=SITE
        )
    # On the project, but cameras are the contractor's and the owner's to register.
    with pytest.raises(PermissionDenied):
        services.camera_register(
            actor=site["actors"]["supervisor"], project=project, name="x", stream_url="rtsp://h/"
        )
    assert not DangerZone.objects.exists() and not Camera.objects.exists()


def test_page_journey_and_what_others_see(site, client, persona_password):
    project = site["project"]
    gc = site["actors"]["contractor"]
    client.force_login(gc.user)
    page = client.get(f"/projects/{project.pk}/")
    assert f"/smartsite/projects/{project.pk}/site/" in page.content.decode()
    url = f"/smartsite/projects/{project.pk}/site/"
    r = client.post(
        url + "cameras/", {"name": "东门", "stream_url": "rtsp://10.0.0.5/ch1", "location": "东门"}
    )
    assert r.status_code == 302
    r = client.post(
        url + "upload/",
        {"kind": "drone", "files": [upload("a.jpg", jpeg()), upload("b.jpg", jpeg())]},
    )
    assert r.status_code == 302 and "date=2026-11-30" in r["Location"]
    html = client.get(r["Location"]).content.decode()
    assert "无人机航拍" in html and "用地范围内" in html and "东门" in html
    image = SiteImage.objects.first()
    thumb = client.get(f"/smartsite/images/{image.pk}/thumb/")
    assert thumb.status_code == 200 and b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"
    bad = client.post(url + "upload/", {"kind": "drone", "files": [upload("bad.jpg", b"nope")]})
    assert bad.status_code == 400 and "bad.jpg" in bad.content.decode()
    r = client.post(url + "zones/", {"name": "基坑", "kind": "excavation", "polygon": "[1,2"})
    assert r.status_code == 400 and "至少三个" in r.content.decode()
    # Another project's supervisor: neither the page nor the image.
    client.force_login(site["actors"]["other_supervisor"].user)
    assert client.get(url).status_code == 404
    assert client.get(f"/smartsite/images/{image.pk}/full/").status_code == 404
    # The regulator sees the page but not the contractor's forms for cameras.
    client.force_login(site["actors"]["regulator"].user)
    html = client.get(url).content.decode()
    assert (
        client.get(url).status_code == 200
        and 'id="camera-form"' not in html
        and 'id="upload-form"' in html
    )


def test_stream_login_only_for_those_who_manage_cameras(site, client):
    project = site["project"]
    services.camera_register(
        actor=site["actors"]["contractor"],
        project=project,
        name="东门",
        stream_url="rtsp://admin:pw@10.0.0.5:554/ch1",
    )
    url = f"/smartsite/projects/{project.pk}/site/"
    client.force_login(site["actors"]["contractor"].user)
    assert "rtsp://admin:pw@10.0.0.5:554/ch1" in client.get(url).content.decode()
    # The regulator supervises remotely through the vendor's player, with its own login.
    client.force_login(site["actors"]["regulator"].user)
    html = client.get(url).content.decode()
    assert "rtsp://10.0.0.5:554/ch1" in html and "admin:pw" not in html


def test_stream_without_login_keeps_the_rest_of_the_address():
    strip = workflow.stream_without_login
    assert strip("rtsp://admin:pw@10.0.0.5:554/ch1?sub=1") == "rtsp://10.0.0.5:554/ch1?sub=1"
    assert strip("rtsp://user@cam.example.cn/live") == "rtsp://cam.example.cn/live"
    assert strip("rtsp://a:b@[fd00::5]:554/x") == "rtsp://[fd00::5]:554/x"
    assert strip("https://cam.example.cn/live") == "https://cam.example.cn/live"
