"""Who may read the ledger entries of payment-claim reviews: the same independence as the
pages (claims/selectors.review_visible). A review's entries are seen by its own
organisation; once submitted by the contract's parties and the regulator, except that the
auditor never sees a finance review before its own audit review of that round is submitted."""

from __future__ import annotations

from jianguan.core.actor import Actor


def _review_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.contracts.claims.selectors import review_visible
    from jianguan.contracts.models import Review
    from jianguan.contracts.selectors import contract_list_visible_to

    if not object_id.isascii() or not object_id.isdigit():
        return False
    review = Review.objects.select_related("claim__contract").filter(pk=int(object_id)).first()
    if review is None:
        return False
    if not contract_list_visible_to(actor=actor).filter(pk=review.claim.contract_id).exists():
        return False
    return review_visible(actor, review)


def register_all() -> None:
    from jianguan.ledger.visibility import register

    register("contracts", "review", _review_rule)
    register_restriction()


# --- the embargo that holds even against ledger.view_all (granted to auditors) -----------------


def _open_finance_reviews():
    from django.db.models import Exists, OuterRef

    from jianguan.contracts.models import Review

    audit_done = Review.objects.filter(
        claim=OuterRef("claim"), round=OuterRef("round"), stage="audit", submitted_at__isnull=False
    )
    return Review.objects.filter(stage="finance").exclude(Exists(audit_done))


def _withheld_from(actor: Actor):
    """An auditor never reads a finance review before its round's audit review is submitted;
    the queryset is evaluated inside the ledger's query, so it lifts at the submission."""
    return _open_finance_reviews() if actor.is_kind("auditor") else None


def register_restriction() -> None:
    from jianguan.ledger.visibility import embargo

    embargo(
        "contracts",
        "review",
        objects=_withheld_from,
        reason="本轮审计复核提交前，财政评审对审计单位保密（独立复核）",
    )
