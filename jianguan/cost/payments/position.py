"""A contract's money position (issue 21): what was paid, the advance and its recovery, the
retention held, released or covered by a bank guarantee. Read by the final payment (cost
settlement) and investment control (cost control). At most 3 queries.

``on``: the position at the end of that day (payments dated on or before it); None = now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Position:
    paid_to_date: Decimal  # progress payments paid (contracts' Payment records)
    advance_paid: Decimal
    advance_recovered: Decimal
    advance_outstanding: Decimal
    retention_held: Decimal  # cash retention withheld on approved claims, less released
    retention_released: Decimal
    retention_guaranteed: Decimal  # bank-guarantee form: the retention covered, no cash held


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def contract_position(contract, *, on: dt.date | None = None) -> Position:
    from jianguan.contracts.models import Contract, Payment, PaymentClaim
    from jianguan.cost.payments import workflow as wf
    from jianguan.cost.payments.models import AdvancePayment

    done = ("approved", "paid")
    claims = PaymentClaim.objects.filter(contract=contract, status__in=done)
    payments = Payment.objects.filter(claim__contract=contract)
    if on is not None:
        claims = claims.filter(approved_at__date__lte=on)
        payments = payments.filter(paid_on__lte=on)
    # 1: claims (retention withheld, approved value) with the advance recovered on them
    agg = claims.aggregate(
        retention=Sum("retention_amount"),
        value=Sum("approved_value"),
        recovered=Sum("advance_recovery__amount"),
    )
    # 2: money paid on progress claims
    paid = payments.aggregate(s=Sum("amount"))["s"]
    # 3: the advance paid and the retention released, on the contract's row
    advance = AdvancePayment.objects.filter(contract=OuterRef("pk"), status=wf.A_PAID)
    release_filter = Q(retention_releases__status=wf.R_PAID)
    if on is not None:
        advance = advance.filter(paid_on__lte=on)
        release_filter &= Q(retention_releases__paid_on__lte=on)
    row = (
        Contract.objects.filter(pk=contract.pk)
        .annotate(
            advance_paid=Subquery(advance.values("amount")[:1]),
            released=Sum("retention_releases__amount", filter=release_filter),
        )
        .values("advance_paid", "released")
        .first()
    ) or {}
    released = _money(row.get("released"))
    advance_paid = _money(row.get("advance_paid"))
    recovered = min(_money(agg["recovered"]), advance_paid)
    guaranteed = ZERO
    withheld = _money(agg["retention"])
    if contract.retention_form == "bank_guarantee":
        guaranteed = _money(_money(agg["value"]) * contract.retention_ratio)
    return Position(
        paid_to_date=_money(paid),
        advance_paid=advance_paid,
        advance_recovered=recovered,
        advance_outstanding=advance_paid - recovered,
        retention_held=max(ZERO, withheld - released),
        retention_released=released,
        retention_guaranteed=guaranteed,
    )
