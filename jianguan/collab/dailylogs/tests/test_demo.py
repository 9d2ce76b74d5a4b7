"""The demo's daily logs: a week of signed 施工日志 and 监理日志 on a site with attendance, the
manpower prefilled from it (来自考勤), one 监理日志 that raised a finding; seeding again skips."""

from __future__ import annotations

import pytest

from jianguan.collab.dailylogs import demo, workflow
from jianguan.collab.dailylogs.models import DailyLog

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_week_of_logs(demo_district):
    signed = DailyLog.objects.filter(status=workflow.SIGNED)
    assert signed.filter(kind=workflow.CONSTRUCTION).count() >= 3
    assert signed.filter(kind=workflow.SUPERVISION).count() >= 3
    assert all(len(log.content_sm3) == 64 for log in signed)
    prefilled = [log for log in signed.filter(kind=workflow.CONSTRUCTION) if log.manpower]
    assert prefilled and all(r["from_attendance"] for r in prefilled[0].manpower)
    assert (
        DailyLog.objects.filter(kind=workflow.SUPERVISION, finding_order_id__isnull=False).count()
        == 1
    )
    assert demo.seed() == {"skipped": True}
