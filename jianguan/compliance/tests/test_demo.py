"""The compliance demo: orders passed and failed, two failures in a row, a stop-work order."""

from __future__ import annotations

import pytest

from jianguan.accounts.models import User
from jianguan.compliance import selectors
from jianguan.compliance.models import Inspection, RectificationOrder, RiskAssessment

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_loop_once(demo_district):
    assert Inspection.objects.count() >= 3
    statuses = set(RectificationOrder.objects.values_list("status", flat=True))
    assert {"passed", "failed"} <= statuses
    contractor = User.objects.get(username="contractor").memberships.first().organisation
    assert selectors.consecutive_failures(contractor) == 2
    stopped = RectificationOrder.objects.filter(stop_work=True).select_related("project").first()
    assert stopped is not None and stopped.project.warning_level == 4
    levels = dict(RiskAssessment.objects.values_list("project__stage", "level"))
    assert levels.get("construction") == "serious"
    assert RiskAssessment.objects.filter(level__in=("major", "serious")).count() >= 1


def test_demo_sanctions_two_yellow_one_red_one_blacklisted(demo_district):
    from jianguan.compliance.models import Sanction

    active = Sanction.objects.filter(status="active")
    red_orgs = set(active.filter(kind="red").values_list("organisation", flat=True))
    yellow_orgs = set(active.filter(kind="yellow").values_list("organisation", flat=True))
    assert len(red_orgs) == 1 and len(yellow_orgs - red_orgs) == 2
    assert active.filter(kind="blacklist").values("organisation").distinct().count() == 1
    contractor = User.objects.get(username="contractor").memberships.first().organisation
    assert active.filter(kind="yellow", organisation=contractor, automatic=True).exists()


def test_demo_credit_histories_over_a_year(demo_district):
    import datetime as dt

    from jianguan.compliance import selectors_credit as sel
    from jianguan.compliance.models import CreditPublication, CreditRecord, CreditScore
    from jianguan.core.timeutil import today_local

    today = today_local()
    assert CreditPublication.objects.count() == 365
    assert CreditPublication.objects.order_by("on").first().on == today - dt.timedelta(days=364)
    contractor = User.objects.get(username="contractor").memberships.first().organisation
    series = sel.history(
        sel.Subject(organisation=contractor), today - dt.timedelta(days=364), today
    )
    assert len(series) == 365 and len({s for _, s in series}) > 10  # it moves over the year
    scores = CreditScore.objects.filter(on=today, organisation__isnull=False)
    assert scores.values("score").distinct().count() > 5
    assert CreditScore.objects.filter(on=today, person__isnull=False).exists()
    assert CreditRecord.objects.filter(person__isnull=False).exists()
    # every published score of the demo is reproduced exactly from its records
    for s in scores.select_related("organisation")[:10]:
        assert sel.explain(sel.Subject(organisation=s.organisation), today).verified is True
