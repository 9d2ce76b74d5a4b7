"""Reads of advance payments and retention, scoped to the actor through the contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Min, Sum

from jianguan.contracts.models import Contract, PaymentClaim
from jianguan.contracts.selectors import contract_get_visible, contract_list_visible_to
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.timeutil import today_local
from jianguan.cost.payments import workflow as wf
from jianguan.cost.payments.models import (
    AdvancePayment,
    AdvanceRecovery,
    AdvanceTerms,
    RetentionHold,
    RetentionRelease,
)
from jianguan.rules.lookup import rule_value

ZERO = Decimal("0.00")


def contract_for(*, actor: Actor, pk: int) -> Contract:
    return contract_get_visible(actor=actor, pk=pk)


def _visible(model, *, actor: Actor, pk: int, message: str):
    obj = (
        model.objects.select_related("contract")
        .filter(pk=pk, contract__in=contract_list_visible_to(actor=actor))
        .first()
    )
    if obj is None:
        raise NotFound(message, code="not_found")
    return obj


def advance_get(*, actor: Actor, pk: int) -> AdvancePayment:
    return _visible(AdvancePayment, actor=actor, pk=pk, message="预付款不存在或无权查看")


def release_get(*, actor: Actor, pk: int) -> RetentionRelease:
    return _visible(RetentionRelease, actor=actor, pk=pk, message="返还申请不存在或无权查看")


def hold_get(*, actor: Actor, pk: int) -> RetentionHold:
    return _visible(RetentionHold, actor=actor, pk=pk, message="暂扣记录不存在或无权查看")


def retention_figures(contract: Contract) -> dict[str, Decimal]:
    """held: withheld on approved claims; released: paid back; holds: open holds;
    unreleased: held − released; releasable: unreleased − holds − pending requests."""
    held = (
        PaymentClaim.objects.filter(contract=contract, status__in=("approved", "paid")).aggregate(
            s=Sum("retention_amount")
        )["s"]
        or ZERO
    )
    rel = RetentionRelease.objects.filter(contract=contract)
    released = rel.filter(status=wf.R_PAID).aggregate(s=Sum("amount"))["s"] or ZERO
    pending = (
        rel.filter(status__in=(wf.R_REQUESTED, wf.R_CONFIRMED)).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    holds = (
        RetentionHold.objects.filter(contract=contract, status=wf.H_OPEN).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    held, released, pending, holds = (
        Decimal(v).quantize(Decimal("0.01")) for v in (held, released, pending, holds)
    )  # SQLite sums decimals through floats
    return {
        "held": held,
        "released": released,
        "pending": pending,
        "holds": holds,
        "unreleased": held - released,
        "releasable": wf.releasable(held, released + pending, holds),
    }


def completion_of(contract: Contract) -> dt.date | None:
    """Completion acceptance: where the project register's warranty clocks start."""
    start = contract.project.warranty_clocks.aggregate(d=Min("starts_on"))["d"]
    return start or contract.project.completion_date


def period_end_of(contract: Contract) -> dt.date | None:
    """End of the defects liability period (缺陷责任期), or None before completion."""
    start = completion_of(contract)
    if start is None:
        return None
    terms = AdvanceTerms.objects.filter(contract=contract).first()
    return wf.defects_period_end(start, terms.defects_period_months if terms else 12)


def open_findings(contract: Contract) -> int:
    """Rectification orders on the project, against the contractor, not yet passed."""
    from jianguan.compliance.models import RectificationOrder

    return (
        RectificationOrder.objects.filter(
            project_id=contract.project_id,
            responsible_organisation_id=contract.contractor_id,
        )
        .exclude(status="passed")
        .count()
    )


def overview(contract: Contract) -> dict[str, Any]:
    """Everything the 预付款与质量保证金 page shows."""
    from jianguan.cost.payments.position import contract_position

    advance = AdvancePayment.objects.filter(contract=contract).first()
    terms = AdvanceTerms.objects.filter(contract=contract).first()
    recoveries = list(
        AdvanceRecovery.objects.filter(claim__contract=contract).select_related("claim")
    )
    for r in recoveries:
        r.net = (r.claim.payable_amount or ZERO) - r.amount
    figures = retention_figures(contract)
    return {
        "position": contract_position(contract),
        "terms": terms,
        "advance": advance,
        "advance_below_principle": wf.below_principle(
            contract.advance_ratio,
            Decimal(str(rule_value("advance.ratio_min", on=contract.signed_on or today_local()))),
        ),
        "advance_limit": (contract.price * contract.advance_ratio).quantize(Decimal("0.01")),
        "recovery_start_value": (contract.price * terms.start_ratio).quantize(Decimal("0.01"))
        if terms
        else None,
        "recoveries": recoveries,
        "retention": figures,
        "holds": list(RetentionHold.objects.filter(contract=contract)),
        "releases": list(RetentionRelease.objects.filter(contract=contract)),
        "completed_on": completion_of(contract),
        "period_end": period_end_of(contract),
        "open_findings": open_findings(contract),
    }
