"""Payment claims and variations come to whoever acts next (待办): each review stage of the
double review to its organisation's reviewers in turn, a returned claim to the contractor, an
approved one to be paid; a variation to the supervisor, the owner and, above the district's
threshold, the regulator. Nobody sees a step that is not theirs."""

from __future__ import annotations

from decimal import Decimal

from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claims
from jianguan.contracts.tests.test_claims import new_claim
from jianguan.contracts.tests.test_rule_boundaries_claims import _raise_amount, rules  # noqa: F401
from jianguan.contracts.variations import services as var
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for

PERSONAS = ("contractor", "supervisor", "owner", "finance", "auditor", "regulator")


def _who(deal, kind_prefix: str) -> dict[str, list[str]]:
    out = {}
    for name in PERSONAS:
        kinds = [
            i.kind
            for i in todo_for(deal["actors"][name], today_local())
            if i.kind.startswith(kind_prefix)
        ]
        if kinds:
            out[name] = kinds
    return out


def test_a_claim_goes_from_stage_to_stage_of_the_double_review(rules, deal):  # noqa: F811
    claim = new_claim(deal)
    assert _who(deal, "contracts.claim") == {}  # a draft asks nothing of anyone
    claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    for stage, persona in (
        ("supervisor", "supervisor"),
        ("owner", "owner"),
        ("finance", "finance"),
        ("audit", "auditor"),
    ):
        claim.refresh_from_db()
        assert claim.status == stage
        assert _who(deal, "contracts.claim") == {persona: ["contracts.claim_review"]}, stage
        actor = deal["actors"][persona]
        (item,) = [i for i in todo_for(actor, today_local()) if i.kind.startswith("contracts.")]
        assert claim.number in item.title and item.url == f"/contracts/claims/{claim.pk}/"
        review = reviews.review_start(actor=actor, claim=claim)
        reviews.review_submit(actor=actor, review=review, opinion="同意")
    claim.refresh_from_db()
    assert claim.status == "approved"
    waiting = _who(deal, "contracts.claim")
    assert set(waiting) <= {"owner", "finance"} and waiting, "someone registers the payment"
    assert all(k == ["contracts.claim_pay"] for k in waiting.values())


def test_a_variation_comes_to_each_step_in_turn(rules, deal):  # noqa: F811
    a = deal["actors"]
    big = deal["contract"].price  # far above the regulator's threshold
    v = _raise_amount(deal, Decimal(big).quantize(Decimal("0.01")), 1)
    assert v.needs_regulator
    assert _who(deal, "contracts.variation") == {"supervisor": ["contracts.variation_decide"]}
    var.variation_decide(actor=a["supervisor"], variation=v, decision="approve")
    assert _who(deal, "contracts.variation") == {"owner": ["contracts.variation_decide"]}
    var.variation_decide(actor=a["owner"], variation=v, decision="approve")
    assert _who(deal, "contracts.variation") == {"regulator": ["contracts.variation_decide"]}
    var.variation_decide(actor=a["regulator"], variation=v, decision="approve")
    assert _who(deal, "contracts.variation") == {}
