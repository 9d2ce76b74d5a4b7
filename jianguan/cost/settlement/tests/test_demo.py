"""The final-account demo: one contract taken to the signed settlement and its final payment,
another left accepted by its owner for the settlement audit."""

from __future__ import annotations

import pytest

from jianguan.cost.settlement import closing
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import FinalAccount
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_demo_final_accounts(demo_district):
    done = FinalAccount.objects.filter(signed_at__isnull=False).first()
    assert done is not None and done.status in (wf.SIGNED, wf.CLOSED)
    assert done.settled_amount == done.audited_amount < done.submitted_amount
    assert done.lines.filter(stage_settled=True).exists()
    assert done.lines.filter(source_kind="price_adjustment").exists()
    # the balance is what the position left, and it is paid in full
    assert done.final_balance == (
        done.settled_amount
        - done.paid_to_date
        - done.advance_recovered
        - done.retention_held
        - done.advance_outstanding
    )
    assert closing.remaining(done) == 0 and done.status == wf.CLOSED
    assert done.signatures.count() == 4
    assert LedgerEntry.objects.filter(type="cost_settlement.settlement_signed").exists()
    # the second account went on to the settlement audit (cost_audit's demo) or waits for it
    assert FinalAccount.objects.exclude(pk=done.pk).exclude(status=wf.DRAFT).exists()
