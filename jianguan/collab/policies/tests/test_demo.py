"""The demo's policy library: published policies pushed to their kinds, some acknowledged by
the contractor and some not (on its to-do list), a draft not public; seeding again skips."""

from __future__ import annotations

import pytest

from jianguan.collab.policies import demo, selectors, workflow
from jianguan.collab.policies.models import Policy, PolicyReceipt

pytestmark = pytest.mark.django_db


def test_the_demo_has_policies(demo_district):
    assert selectors.public().count() >= 4
    assert Policy.objects.filter(status=workflow.DRAFT).count() == 1
    acked = PolicyReceipt.objects.filter(acknowledged_at__isnull=False)
    assert acked.exists()
    assert PolicyReceipt.objects.filter(acknowledged_at__isnull=True).exists()
    assert demo.seed() == {"skipped": True}
