"""To-dos of advance payments and retention, each with its statutory clock: the owner approves
an advance and confirms a release (建质〔2017〕138号 第十条: 14 days), finance pays, the
contractor asks for its retention back once the defects liability period has ended. At most
two queries for any one actor (an organisation is one party kind)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import DecimalField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url
from jianguan.cost.payments import workflow as wf

MODULE = "contracts"


def _sum(qs, field: str):
    return Coalesce(
        Subquery(qs.values("contract_id").annotate(s=Sum(field)).values("s")[:1]),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def items(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.contracts.models import Contract, PaymentClaim
    from jianguan.cost.payments.models import AdvancePayment, AdvanceTerms, RetentionRelease

    org = actor.organisation_id
    if org is None or not actor.can("cost_payments.view"):
        return
    url = pk_url("cost_payments:contract")
    deciding = actor.can("cost_payments.decide")
    paying = actor.can("cost_payments.pay")
    if deciding or paying:
        # the payer: the finance bureau, or the owner where the contract names none
        pay_q = Q(contract__finance_bureau_id=org) | Q(
            contract__finance_bureau__isnull=True, contract__employer_id=org
        )
        adv_q = Q(pk__in=[])
        rel_q = Q(pk__in=[])
        if deciding:
            adv_q |= Q(status=wf.A_REQUESTED, contract__employer_id=org)
            rel_q |= Q(status=wf.R_REQUESTED, contract__employer_id=org)
        if paying:
            adv_q |= Q(status=wf.A_APPROVED) & pay_q
            rel_q |= Q(status=wf.R_CONFIRMED) & pay_q
        for a in AdvancePayment.objects.filter(adv_q).select_related("contract")[:200]:
            approve = a.status == wf.A_REQUESTED
            yield TodoItem(
                kind="cost_payments.advance_approve" if approve else "cost_payments.advance_pay",
                title=f"{'审批' if approve else '支付'}预付款 {a.amount:,.2f} 元："
                f"{a.contract.number} {a.contract.title}",
                url=url(a.contract_id),
                due=a.due_on,
                overdue=bool(a.due_on and a.due_on < today),
                module=MODULE,
            )
        for r in RetentionRelease.objects.filter(rel_q).select_related("contract")[:200]:
            confirm = r.status == wf.R_REQUESTED
            due = r.confirm_due_on if confirm else r.pay_due_on
            yield TodoItem(
                kind="cost_payments.release_confirm" if confirm else "cost_payments.release_pay",
                title=f"{'核实' if confirm else '支付'}质量保证金返还 {r.amount:,.2f} 元："
                f"{r.contract.number} {r.contract.title}",
                url=url(r.contract_id),
                due=due,
                overdue=bool(due and due < today),
                module=MODULE,
            )
    if actor.can("cost_payments.request"):
        held = PaymentClaim.objects.filter(
            contract_id=OuterRef("pk"), status__in=("approved", "paid")
        )
        out = RetentionRelease.objects.filter(
            contract_id=OuterRef("pk"), status__in=(wf.R_REQUESTED, wf.R_CONFIRMED, wf.R_PAID)
        )
        months = AdvanceTerms.objects.filter(contract_id=OuterRef("pk")).values(
            "defects_period_months"
        )[:1]
        rows = (
            Contract.objects.filter(contractor_id=org)
            .annotate(
                completed=Min("project__warranty_clocks__starts_on"),
                held=_sum(held, "retention_amount"),
                asked=_sum(out, "amount"),
                months=Subquery(months),
            )
            .filter(completed__isnull=False)
            .values("pk", "number", "title", "completed", "held", "asked", "months")
        )
        for c in rows[:200]:
            end = wf.defects_period_end(c["completed"], c["months"] or 12)
            if end <= today and c["held"] > c["asked"]:
                yield TodoItem(
                    kind="cost_payments.release_request",
                    title=f"缺陷责任期已届满，可申请返还质量保证金 {c['held'] - c['asked']:,.2f} 元："
                    f"{c['number']} {c['title']}",
                    url=url(c["pk"]),
                    due=end,
                    module=MODULE,
                )
