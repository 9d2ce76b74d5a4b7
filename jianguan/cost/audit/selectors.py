"""Reads of the settlement audit, scoped to the actor. An audit is seen by the parties of its
contract, by the appointed firm and by the regulator. Each review's cuts are seen by its own
organisation; by the other reviewer only once that one's own review is in (independence); by
the others once submitted. The merged figures exist only once both are in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from jianguan.contracts.selectors import contract_list_visible_to, sees_all
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.models import AuditCut, AuditLineResult, AuditReview, SettlementAudit
from jianguan.cost.settlement.models import FinalAccountLine

PAGE_SIZE = 100


def audits_visible_to(*, actor: Actor) -> QuerySet[SettlementAudit]:
    qs = SettlementAudit.objects.select_related(
        "account__contract__project", "account__contract__contractor", "firm", "finance"
    ).order_by("-appointed_at", "-pk")
    if not actor.can("cost_audit.view"):
        return qs.none()
    if sees_all(actor):
        return qs
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(
        Q(account__contract__in=contract_list_visible_to(actor=actor))
        | Q(firm_id=actor.organisation_id)
    )


def audit_get_visible(*, actor: Actor, pk: int) -> SettlementAudit:
    audit = audits_visible_to(actor=actor).filter(pk=pk).first()
    if audit is None:
        raise NotFound("结算审计不存在或无权查看", code="audit_not_found")
    return audit


def review_visible(actor: Actor, review: AuditReview, reviews: list[AuditReview]) -> bool:
    mine = next((r for r in reviews if r.organisation_id == actor.organisation_id), None)
    return wf.review_visible(
        viewer_org=actor.organisation_id,
        review_org=review.organisation_id,
        review_submitted=review.submitted_at is not None,
        viewer_review_submitted=None if mine is None else mine.submitted_at is not None,
    )


def visible_reviews(actor: Actor, audit: SettlementAudit) -> list[AuditReview]:
    reviews = list(audit.reviews.select_related("organisation").order_by("stage"))
    return [r for r in reviews if review_visible(actor, r, reviews)]


def own_review(actor: Actor, audit: SettlementAudit) -> AuditReview | None:
    if actor.organisation_id is None:
        return None
    return audit.reviews.filter(organisation_id=actor.organisation_id).first()


@dataclass
class LineRow:
    line: FinalAccountLine
    cuts: dict  # stage -> (amount, reason), only of the visible reviews
    result: AuditLineResult | None


FILTERS = {
    "": "全部",
    "cut": "有审减",
    "disputed": "有异议",
    "stage_settled": "过程结算（不再审计）",
}


def line_page(
    *,
    actor: Actor,
    audit: SettlementAudit,
    page: int = 1,
    q: str = "",
    kind: str = "",
    show: str = "",
    per_page: int = PAGE_SIZE,
):
    """One page of the account's lines with the cuts the actor may see beside them
    (three queries whatever the size of the account)."""
    lines = FinalAccountLine.objects.filter(account_id=audit.account_id).order_by("sequence")
    if q:
        lines = lines.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if kind:
        lines = lines.filter(source_kind=kind)
    visible = [r.pk for r in visible_reviews(actor, audit)]
    if show == "cut":
        lines = lines.filter(
            pk__in=AuditCut.objects.filter(review_id__in=visible).values("line_id")
        )
    elif show == "disputed":
        lines = lines.filter(
            pk__in=AuditLineResult.objects.filter(audit=audit, response=wf.DISPUTED_LINE).values(
                "line_id"
            )
        )
    elif show == "stage_settled":
        lines = lines.filter(stage_settled=True)
    pager = Paginator(lines, per_page)
    page_obj = pager.get_page(page)
    ids = [line.pk for line in page_obj.object_list]
    cuts: dict[int, dict] = {}
    for line_id, stage, amount, reason in AuditCut.objects.filter(
        review_id__in=visible, line_id__in=ids
    ).values_list("line_id", "review__stage", "audited_amount", "reason"):
        cuts.setdefault(line_id, {})[stage] = (amount, reason)
    results = (
        {r.line_id: r for r in AuditLineResult.objects.filter(audit=audit, line_id__in=ids)}
        if audit.state != wf.REVIEWING
        else {}
    )
    rows = [LineRow(line, cuts.get(line.pk, {}), results.get(line.pk)) for line in page_obj]
    return page_obj, rows


def totals(audit: SettlementAudit) -> dict[str, Decimal]:
    from django.db.models import Count, Sum

    got = AuditLineResult.objects.filter(audit=audit).aggregate(
        claimed=Sum("claimed_amount"),
        proposed=Sum("proposed_amount"),
        n=Count("pk"),
        disputed=Count("pk", filter=Q(response=wf.DISPUTED_LINE)),
    )
    return {k: v or 0 for k, v in got.items()}
