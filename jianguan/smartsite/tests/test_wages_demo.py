"""The demo's wages: last month's payroll on the contractor's first site, through every step,
each worker's signature (one disputing, unpaid) and a worker paid in part; the regulator and the contractor can read it."""

from __future__ import annotations

import pytest

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.timeutil import today_local
from jianguan.smartsite.wages import selectors, workflow
from jianguan.smartsite.wages.models import Payroll, WageAccount
from jianguan.smartsite.workers.selectors import scope_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_month_of_payroll(demo_district):
    payroll = Payroll.objects.select_related("project").get()
    assert WageAccount.objects.filter(project=payroll.project).exists()
    assert payroll.month == workflow.add_months(workflow.first_of_month(today_local()), -1)
    assert payroll.status == workflow.PARTLY_PAID and 0 < payroll.paid < payroll.total
    lines = list(payroll.lines.all())
    assert len(lines) >= 10 and all(line.days >= 15 for line in lines)
    # each worker signed its own line (one through the paper sheet), one disputes its days
    signs = [line.sign_status for line in lines]
    assert signs.count(workflow.LINE_DISPUTED) == 1
    assert signs.count(workflow.LINE_SIGNED) == len(lines) - 1
    assert {line.sign_method for line in lines if line.signed_on} == {"signature", "fingerprint"}
    assert sum(1 for line in lines if line.owed > 0) == 2
    for username in ("regulator", "contractor", "labour"):
        actor = actor_for(User.objects.get(username=username))
        scope = scope_for(actor=actor, project=payroll.project)
        assert selectors.payroll(scope, payroll.pk) == payroll
        assert selectors.notice_board(scope, on=today_local())["labour_officer_name"]
