"""The demo's workers: two sites of the demo contractor, a week of attendance, open alerts."""

from __future__ import annotations

import pytest

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.timeutil import today_local
from jianguan.smartsite.workers import selectors
from jianguan.smartsite.workers.models import AttendanceDay, EntryAlert, Placement, Worker

pytestmark = pytest.mark.django_db


def test_the_demo_has_workers_attendance_and_alerts(demo_district):
    assert Worker.objects.count() >= 30
    assert Placement.objects.filter(status="active").count() >= 30
    days = AttendanceDay.objects.values_list("day", flat=True).distinct()
    assert len(set(days)) >= 6
    assert EntryAlert.objects.filter(status="open").count() >= 2
    regulator = actor_for(User.objects.get(username="regulator"))
    contractor = actor_for(User.objects.get(username="contractor"))
    project = Placement.objects.first().project
    for actor in (regulator, contractor):
        scope = selectors.scope_for(actor=actor, project=project)
        assert selectors.roster(scope, on=today_local())
        assert selectors.may_see_identity(scope, actor, Worker.objects.first())
