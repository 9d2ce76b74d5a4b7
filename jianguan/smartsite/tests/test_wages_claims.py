"""The payment-claim cross-check (issue 17 part 8): labour days claimed on 工日 lines against
the days attended in the claim period, with the tolerance from rule data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.contracts.claims import services as claims
from jianguan.contracts.models import BoqItem, ClaimLine
from jianguan.contracts.tests.conftest import deal  # noqa: F401
from jianguan.contracts.tests.test_claims import P1, items
from jianguan.projects.tests.test_services import world  # noqa: F401
from jianguan.smartsite.wages.claims_check import CODE
from jianguan.smartsite.workers.models import AttendanceDay, Worker


def _claim(deal, labour_days: str):  # noqa: F811
    contract = deal["contract"]
    first = items(contract)[0]
    BoqItem.objects.filter(pk=first.pk).update(unit="工日")  # the labour line of this claim
    lines = [
        {
            "code": i.code,
            "cumulative_quantity": labour_days if i.pk == first.pk else str(i.quantity / 2),
            "evidence_note": "计量单",
        }
        for i in items(contract)
    ]
    return claims.claim_create(
        actor=deal["actors"]["contractor"],
        contract=contract,
        period_start=P1[0],
        period_end=P1[1],
        lines=lines,
    )


def _attendance(project, employer, days: int) -> None:
    """`days` worker-days in the claim period (test rows: the gate path is tested elsewhere)."""
    workers = [
        Worker.objects.create(
            name=f"工人{i}",
            id_number_cipher="x",
            id_number_index=f"idx-{i}",
            id_number_masked="1101**********0000",
            birth_date=dt.date(1980, 1, 1),
            trade="mason",
            employer=employer,
            registered_by="test",
        )
        for i in range(3)
    ]
    rows = []
    for n in range(days):
        day = P1[0] + dt.timedelta(days=n // 3)
        at = dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC)
        rows.append(
            AttendanceDay(
                worker=workers[n % 3],
                project=project,
                day=day,
                employer=employer,
                trade="mason",
                first_in=at,
                last_out=at,
                minutes=480,
                events=2,
            )  # fmt: skip
        )
    AttendanceDay.objects.bulk_create(rows)


def _check(deal):  # noqa: F811
    from jianguan.contracts.claims.selectors import claim_checks

    claim = deal["claim"]
    return next(c for c in claim_checks(claim) if c.code == CODE)


@pytest.mark.rule("payment_claim.labour_days_tolerance")
def test_labour_days_above_attendance_beyond_the_tolerance_are_flagged(deal):  # noqa: F811
    deal["claim"] = _claim(deal, "42")
    # no real-name attendance on the project at all: not checked, and said so
    check = _check(deal)
    assert check.passed and "无实名制考勤数据" in check.messages[0]
    _attendance(deal["project"], deal["orgs"]["general_contractor"], 40)
    # 42 claimed ≤ 40 × 1.05 = 42: at the limit, passes
    check = _check(deal)
    assert check.passed and "42.00 工日" in check.messages[0]
    ClaimLine.objects.filter(claim=deal["claim"], boq_item__unit="工日").update(
        cumulative_quantity=Decimal("42.01")
    )
    check = _check(deal)
    assert not check.passed and "超过同期实名制考勤 40 工日" in check.messages[0]
    with pytest.raises(Exception) as exc:
        claims.claim_submit(actor=deal["actors"]["contractor"], claim=deal["claim"])
    assert getattr(exc.value, "code", "") == "claim_checks_failed"


def test_a_claim_without_labour_lines_has_no_such_check(deal):  # noqa: F811
    from jianguan.contracts.claims.selectors import claim_checks
    from jianguan.contracts.tests.test_claims import new_claim

    assert CODE not in {c.code for c in claim_checks(new_claim(deal))}
