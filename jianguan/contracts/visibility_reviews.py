"""Who may read the ledger entries of payment-claim reviews: the same independence as the
pages (selectors_claims.review_visible). A review's entries are seen by its own
organisation; once submitted by the contract's parties and the regulator, except that the
auditor never sees a finance review before its own audit review of that round is submitted."""

from __future__ import annotations

from jianguan.core.actor import Actor


def _review_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.contracts.models import Review
    from jianguan.contracts.selectors import contract_list_visible_to
    from jianguan.contracts.selectors_claims import review_visible

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
