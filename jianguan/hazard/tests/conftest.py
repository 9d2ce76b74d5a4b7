"""Fixtures of the hazard tests: a site with its parties, a camera and a danger zone, and a
fake detector put where the worker loads the model (the real one is tested by the detector's
own tests)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.hazard import services_analysis
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, world  # noqa: F401
from jianguan.smartsite.images import services as images
from jianguan.smartsite.tests.test_images import jpeg as site_jpeg

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
# A pit in the south-west quarter of the site.
PIT = {
    "type": "Polygon",
    "coordinates": [
        [
            [116.3305, 39.7263],
            [116.3315, 39.7263],
            [116.3315, 39.7270],
            [116.3305, 39.7270],
            [116.3305, 39.7263],
        ]
    ],
}
# The camera looks north over the site: image bottom = the south edge, top = the north edge.
CALIBRATION = [
    [0, 400, 116.330, 39.726],
    [640, 400, 116.333, 39.726],
    [640, 0, 116.333, 39.728],
    [0, 0, 116.330, 39.728],
]


@dataclass(frozen=True)
class Det:
    cls: str
    score: float
    box: tuple[float, float, float, float]


class FakeDetector:
    version = "fake-1.0"
    sha256 = "ab" * 32

    def __init__(self) -> None:
        self.next: list[list[Det]] = []
        self.calls = 0

    def detect(self, image, *, floor=0.05, tile=True):
        self.calls += 1
        assert image.mode == "RGB"
        return [d for d in (self.next.pop(0) if self.next else []) if d.score >= floor]


@pytest.fixture
def detector(monkeypatch):
    fake = FakeDetector()
    monkeypatch.setattr(services_analysis, "_load_detector", lambda: fake)
    return fake


def jpeg(taken: str = "2026:11:30 09:15:00", size=(640, 400), gps=None) -> bytes:
    """The smart site's test photo, at a size a detector box fits in and without GPS unless
    asked (a fixed camera's snapshot)."""
    return site_jpeg(taken, gps=gps, size=size)


@pytest.fixture
def site(world):  # noqa: F811
    project = create(world, site_polygon=SITE)
    owner = world["actors"]["owner"]
    for role in ("general_contractor", "supervisor"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    gc = world["actors"]["contractor"]
    camera = images.camera_register(
        actor=gc, project=project, name="东门", stream_url="rtsp://10.0.0.5/1"
    )
    zone = images.danger_zone_draw(
        actor=gc, project=project, name="一号基坑", kind="excavation", polygon=PIT
    )
    return {"project": project, "camera": camera, "zone": zone, **world}


@pytest.fixture
def shoot(site, django_capture_on_commit_callbacks):
    """`shoot(minute, kind="snapshot", ...)` uploads one picture as the contractor, runs the
    upload's after-commit hook (which requests the analysis) and returns the image."""

    def make(minute: int = 15, *, kind: str = "snapshot", camera="default", gps=None, data=None):
        camera = site["camera"] if camera == "default" else camera
        data = data or jpeg(f"2026:11:30 09:{minute:02d}:00", gps=gps)
        with django_capture_on_commit_callbacks(execute=True):
            (image,) = images.images_upload(
                actor=site["actors"]["contractor"],
                project=site["project"],
                files=[SimpleUploadedFile(f"s{minute}.jpg", data, "image/jpeg")],
                kind=kind,
                camera=camera if kind == "snapshot" else None,
            )
        return image

    return make


def run_pending(image):
    """What the worker does with the image's waiting analysis."""
    from jianguan.hazard import tasks, workflow

    analysis = image.analyses.get(status=workflow.PENDING)
    result = tasks.analyse.call(analysis.pk)
    analysis.refresh_from_db()
    return analysis, result
