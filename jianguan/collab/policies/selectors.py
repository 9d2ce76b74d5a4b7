"""Reads of the policy library. Published and repealed policies are public (the public page
shows published ones only); drafts are the regulator's (policies.manage). Receipts and
tracking are the regulator's and, for its own receipt, the organisation's."""

from __future__ import annotations

import json

from django.db.models import Q, QuerySet

from jianguan.collab.policies import workflow
from jianguan.collab.policies.models import Policy, PolicyAttachment, PolicyReceipt
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require


def public() -> QuerySet[Policy]:
    return Policy.objects.filter(status=workflow.PUBLISHED)


def visible_to(actor: Actor) -> QuerySet[Policy]:
    """What a signed-in member sees (no grant: nothing)."""
    if not actor.can("policies.view"):
        return Policy.objects.none()
    if actor.can("policies.manage"):
        return Policy.objects.all()
    return Policy.objects.exclude(status=workflow.DRAFT)


def filtered(qs: QuerySet[Policy], *, q: str = "", tag: str = "", year: int | None = None):
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(number__icontains=q)
            | Q(full_text__icontains=q)
            | Q(issuer__icontains=q)
        )
    if tag:
        # tags are a short JSON list, tested as text: SQLite keeps it escaped (\\uXXXX),
        # PostgreSQL's jsonb prints it as is; a quoted tag matches whole tags only
        if '"' in tag or "\\" in tag:
            return qs.none()
        qs = qs.filter(Q(tags__icontains=json.dumps(tag)) | Q(tags__icontains=f'"{tag}"'))
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs


def policy_get(*, actor: Actor, pk: int) -> Policy:
    require(actor, "policies.view")
    policy = visible_to(actor).filter(pk=pk).first() if 0 < pk < 2**62 else None
    if policy is None:
        raise NotFound("政策不存在或无权查看", code="policy_not_found")
    return policy


def public_get(pk: int) -> Policy:
    policy = public().filter(pk=pk).first() if 0 < pk < 2**62 else None
    if policy is None:
        raise NotFound("政策不存在", code="policy_not_found")
    return policy


def attachment_get(policy: Policy, pk: int) -> PolicyAttachment:
    item = policy.attachments.filter(pk=pk).first() if 0 < pk < 2**62 else None
    if item is None:
        raise NotFound("附件不存在", code="attachment_not_found")
    return item


def receipt_of(actor: Actor, policy: Policy) -> PolicyReceipt | None:
    if actor.organisation_id is None:
        return None
    return PolicyReceipt.objects.filter(
        policy=policy, organisation_id=actor.organisation_id
    ).first()


def pending_for(actor: Actor) -> QuerySet[PolicyReceipt]:
    """The actor's organisation's receipts of published policies not yet acknowledged."""
    if actor.organisation_id is None:
        return PolicyReceipt.objects.none()
    return PolicyReceipt.objects.filter(
        organisation_id=actor.organisation_id,
        acknowledged_at__isnull=True,
        policy__status=workflow.PUBLISHED,
    ).select_related("policy")


def tracking(*, actor: Actor, policy: Policy) -> dict:
    require(actor, "policies.manage")
    receipts = list(
        policy.receipts.select_related(
            "organisation", "organisation__town", "first_read_by", "acknowledged_by"
        ).order_by("organisation__kind", "organisation__name")
    )
    n = len(receipts)
    read = sum(1 for r in receipts if r.first_read_at)
    ack = sum(1 for r in receipts if r.acknowledged_at)
    return {
        "targeted": n,
        "read": read,
        "acknowledged": ack,
        "read_percent": workflow.percent(read, n),
        "acknowledged_percent": workflow.percent(ack, n),
        "receipts": receipts,
        "pending": [r for r in receipts if not r.acknowledged_at],
    }


def years() -> list[int]:
    return sorted({d.year for d in public().values_list("issued_on", flat=True)}, reverse=True)


def tags() -> list[str]:
    seen: dict[str, None] = {}
    for row in public().values_list("tags", flat=True):
        for t in row or []:
            seen.setdefault(t, None)
    return sorted(seen)
