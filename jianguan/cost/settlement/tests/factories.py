"""Test and benchmark factories for the final account: objects made directly (factories may
save; services may not be bypassed anywhere else).

``big_contract`` builds a contract with N BoQ lines and M approved variations in a handful of
bulk inserts; ``final_account_for`` then drafts (and by default submits and owner-accepts)
its final account through the services, so that it is ready for the audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jianguan.contracts.models import BoqItem, Contract, Variation, VariationLine
from jianguan.core.timeutil import now, today_local
from jianguan.projects.models import Project


def complete(project, on: dt.date | None = None) -> None:
    """Mark the completion acceptance signed (the five leads' record) as of `on`."""
    on = on or today_local() - dt.timedelta(days=3)
    Project.objects.filter(pk=project.pk).update(completion_date=on)
    project.completion_date = on


def add_boq(contract: Contract, rows: list[tuple]) -> list[BoqItem]:
    """rows: (code, name, unit, quantity, rate) → BoQ lines (amount = quantity × rate)."""
    items = [
        BoqItem(
            contract=contract,
            sequence=i,
            code=code,
            name=name,
            unit=unit,
            quantity=Decimal(q),
            unit_rate=Decimal(rate),
            amount=(Decimal(q) * Decimal(rate)).quantize(Decimal("0.01")),
            current_quantity=Decimal(q),
        )
        for i, (code, name, unit, q, rate) in enumerate(rows, 1)
    ]
    return BoqItem.objects.bulk_create(items)


def approved_variation(
    contract: Contract,
    *,
    number: str,
    amount: str,
    kind: str = "variation",
    title: str = "变更",
    status: str = "approved",
    line: tuple[BoqItem, str, str] | None = None,
) -> Variation:
    """An approved variation (or 签证: kind="site_instruction"); `line` = (BoQ item, quantity
    delta, amount delta) applied to the item's current quantity as the approval would."""
    v = Variation.objects.create(
        contract=contract,
        number=number,
        kind=kind,
        title=title,
        reason="现场条件变化",
        cause="site_condition",
        amount=Decimal(amount),
        status=status,
        raised_by="factory",
        submitted_at=now(),
        decided_at=now() if status == "approved" else None,
    )
    if line is not None:
        item, dq, da = line
        VariationLine.objects.create(
            variation=v,
            boq_item=item,
            unit_rate=item.unit_rate,
            quantity_delta=Decimal(dq),
            amount_delta=Decimal(da),
        )
        if status == "approved":
            BoqItem.objects.filter(pk=item.pk).update(
                current_quantity=item.current_quantity + Decimal(dq)
            )
    return v


def big_contract(contract: Contract, *, lines: int, variations: int) -> Contract:
    """Fill `contract` (made without BoQ lines) with `lines` BoQ lines and `variations`
    approved variations, each variation adding 1 unit to one BoQ line plus a lump sum, every
    third one a 签证 without lines. Bulk inserts only (seconds for 20,000 lines)."""
    BoqItem.objects.filter(contract=contract).delete()
    BoqItem.objects.bulk_create(
        [
            BoqItem(
                contract=contract,
                sequence=i,
                code=f"0{i:011d}",
                name=f"清单项目{i}",
                unit="m3",
                quantity=Decimal(100 + i % 50),
                unit_rate=Decimal(10 + i % 90) + Decimal("0.50"),
                amount=(Decimal(100 + i % 50) * (Decimal(10 + i % 90) + Decimal("0.50"))),
                current_quantity=Decimal(100 + i % 50),
            )
            for i in range(1, lines + 1)
        ],
        batch_size=2000,
    )
    items = list(BoqItem.objects.filter(contract=contract).order_by("sequence"))
    stamp = now()
    Variation.objects.bulk_create(
        [
            Variation(
                contract=contract,
                number=f"BG-{contract.pk}-{j:05d}",
                kind="site_instruction" if j % 3 == 0 else "variation",
                title=f"变更{j}",
                reason="设计变更",
                cause="design_change",
                amount=Decimal(1000 + j),
                status="approved",
                raised_by="factory",
                submitted_at=stamp,
                decided_at=stamp,
            )
            for j in range(1, variations + 1)
        ],
        batch_size=2000,
    )
    # re-read: SQLite's bulk_create returns no primary keys
    made = list(
        Variation.objects.filter(
            contract=contract, number__startswith=f"BG-{contract.pk}-"
        ).order_by("number")
    )
    vlines, touched = [], []
    for j, v in enumerate(made, 1):
        if v.kind == "site_instruction" or not items:
            continue
        item = items[j % len(items)]
        vlines.append(
            VariationLine(
                variation=v,
                boq_item=item,
                unit_rate=item.unit_rate,
                quantity_delta=Decimal(1),
                amount_delta=item.unit_rate,
            )
        )
        item.current_quantity += 1
        touched.append(item)
    VariationLine.objects.bulk_create(vlines, batch_size=2000)
    BoqItem.objects.bulk_update(touched, ["current_quantity"], batch_size=2000)
    return contract


def final_account_for(contract: Contract, *, contractor, owner=None, submit: bool = True):
    """Draft the final account through the services (completion marked if it is not), then
    submit it and have the owner accept it (ready for the audit) unless submit=False."""
    from jianguan.cost.settlement import services

    if contract.project.completion_date is None:
        complete(contract.project)
    account = services.final_account_create(actor=contractor, contract=contract)
    if submit:
        account = services.final_account_submit(actor=contractor, account=account)
        if owner is not None:
            account = services.final_account_owner_review(
                actor=owner, account=account, decision="accept"
            )
    return account
