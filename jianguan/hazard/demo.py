"""Demo: the gate camera of the demo contractor's site is calibrated onto the site plan, three
snapshots a few minutes apart and one drone frame show workers (drawn, not photographed: the
training photos have no licence to ship), and their detections are recorded as demo analyses
through the same rules the worker uses, so the queue has a corroborated bare head, a person in
the foundation-pit zone, a drone finding waiting for an inspector, and one confirmed hazard with
its rectification order. Every demo analysis and candidate carries ``is_demo`` and says so on
its page. Idempotent."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from shapely.geometry import shape

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.timeutil import now, to_local
from jianguan.hazard import services
from jianguan.hazard.models import HazardCandidate
from jianguan.hazard.services_analysis import analysis_record
from jianguan.smartsite.images import services as images
from jianguan.smartsite.images.models import Camera, DangerZone

W, H = 640, 400
DEMO_MODEL = "合成画面（非模型识别）"  # is_demo marks them; no "演示" in stored text (issue 16)
SKIN, HAT, VEST, SHIRT = (224, 172, 140), (250, 204, 21), (255, 120, 0), (60, 70, 110)


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _worker(
    draw: ImageDraw.ImageDraw, x: float, feet: float, size: float, *, hat: bool, vest: bool
):
    """A standing worker, feet at (x, feet): returns its head and whole-person boxes."""
    head = size * 0.16
    body = (x - size * 0.18, feet - size * 0.82, x + size * 0.18, feet - size * 0.4)
    draw.rectangle(body, fill=VEST if vest else SHIRT)
    draw.rectangle((x - size * 0.15, feet - size * 0.4, x - size * 0.03, feet), fill=(50, 50, 60))
    draw.rectangle((x + size * 0.03, feet - size * 0.4, x + size * 0.15, feet), fill=(50, 50, 60))
    hb = (x - head / 2, feet - size * 0.82 - head, x + head / 2, feet - size * 0.82)
    draw.ellipse(hb, fill=SKIN)
    if hat:
        draw.chord((hb[0] - 2, hb[1] - 3, hb[2] + 2, hb[3] - head * 0.3), 180, 360, fill=HAT)
    person = (x - size * 0.2, hb[1] - 3, x + size * 0.2, feet)
    return hb, person


def _scene(workers: list[tuple[float, float, float, bool, bool]], taken: dt.datetime, gps=None):
    """A camera-like view of the site with the workers; (jpeg bytes, detections)."""
    img = Image.new("RGB", (W, H), (170, 200, 225))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 150, W, H), fill=(170, 145, 110))
    draw.polygon([(200, 280), (440, 280), (600, 390), (40, 390)], fill=(140, 115, 85))
    draw.line((60, 150, 60, 40), fill=(240, 180, 0), width=6)
    dets = []
    for x, feet, size, hat, vest in workers:
        head, person = _worker(draw, x, feet, size, hat=hat, vest=vest)
        dets.append(("helmet" if hat else "no_helmet", 0.91 if hat else 0.83, head))
        dets.append(("wear" if vest else "no_wear", 0.88 if vest else 0.79, person))
    exif = Image.Exif()
    exif[306] = to_local(taken).strftime("%Y:%m:%d %H:%M:%S")
    if gps:
        lat, lon = gps
        exif[0x8825] = {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue(), dets


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return float(d), float(m), round((value - d - m / 60) * 3600, 2)


def seed() -> dict[str, object]:
    contractor = _actor("contractor")
    camera = Camera.objects.filter(name="东门出入口").select_related("project").first()
    if contractor is None or camera is None or HazardCandidate.objects.exists():
        return {"skipped": True}
    project = camera.project
    zone = DangerZone.objects.filter(project=project, is_active=True).order_by("pk").first()
    if zone is None:
        return {"skipped": "no zone"}
    (x1, y1), (x2, _), (_, y2) = zone.polygon["coordinates"][0][:3]
    # The pit (the darker trapezoid of the pictures) is the zone: its far edge at the top.
    services.calibration_set(
        actor=contractor,
        camera=camera,
        points=[[200, 280, x1, y2], [440, 280, x2, y2], [600, 390, x2, y1], [40, 390, x1, y1]],
        width=W,
        height=H,
    )
    moment = now().replace(second=0, microsecond=0)
    recorded = []
    for k, minutes in enumerate((14, 10, 6)):
        taken = moment - dt.timedelta(minutes=minutes)
        data, dets = _scene(
            [
                (110 + 4 * k, 260, 110, True, True),  # on the road, hat and vest
                (330 - 6 * k, 340, 120, False, True),  # in the pit, bare head
                (560, 250, 100, True, k == 0),  # hat; vest off after the first frame
            ],
            taken,
        )
        (image,) = images.images_upload(
            actor=contractor,
            project=project,
            files=[SimpleUploadedFile(f"cam-gate-{k + 1}.jpg", data, "image/jpeg")],
            kind="snapshot",
            camera=camera,
        )
        recorded.append(analysis_record(image=image, detections=dets, model_version=DEMO_MODEL))
    site = shape(project.site_polygon)
    data, dets = _scene(
        [(250, 330, 60, True, True), (300, 335, 60, True, True), (420, 300, 55, False, True)],
        moment - dt.timedelta(hours=2),
        gps=(site.centroid.y, site.centroid.x),
    )
    (drone,) = images.images_upload(
        actor=contractor,
        project=project,
        files=[SimpleUploadedFile("DJI_0412.JPG", data, "image/jpeg")],
        kind="drone",
        note="午间无人机巡查",
    )
    recorded.append(analysis_record(image=drone, detections=dets, model_version=DEMO_MODEL))
    confirmed = None
    regulator = _actor("regulator")
    vest = HazardCandidate.objects.filter(project=project, kind="no_uniform").first()
    if regulator is not None and vest is not None:
        confirmed = services.candidate_confirm(
            actor=regulator, candidate=vest, note="现场安全员已到场，要求立即整改"
        ).order.number
    return {
        "project": project.code,
        "analyses": len(recorded),
        "candidates": HazardCandidate.objects.filter(project=project).count(),
        "confirmed": confirmed,
    }
