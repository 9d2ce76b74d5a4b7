"""What other apps ask of tracking audit: the payment-claim gate (the owner answers every
opinion of the tracking auditor on a contract before that contract's next claim is submitted)
and the opinions shown in the final account review. Plain reads, no permission: the callers
have checked theirs."""

from __future__ import annotations

from typing import Any


def unanswered_opinions(contract: Any) -> int:
    from jianguan.cost.control import workflow
    from jianguan.cost.control.models import Opinion

    return Opinion.objects.filter(contract=contract, status=workflow.OPEN).count()


def opinions_for_contract(contract: Any) -> list[dict]:
    """Every tracking-audit opinion on the contract, oldest first, as plain dicts (number,
    subject, text, firm, dates, answer, status with its Chinese label)."""
    from jianguan.cost.control import workflow
    from jianguan.cost.control.models import Opinion
    from jianguan.cost.control.selectors import name_of

    rows = (
        Opinion.objects.filter(contract=contract)
        .select_related("engagement__firm", "raised_by", "answered_by")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": o.pk,
            "number": o.number,
            "subject_kind": o.subject_kind,
            "subject_kind_label": workflow.SUBJECT_KINDS[o.subject_kind],
            "subject_label": o.subject_label,
            "text": o.text,
            "firm_name": o.engagement.firm.name,
            "raised_by_name": name_of(o.raised_by),
            "raised_at": o.created_at,
            "due_on": o.due_on,
            "status": o.status,
            "status_label": workflow.STATUSES[o.status],
            "answer": o.answer,
            "answered_by_name": name_of(o.answered_by) if o.answered_by_id else "",
            "answered_at": o.answered_at,
        }
        for o in rows
    ]
