"""Arrears (欠薪): the periodic scan for payrolls not fully paid by their pay day, and the
regulator's decision on repeated arrears.

A case is a warning (欠薪预警, 第二十六条: the GC tells the regulator) on the project and on the
regulator's to-do list. Repeated arrears on a project (the count is rule data) become the
compliance loop's ``wage_arrears`` credit record only when a regulator confirms them: nothing
automatic touches a firm's credit. The record names the general contractor, which pays on the
subcontractors' behalf and answers first for their arrears (第三十条、第三十一条).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from jianguan.accounts.models import Organisation
from jianguan.compliance.services.credit import credit_records_for_event
from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.projects.services.warnings import recompute_after_commit
from jianguan.rules.lookup import rule
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.wages.models import Payroll, WageAccount, WageArrears
from jianguan.smartsite.wages.services import cycle_months
from jianguan.smartsite.workers.models import AttendanceDay


def repeat_count(on: dt.date) -> int:
    return int(rule("wage.arrears_repeat_count", on=on).value)


def arrears_scan(*, today: dt.date | None = None) -> int:
    """Open a case for every payroll still owing after its pay day, and for every month with
    attendance but no payroll drafted by its pay day; returns how many."""
    today = today or today_local()
    threshold = repeat_count(today)
    due = Payroll.objects.filter(
        status__in=workflow.UNPAID, due_on__lt=today, arrears__isnull=True
    ).select_related("project", "employer")
    made = 0
    for payroll in due.order_by("due_on", "pk")[:500]:
        made += _open_case(
            today,
            threshold,
            project=payroll.project,
            employer=payroll.employer,
            month=payroll.month,
            due_on=payroll.due_on,
            owed=payroll.owed,
            payroll=payroll,
        )
    for gap in months_without_payroll(today)[:500]:
        made += _open_case(today, threshold, **gap)
    return made


def _open_case(today: dt.date, threshold: int, *, payroll=None, **fields) -> int:
    try:
        with transaction.atomic():
            previous = (
                WageArrears.objects.filter(project=fields["project"])
                .exclude(status=workflow.A_DISMISSED)
                .count()
            )
            arrears = WageArrears.objects.create(
                payroll=payroll,
                found_on=today,
                repeated=workflow.is_repeated(previous, threshold),
                **fields,
            )
            record(
                actor=SYSTEM,
                type="smartsite.wage_arrears_found",
                obj=arrears,
                payload={
                    "project": arrears.project.code,
                    "employer": arrears.employer.credit_code,
                    "month": f"{arrears.month:%Y-%m}",
                    "due_on": arrears.due_on,
                    "owed": arrears.owed,
                    "missing_sheet": payroll is None,
                    "worker_days": arrears.worker_days,
                    "repeated": arrears.repeated,
                    "previous_cases": previous,
                },
            )
            recompute_after_commit(arrears.project_id)
            transaction.on_commit(lambda a=arrears: _tell(a), robust=True)
    except IntegrityError:  # a concurrent scan opened the month's case first
        return 0
    return 1


def months_without_payroll(today: dt.date) -> list[dict]:
    """(project, employer, month) with attended days and no payroll, whose pay day has passed
    (第二十四条: wages at least monthly, by the pay day; the cycle is rule data). A project
    without a wage account has no pay day of its own: the last day of the cycle stands."""
    this_month = workflow.first_of_month(today)
    # How far back to look is a product setting (config/settings.py says why 12).
    back = settings.SMARTSITE_ARREARS_LOOKBACK_MONTHS
    start = workflow.add_months(this_month, -back)
    rows = (
        AttendanceDay.objects.filter(day__gte=start, day__lt=this_month, first_in__isnull=False)
        .annotate(m=TruncMonth("day"))
        .values("project_id", "employer_id", "m")
        .annotate(n=Count("pk"))
        .order_by("m", "project_id", "employer_id")
    )
    drafted = set(
        Payroll.objects.filter(month__gte=start).values_list("project_id", "employer_id", "month")
    )
    opened = set(
        WageArrears.objects.filter(month__gte=start).values_list(
            "project_id", "employer_id", "month"
        )
    )
    pay_days = dict(WageAccount.objects.values_list("project_id", "pay_day"))
    out, found = [], []
    for row in rows:
        month = _as_date(row["m"])
        key = (row["project_id"], row["employer_id"], month)
        if key in drafted or key in opened:
            continue
        # 31: the pay month's last day (due_date clamps it to a shorter month)
        pay_day = pay_days.get(row["project_id"], 31)
        due_on = workflow.due_date(month, pay_day, cycle_months(month))
        if due_on < today:
            found.append((key, due_on, row["n"]))
    projects = Project.objects.in_bulk({k[0] for k, _d, _n in found})
    employers = Organisation.objects.in_bulk({k[1] for k, _d, _n in found})
    for (project_id, employer_id, month), due_on, days in found:
        out.append(
            {
                "project": projects[project_id],
                "employer": employers[employer_id],
                "month": month,
                "due_on": due_on,
                "owed": Decimal(0),
                "worker_days": days,
            }
        )
    return out


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def attach_payroll(*, actor: Actor, payroll: Payroll) -> None:
    """A payroll drafted late for a month whose case is open takes the case over: the case is
    then settled when the payroll is paid in full, like any other."""
    case = (
        WageArrears.objects.select_for_update(of=("self",))  # payroll may be null: outer join
        .filter(
            project_id=payroll.project_id,
            employer_id=payroll.employer_id,
            month=payroll.month,
            payroll__isnull=True,
        )
        .first()
    )
    if case is None:
        return
    case.payroll, case.owed = payroll, payroll.total
    case.save(update_fields=["payroll", "owed", "updated_at"])
    record(
        actor=actor,
        type="smartsite.wage_arrears_sheet_drafted",
        obj=case,
        payload={"payroll": str(payroll), "total": payroll.total, "due_on": case.due_on},
    )


def _tell(arrears: WageArrears) -> None:
    """欠薪预警: the regulator, the site's general contractor and the employer whose workers
    are owed (a labour subcontractor, usually) hear of it at once."""
    from django.urls import reverse

    from jianguan.smartsite.notices import general_contractors_of, people_of, regulator_people
    from jianguan.workbench.notifications.services import notify

    firms = [*general_contractors_of(arrears.project_id), arrears.employer_id]
    if arrears.missing_sheet:
        what = f"有考勤 {arrears.worker_days} 人天，逾期未编制工资表"
    else:
        what = f"逾期未足额发放 {arrears.owed:,.2f} 元"
    notify(
        recipients=regulator_people() + people_of(firms),
        kind="smartsite.wage_arrears",
        title=f"欠薪预警：{arrears.project.name}，{arrears.employer.name}"
        f"{arrears.month:%Y年%m月}工资{what}" + ("（屡次拖欠）" if arrears.repeated else ""),
        url=reverse("smartsite:wage_arrears", args=[arrears.pk]),
        urgent=True,
    )


def _decide(actor: Actor, arrears: WageArrears, note: str) -> tuple[WageArrears, str]:
    require(actor, "smartsite.wage_arrears_decide")
    if not actor.is_kind("regulator"):
        raise ValidationFailed("只有监管部门可以认定欠薪", code="not_regulator")
    arrears = (
        WageArrears.objects.select_for_update(of=("self",))  # payroll may be null: outer join
        .select_related("payroll", "employer", "project")
        .get(pk=arrears.pk)
    )
    if arrears.status in (workflow.A_CONFIRMED, workflow.A_DISMISSED):
        raise Conflict(
            f"该欠薪记录已{workflow.ARREARS_STATUS[arrears.status]}", code="arrears_decided"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("请填写认定说明", code="note_required")
    return arrears, note[:300]


@transaction.atomic
def arrears_confirm(*, actor: Actor, arrears: WageArrears, note: str) -> WageArrears:
    """The regulator confirms repeated arrears: the GC's ``wage_arrears`` credit record (and its
    project manager's) through the compliance loop's own service."""
    arrears, note = _decide(actor, arrears, note)
    if not arrears.repeated:
        raise ValidationFailed(
            "该项目欠薪未达到屡次拖欠的次数，只作预警，不记入信用", code="not_repeated"
        )
    gc = (
        Participant.objects.filter(
            project=arrears.project, role="general_contractor", is_active=True
        )
        .select_related("organisation")
        .first()
    )
    if gc is None:
        raise ValidationFailed("项目没有施工总承包单位，无法记录", code="no_general_contractor")
    if arrears.missing_sheet:
        what = (
            f"{arrears.employer.name}{arrears.month:%Y年%m月}工资至{arrears.due_on}"
            f"未编制工资表（考勤 {arrears.worker_days} 人天）"
        )
    else:
        what = f"{arrears.payroll}于{arrears.due_on}应发未足额发放 {arrears.owed:,.2f} 元"
    made = credit_records_for_event(
        actor=actor,
        kind="wage_arrears",
        organisation=gc.organisation,
        occurred_on=arrears.found_on,
        description=f"{arrears.project.name}屡次拖欠农民工工资：{what}。{note}",
        source_type="wage_arrears",
        source_id=arrears.pk,
        project=arrears.project,
    )
    arrears.status = workflow.A_CONFIRMED
    arrears.decided_by = actor.display_name or actor.username
    arrears.decision_note = note
    arrears.credit_record_id = made[0].pk
    arrears.save()
    record(
        actor=actor,
        type="smartsite.wage_arrears_confirmed",
        obj=arrears,
        payload={"note": note, "credit_records": [r.pk for r in made], "owed": arrears.owed},
    )
    recompute_after_commit(arrears.project_id)
    return arrears


@transaction.atomic
def arrears_dismiss(*, actor: Actor, arrears: WageArrears, note: str) -> WageArrears:
    """The regulator finds no arrears (e.g. paid, bank delay): recorded with the reason."""
    arrears, note = _decide(actor, arrears, note)
    arrears.status = workflow.A_DISMISSED
    arrears.decided_by = actor.display_name or actor.username
    arrears.decision_note = note
    arrears.save()
    record(
        actor=actor, type="smartsite.wage_arrears_dismissed", obj=arrears, payload={"note": note}
    )
    recompute_after_commit(arrears.project_id)
    return arrears
