"""Boundary tests of the complaint clocks: the 10-day filing window (calendar days), the
3-working-day acceptance and the 30-working-day decision, objection first.

``@pytest.mark.rule`` declares the codes covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import SHANGHAI, today_local
from jianguan.rules import workdays
from jianguan.rules.lookup import rule
from jianguan.tendering import services
from jianguan.tendering.tests.test_services import _publish, _tender

DAY = dt.timedelta(days=1)
# the services count provisionally (Monday to Friday) in a year whose holidays are not yet
# published; the test counts the same way (no calendar overrides in the test database)
is_workday = workdays.make_is_workday({}, strict=False)


def _working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return sum(is_workday(start + k * DAY) for k in range(1, (end - start).days + 1))


@pytest.mark.rule("complaint.file_within", "complaint.accept_within", "complaint.decide_within")
def test_complaint_window_and_working_day_clocks(market, monkeypatch):
    """招标投标法实施条例第六十条: a complaint within 10 days of knowing (calendar days);
    第六十一条: accepted or refused within 3 working days, decided within 30 working days.
    Filed and accepted on a Friday, so that working days and calendar days differ."""
    from jianguan.tendering.services import complaints

    friday = today_local() - dt.timedelta(days=(today_local().weekday() - 4) % 7)
    at = dt.datetime.combine(friday, dt.time(10, 0), tzinfo=SHANGHAI)
    monkeypatch.setattr(complaints, "now", lambda: at)
    today = friday
    window = rule("complaint.file_within", on=today)
    n = int(window.value)
    assert n == 10 and "第六十条" in window.reference, "条例 60: 10 日"
    reg, bidder = market["actors"]["regulator"], market["bidders"][0]
    tender = _publish(market, _tender(market))
    args = dict(actor=bidder, tender=tender, subject="other", text="招标人限制潜在投标人")
    with pytest.raises(ValidationFailed) as exc:
        services.complaint_file(**args, known_on=today - (n + 1) * DAY)
    assert exc.value.code == "complaint_window_passed"
    assert exc.value.details["article"] == window.reference, "条例 60"
    made = [services.complaint_file(**args, known_on=today - d * DAY) for d in (n, n - 1)]
    accept = int(rule("complaint.accept_within", on=today).value)
    assert accept == 3, "条例 61: 3 个工作日"
    for complaint in made:
        assert is_workday(complaint.accept_due), "条例 61: 工作日"
        assert _working_days_between(today, complaint.accept_due) == accept, "条例 61: 3 个工作日"
    decide = int(rule("complaint.decide_within", on=today).value)
    assert decide == 30, "条例 61: 30 个工作日"
    complaint = services.complaint_accept(actor=reg, complaint=made[0])
    assert is_workday(complaint.decide_due)
    assert _working_days_between(today, complaint.decide_due) == decide, "条例 61: 30 个工作日"


@pytest.mark.rule("complaint.objection_first_required")
def test_a_complaint_about_the_documents_needs_an_objection_first(market):
    """招标投标法实施条例第六十条: a complaint about the tender documents (or the result) comes
    after an objection to the tenderer."""
    today = today_local()
    owner, bidder = market["owner"], market["bidders"][0]
    tender = _publish(market, _tender(market))
    args = dict(actor=bidder, tender=tender, subject="documents", text="x", known_on=today)
    with pytest.raises(ValidationFailed) as exc:
        services.complaint_file(**args)
    assert exc.value.code == "objection_first" and "第六十条" in exc.value.details["article"]
    objection = services.objection_file(actor=bidder, tender=tender, text="资格条件排斥")
    services.objection_answer(actor=owner, objection=objection, answer="符合规定")
    assert services.complaint_file(**args).objection_id == objection.pk
