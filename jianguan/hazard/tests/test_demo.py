"""The demo's hazards: a calibrated gate camera, drawn workers (no unlicensed photo ships), a
corroborated bare head, a person in the pit, a drone finding, one confirmed with its order;
every one marked as demo."""

from __future__ import annotations

import pytest

from jianguan.hazard.models import CameraCalibration, HazardCandidate, ImageAnalysis

pytestmark = pytest.mark.django_db


def test_the_demo_has_hazards_to_review(demo_district):
    assert CameraCalibration.objects.filter(is_active=True).exists()
    demo = ImageAnalysis.objects.filter(is_demo=True)
    assert demo.count() == 4 and not demo.exclude(status="done").exists()
    kinds = dict(HazardCandidate.objects.values_list("kind", "status"))
    assert kinds == {"no_helmet": "open", "in_zone": "open", "no_uniform": "confirmed"}
    bare = HazardCandidate.objects.get(kind="no_helmet", camera__isnull=False)
    assert bare.corroborated and bare.frames == 3
    assert HazardCandidate.objects.filter(camera__isnull=True, kind="no_helmet").exists()
    assert HazardCandidate.objects.get(kind="no_uniform").order is not None
    assert not HazardCandidate.objects.filter(is_demo=False).exists()
