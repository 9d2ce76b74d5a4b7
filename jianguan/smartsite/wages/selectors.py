"""Reads of wages, scoped to the actor through the roster's scope (``workers.selectors``):
the regulator, the project's general contractor, owner and supervisor see every payroll of the
project; a subcontractor sees its own; anyone else is told the project does not exist.
The regulator sees arrears everywhere; a general contractor those of its projects; an employer
its own."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.projects.models import Participant
from jianguan.rules.lookup import rule
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.wages.models import PayRate, Payroll, WageAccount, WageArrears
from jianguan.smartsite.workers.selectors import OWN, Scope

PARTY_ROLES = {
    "owner": "建设单位",
    "general_contractor": "施工总承包单位",
    "labour_subcontractor": "劳务分包单位",
    "specialist_subcontractor": "专业分包单位",
    "supervisor": "监理单位",
}


def account(scope: Scope) -> WageAccount | None:
    return WageAccount.objects.filter(project=scope.project).select_related("holder").first()


def pay_rates(scope: Scope) -> QuerySet[PayRate]:
    qs = PayRate.objects.filter(project=scope.project).select_related(
        "employer", "contract", "contract__worker"
    )
    if scope.reach == OWN:
        qs = qs.filter(employer_id=scope.organisation_id)
    return qs.order_by("-pk")


def payrolls(scope: Scope) -> QuerySet[Payroll]:
    qs = Payroll.objects.filter(project=scope.project).select_related("employer")
    if scope.reach == OWN:
        qs = qs.filter(employer_id=scope.organisation_id)
    return qs.order_by("-month", "employer__name", "pk")


def payroll(scope: Scope, pk: int) -> Payroll:
    found = payrolls(scope).select_related("project").filter(pk=pk).first()
    if found is None:
        raise NotFound("工资表不存在或无权查看", code="payroll_not_found")
    return found


def lines(payroll_obj: Payroll):
    return payroll_obj.lines.select_related("worker").prefetch_related("payments")


def arrears_visible_to(*, actor: Actor) -> QuerySet[WageArrears]:
    """The regulator sees every case; a general contractor those of its sites; an employer
    (the labour subcontractor) those of its own workers' wages."""
    qs = WageArrears.objects.select_related("project", "payroll", "employer")
    if actor.is_kind("regulator") or actor.is_system:
        return qs
    if actor.organisation_id is None:
        return qs.none()
    mine = Participant.objects.filter(
        organisation_id=actor.organisation_id, role="general_contractor", is_active=True
    ).values("project_id")
    return qs.filter(Q(project_id__in=mine) | Q(employer_id=actor.organisation_id))


def arrears_one(*, actor: Actor, pk: int) -> WageArrears:
    found = arrears_visible_to(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("欠薪记录不存在或无权查看", code="arrears_not_found")
    return found


def arrears_to_decide(*, actor: Actor) -> QuerySet[WageArrears]:
    if not (actor.is_kind("regulator") and actor.can("smartsite.wage_arrears_decide")):
        return WageArrears.objects.none()
    # Open cases to follow up, and repeated ones (even paid late) awaiting the credit decision.
    return arrears_visible_to(actor=actor).filter(
        Q(status=workflow.A_OPEN) | Q(status=workflow.A_SETTLED, repeated=True)
    )


def notice_board(scope: Scope, *, on: dt.date) -> dict:
    """维权信息告示牌 (第三十四条): the parties, the labour officer, the local minimum wage, the
    pay day and the complaint hotlines."""
    project = scope.project
    parties = [
        {"role": role, "role_label": PARTY_ROLES[role], "name": name}
        for role, name in Participant.objects.filter(
            project=project, is_active=True, role__in=list(PARTY_ROLES)
        )
        .order_by("role", "organisation__name")
        .values_list("role", "organisation__name")
    ]
    order = list(PARTY_ROLES)
    parties.sort(key=lambda p: (order.index(p["role"]), p["name"]))
    acc = account(scope)
    minimum = rule("wage.minimum_monthly", on=on)
    hotlines = rule("wage.complaint_hotlines", on=on)
    return {
        "project_code": project.code,
        "project_name": project.name,
        "parties": parties,
        "labour_officer_name": acc.labour_officer_name if acc else "",
        "labour_officer_phone": acc.labour_officer_phone if acc else "",
        "pay_day": acc.pay_day if acc else None,
        "pay_day_text": f"每月{acc.pay_day}日发放上月工资" if acc else "尚未设定",
        "wage_bank": acc.bank if acc else "",
        "minimum_wage_monthly": minimum.value,
        "minimum_wage_reference": minimum.reference,
        "hotlines": str(hotlines.value),
        "reference": "《保障农民工工资支付条例》第三十四条",
    }
