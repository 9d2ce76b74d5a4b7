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

from django.db import transaction

from jianguan.compliance.services.credit import credit_records_for_event
from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant
from jianguan.projects.services.warnings import recompute_after_commit
from jianguan.rules.lookup import rule
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.wages.models import Payroll, WageArrears


def repeat_count(on: dt.date) -> int:
    return int(rule("wage.arrears_repeat_count", on=on).value)


def arrears_scan(*, today: dt.date | None = None) -> int:
    """Open a case for every payroll still owing after its pay day; returns how many."""
    today = today or today_local()
    due = Payroll.objects.filter(
        status__in=workflow.UNPAID, due_on__lt=today, arrears__isnull=True
    ).select_related("project", "employer")
    made = []
    threshold = repeat_count(today)
    for payroll in due.order_by("due_on", "pk")[:500]:
        with transaction.atomic():
            previous = (
                WageArrears.objects.filter(project_id=payroll.project_id)
                .exclude(status=workflow.A_DISMISSED)
                .count()
            )
            arrears = WageArrears.objects.create(
                payroll=payroll,
                project_id=payroll.project_id,
                found_on=today,
                owed=payroll.owed,
                repeated=workflow.is_repeated(previous, threshold),
            )
            record(
                actor=SYSTEM,
                type="smartsite.wage_arrears_found",
                obj=arrears,
                payload={
                    "project": payroll.project.code,
                    "employer": payroll.employer.credit_code,
                    "month": f"{payroll.month:%Y-%m}",
                    "due_on": payroll.due_on,
                    "owed": arrears.owed,
                    "repeated": arrears.repeated,
                    "previous_cases": previous,
                },
            )
            recompute_after_commit(payroll.project_id)
            transaction.on_commit(lambda a=arrears: _tell(a), robust=True)
        made.append(arrears)
    return len(made)


def _tell(arrears: WageArrears) -> None:
    """欠薪预警: the regulator and the site's general contractor hear of it at once."""
    from django.urls import reverse

    from jianguan.accounts.models import Membership
    from jianguan.workbench.notifications.services import notify

    payroll = arrears.payroll
    gc = Participant.objects.filter(
        project_id=payroll.project_id, role="general_contractor", is_active=True
    ).values_list("organisation_id", flat=True)
    users = (
        Membership.objects.filter(is_active=True)
        .filter(organisation__kind="regulator")
        .values_list("user_id", flat=True)
    )
    gc_users = Membership.objects.filter(organisation_id__in=list(gc), is_active=True).values_list(
        "user_id", flat=True
    )
    notify(
        recipients=list(users) + list(gc_users),
        kind="smartsite.wage_arrears",
        title=f"欠薪预警：{payroll.project.name}，{payroll}，逾期未足额发放 {arrears.owed:,.2f} 元"
        + ("（屡次拖欠）" if arrears.repeated else ""),
        url=reverse("smartsite:wage_arrears", args=[arrears.pk]),
        urgent=True,
    )


def _decide(actor: Actor, arrears: WageArrears, note: str) -> tuple[WageArrears, str]:
    require(actor, "smartsite.wage_arrears_decide")
    if not actor.is_kind("regulator"):
        raise ValidationFailed("只有监管部门可以认定欠薪", code="not_regulator")
    arrears = (
        WageArrears.objects.select_for_update()
        .select_related("payroll", "payroll__employer", "project")
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
    payroll = arrears.payroll
    made = credit_records_for_event(
        actor=actor,
        kind="wage_arrears",
        organisation=gc.organisation,
        occurred_on=arrears.found_on,
        description=f"{arrears.project.name}屡次拖欠农民工工资：{payroll}于{payroll.due_on}"
        f"应发未足额发放 {arrears.owed:,.2f} 元。{note}",
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
