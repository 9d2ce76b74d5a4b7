"""Test factories for contracts: objects made directly (factories may save; services may not
be bypassed anywhere else)."""

from __future__ import annotations

from decimal import Decimal

from jianguan.contracts.models import BoqItem, Contract
from jianguan.core.timeutil import now, today_local

UNITS = ("m3", "m2", "t", "m", "个")


def boq_rows(n: int = 5, seed: int = 1) -> list[dict]:
    """GB 50500 lines: code 0101010010NN, quantity and rate chosen so amounts are exact."""
    rows = []
    for i in range(1, n + 1):
        quantity = Decimal(100 + (i * 37 + seed) % 900) + Decimal("0.5")
        rate = Decimal(20 + (i * 13 + seed) % 480) + Decimal("0.25")
        rows.append(
            {
                "code": f"01{i:010d}",
                "name": f"清单项目{i}",
                "feature": f"特征描述{i}",
                "unit": UNITS[i % len(UNITS)],
                "quantity": quantity,
                "rate": rate,
                "amount": (quantity * rate).quantize(Decimal("0.01")),
            }
        )
    return rows


def make_contract(
    *,
    project,
    employer,
    contractor,
    supervisor=None,
    finance_bureau=None,
    auditor=None,
    items: int = 5,
    status: str = "signed",
    kind: str = "main",
    parent=None,
    number: str | None = None,
    **over,
) -> Contract:
    rows = boq_rows(items)
    price = sum((r["amount"] for r in rows), Decimal(0)) or Decimal("1000000.00")
    n = Contract.objects.count() + 1
    signed = status in ("signed", "approved")
    fields = dict(
        number=number or f"HT-T-{n:04d}",
        project=project,
        kind=kind,
        parent=parent,
        title=f"{project.name}施工合同",
        employer=employer,
        contractor=contractor,
        supervisor=supervisor,
        finance_bureau=finance_bureau,
        auditor=auditor,
        status=status,
        price=price,
        current_value=price,
        duration_days=365,
        start_on=today_local(),
        progress_ratio=Decimal("0.8500"),
        retention_form="cash",
        retention_ratio=Decimal("0.0300"),
        security_form="bank_guarantee",
        security_amount=(price * Decimal("0.05")).quantize(Decimal("0.01")),
        security_reference="BG-TEST-1",
        employer_signed_at=now() if signed else None,
        contractor_signed_at=now() if signed else None,
        signed_on=today_local() if signed else None,
        created_by="factory",
    )
    fields.update(over)
    contract = Contract.objects.create(**fields)
    BoqItem.objects.bulk_create(
        BoqItem(
            contract=contract,
            sequence=i,
            code=r["code"],
            name=r["name"],
            feature=r["feature"],
            unit=r["unit"],
            quantity=r["quantity"],
            unit_rate=r["rate"],
            amount=r["amount"],
            current_quantity=r["quantity"],
        )
        for i, r in enumerate(rows, 1)
    )
    return contract
