import datetime as dt
from decimal import Decimal

import pytest

from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)


def make_account(contract, lines, *, status="owner_reviewed", number="JS-T-001"):
    """A final account as cost_settlement leaves it after the owner's review (a factory:
    the settlement's own services are tested in cost_settlement). `lines`: (kind, code,
    claimed, stage_settled)."""
    from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine

    account = FinalAccount.objects.create(
        contract=contract,
        project=contract.project,
        number=number,
        status=status,
        submitted_amount=sum((Decimal(c) for _, _, c, _ in lines), Decimal(0)),
        completion_date=dt.date(2026, 6, 1),
        submit_due_on=dt.date(2026, 7, 1),
        created_by="factory",
    )
    FinalAccountLine.objects.bulk_create(
        [
            FinalAccountLine(
                account=account,
                sequence=i + 1,
                source_kind=kind,
                code=code,
                name=f"项目{code}",
                unit="m3",
                quantity=Decimal("10"),
                unit_rate=Decimal(claimed) / 10,
                claimed_amount=Decimal(claimed),
                settled_amount=Decimal(claimed) if stage else None,
                stage_settled=stage,
            )
            for i, (kind, code, claimed, stage) in enumerate(lines)
        ]
    )
    return account


LINES = [
    ("boq", "010101001001", "100000.00", False),
    ("boq", "010101002001", "50000.00", False),
    ("variation", "BG-001", "20000.00", False),
    ("visa", "QZ-001", "8000.00", False),
    ("stage_settled", "010401001001", "30000.00", True),
    ("deduction", "KJ-001", "-2000.00", False),
]


@pytest.fixture
def account(deal):  # noqa: F811
    return make_account(deal["contract"], LINES)
