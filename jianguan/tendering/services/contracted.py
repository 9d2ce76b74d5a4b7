"""The contract is signed: the tender is contracted and the other bidders' bonds fall due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end
from jianguan.tendering import workflow
from jianguan.tendering.models import Award, Bid, Tender
from jianguan.tendering.ocds.services import ocds_release
from jianguan.tendering.services.common import move


@transaction.atomic
def tender_mark_contracted(
    *,
    actor: Actor,
    award: Award,
    signed_on: dt.date,
    contract_number: str,
    all_lots_contracted: bool = True,
) -> Tender:
    """Called by contract signing (in its transaction). 实施条例 57: the bid bonds of the
    other bidders of the lot come back within N days of the written contract, counted from
    the signing day. The tender becomes contracted once the caller (contracts, which tendering
    must not import) says every awarded lot has a signed contract."""
    tender = Tender.objects.select_for_update().get(pk=award.tender_id)
    due = period_end("bid_bond.refund_after_contract", start=signed_on)
    refunds = (
        Bid.objects.filter(lot_id=award.lot_id, bond_refunded_at__isnull=True)
        .exclude(pk=award.bid_id)
        .exclude(status=Bid.WITHDRAWN)
    )
    count = refunds.update(bond_refund_due=due)
    record(
        actor=actor,
        type="tendering.contract_signed",
        obj=tender,
        payload={
            "code": tender.code,
            "lot": award.lot_id,
            "contract": contract_number,
            "signed_on": signed_on,
            "bond_refund_due": due,
            "bonds": count,
        },
    )
    if tender.status == workflow.Status.AWARDED and all_lots_contracted:
        move(actor, tender, workflow.Status.CONTRACTED, f"已签订合同 {contract_number}")
    # the signed contract is published with the tender's other OCDS releases (tag "contract")
    ocds_release(tender=tender, tag="contract", actor=actor)
    return tender
