"""预付款与质量保证金 subjects of the access matrix (tests/access/world.py calls ``subjects``):
on the matrix's own contract (the flagship, contract@own), an advance waiting for the owner,
an open hold on the retention and a release request waiting for the owner. Rows made directly
(like a factory): the matrix asks who may reach them, not what the workflow says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def subjects(S: dict, project, actor) -> None:
    from jianguan.contracts.models import Contract
    from jianguan.core.timeutil import now, today_local
    from jianguan.cost.payments import workflow as wf
    from jianguan.cost.payments.models import (
        AdvancePayment,
        AdvanceTerms,
        RetentionHold,
        RetentionRelease,
    )

    own = S.get("contract@own")
    contract = Contract.objects.filter(pk=own["pk"]).first() if own else None
    if contract is None:
        return
    today = today_local()
    AdvanceTerms.objects.get_or_create(
        contract=contract,
        defaults={"start_ratio": Decimal("0.2"), "rate": Decimal("0.25"), "set_by": "matrix"},
    )
    advance, _ = AdvancePayment.objects.get_or_create(
        contract=contract,
        defaults={
            "amount": Decimal("1000.00"),
            "status": wf.A_REQUESTED,
            "guarantee_number": "MATRIX-1",
            "guarantee_issuer": "矩阵银行",
            "guarantee_amount": Decimal("1000.00"),
            "guarantee_outstanding": Decimal("1000.00"),
            "guarantee_expires_on": today + dt.timedelta(days=365),
            "requested_by": "matrix",
            "requested_at": now(),
            "due_on": today + dt.timedelta(days=30),
        },
    )
    hold = RetentionHold.objects.create(
        contract=contract, amount=Decimal("1.00"), reason="矩阵暂扣", created_by="matrix"
    )
    release = RetentionRelease.objects.create(
        contract=contract,
        amount=Decimal("1.00"),
        status=wf.R_REQUESTED,
        requested_by="matrix",
        requested_at=now(),
        confirm_due_on=today + dt.timedelta(days=14),
    )
    S["cp_contract@own"] = {"cid": contract.pk, "pk": contract.pk}
    S["cp_advance@own"] = {"aid": advance.pk, "pk": advance.pk}
    S["cp_hold@own"] = {"hid": hold.pk, "pk": hold.pk}
    S["cp_release@own"] = {"rid": release.pk, "pk": release.pk}
