"""竣工结算 subjects of the access matrix (tests/access/world.py calls ``subjects``): on the
matrix's flagship contract (contract@own), its final account (shared with cost_audit, which
makes the same row if it runs first) with three BoQ lines, and a stage settlement waiting for
the owner. Rows made directly (like a factory): the matrix asks who may reach them, not what
the workflow says; a refused step (409, 400) is "ok"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def subjects(S: dict, project, actor) -> None:
    from jianguan.contracts.models import BoqItem, Contract
    from jianguan.core.timeutil import now, today_local
    from jianguan.cost.settlement.models import (
        FinalAccount,
        FinalAccountLine,
        StageSettlement,
        StageSettlementLine,
    )

    own = S.get("contract@own")
    contract = Contract.objects.filter(pk=own["pk"]).first() if own else None
    if contract is None:
        return
    account = FinalAccount.objects.filter(contract=contract).first()
    if account is None:
        account = FinalAccount.objects.create(
            contract=contract,
            project=contract.project,
            number="JS-MATRIX-001",
            status="in_audit",
            submitted_amount=Decimal("300000.00"),
            completion_date=today_local() - dt.timedelta(days=30),
            submit_due_on=today_local(),
            submitted_at=now(),
            created_by="matrix",
        )
    if not account.lines.exists():
        FinalAccountLine.objects.bulk_create(
            [
                FinalAccountLine(
                    account=account,
                    sequence=i,
                    source_kind="boq",
                    code=f"0101010010{i:02d}",
                    name=f"矩阵清单 {i}",
                    unit="m3",
                    quantity=Decimal(100),
                    unit_rate=Decimal(1000),
                    claimed_amount=Decimal("100000.00"),
                )
                for i in (1, 2, 3)
            ]
        )
    line = account.lines.order_by("sequence").first()
    item = BoqItem.objects.filter(contract=contract).order_by("sequence").first()
    stage = StageSettlement.objects.create(
        contract=contract,
        number="GC-MATRIX-01",
        period_start=today_local() - dt.timedelta(days=60),
        period_end=today_local() - dt.timedelta(days=30),
        status="submitted",
        amount=Decimal("1.00"),
        submitted_at=now(),
        created_by="matrix",
    )
    if item is not None:
        StageSettlementLine.objects.create(
            stage=stage,
            boq_item=item,
            quantity=Decimal("0.001"),
            unit_rate=item.unit_rate,
            amount=Decimal("1.00"),
        )
    S["fa_account@own"] = {"pk": account.pk, "account_id": account.pk, "line_id": line.pk}
    S["fa_contract@own"] = {"pk": contract.pk, "cid": contract.pk}
    S["fa_stage@own"] = {"pk": stage.pk, "stage_id": stage.pk}
