"""Demo: the demo contractor's site gets two cameras, a danger zone round the foundation pit
and a dozen photos over the last three days (drone frames with GPS over the site, camera
snapshots), all through the services. Idempotent."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from shapely.geometry import shape

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.timeutil import now, to_local
from jianguan.projects.models import Participant
from jianguan.smartsite.images import services
from jianguan.smartsite.images.models import Camera


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return float(d), float(m), round((value - d - m / 60) * 3600, 2)


def _frame(i: int, taken: dt.datetime, lon: float | None, lat: float | None) -> bytes:
    """A small picture of a site (sky, ground, a crane) with EXIF time and GPS."""
    rnd = random.Random(i)
    img = Image.new("RGB", (640, 400), (150 + rnd.randint(0, 40), 190, 225))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 260, 640, 400), fill=(165, 140, 105))
    x = 120 + rnd.randint(0, 360)
    draw.line((x, 260, x, 60), fill=(240, 180, 0), width=8)
    draw.line((x - 80, 70, x + 160, 70), fill=(240, 180, 0), width=6)
    for k in range(3):
        left = 40 + k * 200 + rnd.randint(0, 40)
        draw.rectangle((left, 200 - k * 20, left + 120, 260), fill=(190, 190, 185))
    exif = Image.Exif()
    exif[306] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if lon is not None and lat is not None:
        exif[0x8825] = {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70, exif=exif)
    return out.getvalue()


def seed() -> dict[str, object]:
    contractor = _actor("contractor")
    if contractor is None or Camera.objects.exists():
        return {"skipped": True}
    part = (
        Participant.objects.filter(
            organisation_id=contractor.organisation_id,
            role="general_contractor",
            is_active=True,
            project__site_polygon__isnull=False,
        )
        .select_related("project")
        .order_by("project__code")
        .first()
    )
    if part is None:
        return {"skipped": "no site"}
    project = part.project
    site = shape(project.site_polygon)
    cx, cy = site.centroid.x, site.centroid.y
    minx, miny, maxx, maxy = site.bounds
    w, h = (maxx - minx) / 4, (maxy - miny) / 4
    gate = services.camera_register(
        actor=contractor,
        project=project,
        name="东门出入口",
        location="东侧大门，朝向车辆冲洗台",
        stream_url="rtsp://10.20.1.11:554/Streaming/Channels/101",
        vendor="海康威视",
        latitude=round(cy, 6),
        longitude=round(maxx - w / 4, 6),
    )
    services.camera_register(
        actor=contractor,
        project=project,
        name="塔吊 1# 吊钩可视化",
        location="1# 塔吊大臂",
        stream_url="rtsp://10.20.1.12:554/Streaming/Channels/101",
        vendor="大华",
        latitude=round(cy + h / 2, 6),
        longitude=round(cx, 6),
    )
    ring = [
        [cx - w, cy - h],
        [cx + w, cy - h],
        [cx + w, cy + h],
        [cx - w, cy + h],
        [cx - w, cy - h],
    ]
    services.danger_zone_draw(
        actor=contractor,
        project=project,
        name="基坑临边（-12.5 m）",
        kind="excavation",
        polygon={"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]},
    )
    today = to_local(now()).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    drone, snaps = [], []
    for day in (2, 1, 0):
        base = today - dt.timedelta(days=day)
        for k in range(3):
            taken = base.replace(hour=9) + dt.timedelta(minutes=40 * k + day)
            if taken > today:
                taken = today - dt.timedelta(minutes=30 - k)
            lon = minx + (maxx - minx) * (0.2 + 0.3 * k)
            lat = miny + (maxy - miny) * (0.3 + 0.2 * day)
            data = _frame(day * 10 + k, taken, lon, lat)
            drone.append(SimpleUploadedFile(f"DJI_{day}{k:03d}.JPG", data, "image/jpeg"))
        taken = base.replace(hour=8, minute=5) if day else today - dt.timedelta(minutes=45)
        data = _frame(100 + day, taken, None, None)
        snaps.append(SimpleUploadedFile(f"snapshot-{day}.jpg", data, "image/jpeg"))
    images = services.images_upload(
        actor=contractor, project=project, files=drone, kind="drone", note="周例会前航拍巡查"
    )
    images += services.images_upload(
        actor=contractor, project=project, files=snaps, kind="snapshot", camera=gate
    )
    return {"project": project.code, "cameras": 2, "zones": 1, "images": len(images)}
