"""The demo district's investment control and tracking audit, through the services on the demo
contract's project: the owner's contingency and a monthly payment plan from the contract's start
to its end (the S-curve's plan line, against the progress payments already made); the owner
engages the contract's audit firm for whole-process tracking audit; the firm leaves an opinion
on the first payment claim, which the owner answers and the firm confirms, and one on the latest
variation (or claim), still awaiting the owner's answer. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from jianguan.core.demo import clock
from jianguan.core.timeutil import now, today_local
from jianguan.cost.control import curve, services, workflow
from jianguan.cost.control.models import Engagement

PACKAGE = "jianguan.cost.control"


def _actor_of(org_id):
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import Membership

    if org_id is None:
        return None
    rows = Membership.objects.filter(organisation_id=org_id, is_active=True).select_related("user")
    for m in rows.order_by("pk"):
        if set(m.roles or ()) & {"org_admin", "admin", "staff", "signer"}:
            return actor_for(m.user, org_id)
    return None


def _contract():
    from jianguan.accounts.models import User
    from jianguan.contracts import workflow as cwf
    from jianguan.contracts.models import Contract

    gc = User.objects.filter(username="contractor").first()
    qs = Contract.objects.filter(kind="main", status__in=cwf.IN_FORCE).select_related("project")
    if gc is not None:
        from jianguan.accounts.models import Membership

        org = Membership.objects.filter(user=gc, is_active=True).values_list(
            "organisation_id", flat=True
        )
        mine = qs.filter(contractor_id__in=list(org)).order_by("pk").first()
        if mine is not None:
            return mine
    return qs.filter(claims__isnull=False).order_by("pk").first()


def _plan_months(contract) -> list[dict]:
    """An S-shaped plan: the contract value (less the retention) spread over the months of the
    contract by a smooth ramp up and down (weights 1, 2, 3, … , 3, 2, 1)."""
    start = curve.month_of(contract.start_on or contract.signed_on or today_local())
    months = max(3, min(36, (contract.duration_days or 365) // 30))
    weights = [min(i + 1, months - i) for i in range(months)]
    total = (contract.price * Decimal("0.97")).quantize(Decimal("0.01"))
    out, m, used = [], start, Decimal(0)
    for i, w in enumerate(weights):
        amount = (total * w / sum(weights)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if i == months - 1:
            amount = total - used
        used += amount
        out.append({"month": m.isoformat(), "amount": amount})
        m = curve.next_month(m)
    return out


def seed() -> dict[str, object]:
    from jianguan.accounts.models import Organisation
    from jianguan.contracts import workflow as cwf
    from jianguan.contracts.models import PaymentClaim, Variation

    contract = _contract()
    if contract is None:
        return {"skipped": "no contract"}
    project = contract.project
    if Engagement.objects.filter(project=project).exists():
        return {"skipped": True}
    owner = _actor_of(project.owner_id)
    firm_id = (
        contract.auditor_id
        or (
            Organisation.objects.filter(kind="auditor").order_by("pk").values_list("pk", flat=True)
        ).first()
    )
    auditor = _actor_of(firm_id)
    if owner is None or auditor is None:
        return {"skipped": "no owner or audit firm member"}
    start = now() - dt.timedelta(days=40)
    with clock(start, PACKAGE):
        services.cost_plan_update(
            actor=owner,
            project=project,
            budget_amount="",
            contingency=(contract.price * Decimal("0.02")).quantize(Decimal("0.01")),
            note="按合同价的 2% 预留不可预见费，用于地下障碍物等尚未明确的事项",
        )
        services.payment_plan_set(actor=owner, project=project, months=_plan_months(contract))
        engagement = services.engagement_create(
            actor=owner,
            project=project,
            firm_id=firm_id,
            reference=f"DXSJ-{today_local():%Y}-{project.pk:03d}",
        )
    claims = list(PaymentClaim.objects.filter(contract=contract, round__gt=0).order_by("sequence"))
    variation = (
        Variation.objects.filter(contract=contract)
        .exclude(status=cwf.V_DRAFT)
        .order_by("-pk")
        .first()
    )
    out: dict[str, object] = {"engagement": engagement.pk}
    if claims:
        with clock(start + dt.timedelta(days=5), PACKAGE):
            first = services.opinion_raise(
                actor=auditor,
                project=project,
                subject_kind=workflow.CLAIM,
                subject_id=claims[0].pk,
                text="本期申报的土方工程量与监理签认的测量记录存在差异，请建设单位核实计量依据并补充测量原始记录。",
            )
        with clock(start + dt.timedelta(days=8), PACKAGE):
            services.opinion_answer(
                actor=owner,
                opinion=first,
                text="已会同监理复测，差异系测量基准点不同所致；复测记录已归档，审定量按复测结果。",
            )
        with clock(start + dt.timedelta(days=9), PACKAGE):
            services.opinion_close(actor=auditor, opinion=first)
        out["answered"] = first.number
    if variation is not None or claims:
        kind, sid = (
            (workflow.VARIATION, variation.pk) if variation else (workflow.CLAIM, claims[-1].pk)
        )
        with clock(now() - dt.timedelta(days=2), PACKAGE):
            pending = services.opinion_raise(
                actor=auditor,
                project=project,
                subject_kind=kind,
                subject_id=sid,
                text="该事项的综合单价未见询价记录与组价依据，请建设单位说明单价确定的过程并提供依据。",
            )
        out["open"] = pending.number
    return out
