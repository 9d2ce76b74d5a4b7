"""The demo: an advance paid, then claims with and without recovery, each paid at its net."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jianguan.contracts.claims import deductions
from jianguan.contracts.models import PaymentClaim
from jianguan.cost.payments.models import AdvancePayment, AdvanceRecovery
from jianguan.cost.payments.position import contract_position

pytestmark = pytest.mark.django_db


def test_demo_advance_and_recovery(demo_district):
    advance = AdvancePayment.objects.select_related("contract").get(status="paid")
    c = advance.contract
    assert advance.amount == (c.price * D("0.10")).quantize(D("0.01"))
    claims = list(PaymentClaim.objects.filter(contract=c).order_by("sequence"))
    assert [k.status for k in claims] == ["paid", "paid"]
    # the first period stays below the 20 % start point; the second crosses it
    assert not AdvanceRecovery.objects.filter(claim=claims[0]).exists()
    r = AdvanceRecovery.objects.get(claim=claims[1])
    start = (c.price * D("0.2")).quantize(D("0.01"))
    expected = ((claims[1].approved_cumulative_value - start) * D("0.25")).quantize(D("0.01"))
    assert claims[0].approved_cumulative_value < start < claims[1].approved_cumulative_value
    assert r.amount == min(expected, advance.amount)
    assert (
        claims[1].paid_amount
        == deductions.net_payable(claims[1])
        == (claims[1].payable_amount - r.amount)
    )
    pos = contract_position(c)
    assert pos.advance_outstanding == advance.amount - r.amount
    assert advance.guarantee_outstanding == advance.amount - r.amount
