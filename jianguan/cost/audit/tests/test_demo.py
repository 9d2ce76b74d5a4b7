"""The demo seeder on a final account the owner has accepted: the whole audit through the
services in a believable past (every step before today, in order), idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.timeutil import now
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.models import SettlementAudit
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_seed_runs_the_whole_audit_in_the_past(deal):
    from jianguan.cost.audit.demo import seed
    from jianguan.cost.audit.tests.conftest import LINES, make_account

    account = make_account(deal["contract"], LINES)
    account.owner_reviewed_at = now() - dt.timedelta(days=80)
    account.save(update_fields=["owner_reviewed_at"])
    out = seed()
    assert out == {"settlement_audits": {account.number: "reported"}}
    audit = SettlementAudit.objects.get()
    assert audit.state == wf.REPORTED and audit.audited_amount < audit.submitted_amount
    assert audit.meetings.count() == 1
    assert account.owner_reviewed_at < audit.appointed_at < audit.reported_at < now()
    assert LedgerEntry.objects.filter(object_app="cost_audit").count() == 7
    assert seed() == {"skipped": "already seeded"}  # seeded before: idempotent


def test_seed_on_an_account_accepted_today_runs_every_step_today_in_order(deal):
    from jianguan.cost.audit.demo import seed
    from jianguan.cost.audit.tests.conftest import LINES, make_account

    account = make_account(deal["contract"], LINES)
    account.owner_reviewed_at = now()
    account.save(update_fields=["owner_reviewed_at"])
    assert seed() == {"settlement_audits": {account.number: "reported"}}
    audit = SettlementAudit.objects.get()
    assert account.owner_reviewed_at <= audit.appointed_at <= audit.reported_at <= now()
