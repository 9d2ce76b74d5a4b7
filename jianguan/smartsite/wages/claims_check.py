"""The payment-claim cross-check (issue 17 part 8): labour days claimed on a claim's labour
lines against the days attended on the site in the claim period (实名制考勤, 第二十八条).

Claim lines carry no labour-day field of their own: a labour line is a bill item measured in
工日 (the unit of the BoQ item), and its quantity this period is the labour claimed. Attended
days are AttendanceDay rows with an entry in the claim period — the whole site's for a main
contract, the subcontractor's own workers' for a subcontract. A project without any real-name
attendance is not checked (said so in the check's message), so sites without gates are not
blocked by a missing system.
"""

from __future__ import annotations

from decimal import Decimal

from jianguan.contracts import payments
from jianguan.rules.lookup import rule
from jianguan.smartsite.workers.models import AttendanceDay

LABOUR_UNITS = ("工日",)
CODE = "labour_days_attendance"
LABEL = "人工工日与实名制考勤核对"


def labour_days_check(claim) -> payments.Check | None:
    from jianguan.contracts.models import ClaimLine

    lines = ClaimLine.objects.filter(claim=claim, boq_item__unit__in=LABOUR_UNITS).values_list(
        "cumulative_quantity", "previous_quantity"
    )
    if not lines:
        return None
    claimed = sum((cum - (prev or 0) for cum, prev in lines), Decimal(0))
    contract = claim.contract
    days = AttendanceDay.objects.filter(project_id=contract.project_id)
    if contract.kind != "main":
        days = days.filter(employer_id=contract.contractor_id)
    tolerance = rule("payment_claim.labour_days_tolerance", on=claim.period_end)
    if not days.exists():
        return payments.Check(
            CODE, LABEL, True, ("本项目无实名制考勤数据，未核对人工工日",), tolerance.reference
        )
    attended = days.filter(
        day__gte=claim.period_start, day__lte=claim.period_end, first_in__isnull=False
    ).count()
    ratio = Decimal(str(tolerance.value))
    allowed = Decimal(attended) * (1 + ratio)
    if claimed <= allowed:
        return payments.Check(
            CODE,
            LABEL,
            True,
            (f"本期申报人工 {claimed:,.2f} 工日，同期考勤 {attended:,} 工日",),
            tolerance.reference,
        )
    return payments.Check(
        CODE,
        LABEL,
        False,
        (
            f"本期申报人工 {claimed:,.2f} 工日，超过同期实名制考勤 {attended:,} 工日"
            f"（容差 {ratio:.0%}，最多 {allowed:,.2f} 工日）",
        ),
        tolerance.reference,
    )
