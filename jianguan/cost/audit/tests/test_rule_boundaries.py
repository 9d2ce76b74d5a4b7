"""Boundary tests of the settlement audit's rule data: the review, response and meeting
periods set the clocks exactly (day N is the due date, not N−1 or N+1), and a reduction of
exactly credit.audit_reduction_min_ratio makes the contractor's audit_reduction record while
one fen less does not. ``@pytest.mark.rule`` declares the codes covered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.compliance.models import CreditRecord
from jianguan.core.timeutil import today_local
from jianguan.cost.audit import services as svc
from jianguan.cost.audit import services_close as close
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.tests.conftest import make_account
from jianguan.rules.lookup import rule

pytestmark = pytest.mark.django_db


def _days(code: str) -> int:
    found = rule(code, on=today_local())
    assert found.unit == "day"
    return int(found.value)


def _engage(deal, account):
    return svc.audit_engage(
        actor=deal["actors"]["owner"],
        account=account,
        firm=deal["orgs"]["auditor"],
        reference="R-1",
    )


@pytest.mark.rule("settlement.audit_review_days")
def test_review_clock_is_the_rule_period(deal, account):
    audit = _engage(deal, account)
    assert audit.review_due_on == today_local() + dt.timedelta(
        days=_days("settlement.audit_review_days")
    )


@pytest.mark.rule("settlement.audit_response_days")
@pytest.mark.rule("settlement.audit_meeting_days")
def test_response_and_meeting_clocks_are_the_rule_periods(deal, account):
    a = deal["actors"]
    audit = _engage(deal, account)
    line = account.lines.get(code="BG-001")
    r = {x.stage: x for x in audit.reviews.all()}
    svc.cuts_set(actor=a["auditor"], review=r["audit"], rows=[(line.pk, "15000", "核减")])
    svc.review_submit(actor=a["finance"], review=r["finance"])
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    audit.refresh_from_db()
    today = today_local()
    assert audit.response_due_on == today + dt.timedelta(
        days=_days("settlement.audit_response_days")
    )
    close.cuts_respond(actor=a["contractor"], audit=audit, disputes={line.pk: "有依据"})
    audit.refresh_from_db()
    assert audit.meeting_due_on == today + dt.timedelta(days=_days("settlement.audit_meeting_days"))


@pytest.mark.rule("credit.audit_reduction_min_ratio")
@pytest.mark.parametrize(
    "audited,recorded", [("95000.00", True), ("95005.00", True), ("95005.01", False)]
)
def test_settlement_reduction_at_the_threshold_makes_a_credit_record(deal, audited, recorded):
    """大兴区建设市场主体信用评价办法: 审减率 ≥ 5 % is a bad record. The rate is stated to
    0.01 % (as on the progress claims): 100,000 → 95,000 is 5.00 %, → 95,005 is 4.995 % which
    states as 5.00 %, one fen more audited states as 4.99 % and is under the line."""
    assert D(str(rule("credit.audit_reduction_min_ratio", on=today_local()).value)) == D("0.05")
    a = deal["actors"]
    account = make_account(deal["contract"], [("boq", "010101001001", "100000.00", False)])
    audit = _engage(deal, account)
    r = {x.stage: x for x in audit.reviews.all()}
    line = account.lines.get()
    svc.cuts_set(actor=a["finance"], review=r["finance"], rows=[(line.pk, audited, "核减")])
    svc.review_submit(actor=a["finance"], review=r["finance"])
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    close.cuts_respond(actor=a["contractor"], audit=audit)
    audit.refresh_from_db()
    assert audit.state == wf.AGREED
    close.report_issue(actor=a["auditor"], audit=audit)
    audit.refresh_from_db()
    assert (audit.reduction_ratio >= D("0.05")) is recorded
    assert (
        CreditRecord.objects.filter(
            source_type="settlement_audit", source_id=audit.pk, kind="audit_reduction"
        ).exists()
        is recorded
    )
