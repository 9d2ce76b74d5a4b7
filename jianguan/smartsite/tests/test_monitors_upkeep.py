"""The raw frames' purge runs from the chronograph, and a device's ledger entries are read by
whoever sees its project."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jianguan.core import periodic
from jianguan.ledger import visibility
from jianguan.smartsite.monitors.models import RawFrame
from jianguan.smartsite.tests.monitors_helpers import build_monitors


@pytest.fixture
def site(db):
    return build_monitors()


def test_the_purge_is_a_periodic_job_and_keeps_what_is_young(site):
    job = next(j for j in periodic.jobs() if j.name == "smartsite.raw_records_purge")
    old = timezone.now() - dt.timedelta(days=366 * 6)
    RawFrame.objects.create(device=site["d1"], received_at=old, source="http", text="{}")
    RawFrame.objects.create(device=site["d1"], received_at=timezone.now(), source="http", text="{}")
    assert job.run() == 1
    assert RawFrame.objects.count() == 1


def test_device_entries_follow_the_project(site, make_persona):
    stranger = make_persona("stranger_dev", "owner", ("staff",))
    assert not visibility.ordinary_rule_allows(stranger, "smartsite", "device", str(site["d1"].pk))
    regulator = make_persona("reg_dev_v", "regulator", ("staff",))
    assert visibility.ordinary_rule_allows(regulator, "smartsite", "device", str(site["d1"].pk))
