"""An overpayment: the settled amount is below what was paid, the contractor returns the
difference within the period in rule data, tracked (to-do, warning) until it is returned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.contracts.models import BoqItem
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.cost.settlement import closing, services, setup
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.tests.factories import add_boq, final_account_for
from jianguan.cost.settlement.tests.test_journey import pay_progress

pytestmark = pytest.mark.django_db


@pytest.mark.rule("settlement.overpayment_return_days")
def test_overpayment_returned_within_the_period(deal):
    contract, a = deal["contract"], deal["actors"]
    BoqItem.objects.filter(contract=contract).delete()
    add_boq(contract, [("010101001001", "土方开挖", "m3", "1000", "100.00")])
    pay_progress(contract, today_local() - dt.timedelta(days=90))
    account = final_account_for(contract, contractor=a["contractor"], owner=a["owner"])
    assert account.submitted_amount == D("100000.00")
    services.final_account_audit_start(actor=a["auditor"], account=account)
    services.final_account_audit_finish(
        actor=a["auditor"], account=account, settled={}, report_reference="京审〔2026〕1号"
    )
    services.final_account_confirm(actor=a["owner"], account=account)
    for who in ("owner", "contractor", "supervisor", "auditor"):
        account = closing.final_account_sign(actor=a[who], account=account)
    # 100,000 − 246,000 − 9,000 − 15,000
    assert account.final_balance == D("-170000.00")
    assert account.refund_due_on == today_local() + dt.timedelta(days=30)
    kinds = {t.kind for t in todo_for(a["contractor"], today_local())}
    assert "cost_settlement.refund" in kinds

    # on the last day it is not overdue; the day after, the project shows it
    facts = setup.batch_facts([account.project], today=account.refund_due_on)
    assert facts[account.project_id]["settlement_refund_overdue"] == []
    late = account.refund_due_on + dt.timedelta(days=1)
    facts = setup.batch_facts([account.project], today=late)
    assert facts[account.project_id]["settlement_refund_overdue"] == [
        {"number": account.number, "due_on": account.refund_due_on}
    ]

    with pytest.raises(ValidationFailed) as exc:
        closing.settlement_payment_record(actor=a["owner"], account=account, amount="170000.01")
    assert exc.value.code == "amount_above_remaining"
    closing.settlement_payment_record(actor=a["owner"], account=account, amount="100000")
    account.refresh_from_db()
    assert account.status == wf.SIGNED and closing.remaining(account) == D("70000.00")
    assert account.payments.get().direction == wf.REFUND
    closing.settlement_payment_record(actor=a["owner"], account=account, amount="70000")
    account.refresh_from_db()
    assert account.status == wf.CLOSED
    facts = setup.batch_facts([account.project], today=late)
    assert facts[account.project_id]["settlement_refund_overdue"] == []
