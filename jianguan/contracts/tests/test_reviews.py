"""The double review (双审双控) end to end: independence of the finance and audit reviews,
the final figures, the 80 % rule and retention, returns, and audit reductions → credit."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jianguan.compliance.models import CreditRecord
from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import selectors as sel
from jianguan.contracts.claims import services as claims
from jianguan.contracts.claims.visibility import _review_rule as review_rule
from jianguan.contracts.models import ClaimLine, Review, ReviewCut
from jianguan.contracts.payments import money
from jianguan.contracts.tests.test_claims import P1, new_claim, payload, run_chain, snapshot
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entries_search
from jianguan.ledger.visibility import can_see


def submitted(deal):
    return claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))


def lines_of(claim):
    return list(ClaimLine.objects.filter(claim=claim).select_related("boq_item"))


def review_at(deal, claim, persona):
    return reviews.review_start(actor=deal["actors"][persona], claim=claim)


def approve(deal, persona, review, opinion="同意"):
    reviews.review_submit(actor=deal["actors"][persona], review=review, opinion=opinion)
    review.claim.refresh_from_db()


def flatten(view) -> str:
    """Everything in a claim_view as text (to search for what must not be there)."""
    out = [repr(view["claim"].__dict__), view["hidden_note"]]
    for row in view["lines"]:
        out.append(repr(row["stages"]) + repr(row["final"]))
    for r in view["reviews"]:
        out.append(repr(r["review"].__dict__))
        out += [f"{c.accepted_quantity} {c.reason}" for c in r["cuts"]]
    return "\n".join(out)


def test_double_review_end_to_end_with_independence(deal):
    a = deal["actors"]
    claim = submitted(deal)
    l0, l1, l2 = lines_of(claim)[:3]
    # supervisor (the chief supervisor's signature) and owner; the owner trims line 2
    approve(deal, "supervisor", review_at(deal, claim, "supervisor"))
    claim.refresh_from_db()
    assert claim.status == "owner" and claim.chief_supervisor == "supervisor负责人"
    owner = review_at(deal, claim, "owner")
    reviews.review_cut(
        actor=a["owner"],
        review=owner,
        line=l2,
        accepted_quantity=l2.cumulative_quantity - 1,
        reason="现场复核少 1",
    )
    # the contractor cannot see the owner's draft cut; the owner can
    view = sel.claim_view(actor=a["contractor"], claim=claim)
    assert "现场复核少" not in flatten(view) and view["hidden_note"]
    assert all(row["stages"]["owner"] is None for row in view["lines"])
    assert "现场复核少" in flatten(sel.claim_view(actor=a["owner"], claim=claim))
    # a second review cannot start before the first is submitted
    with pytest.raises(Conflict) as exc:
        reviews.review_start(actor=a["finance"], claim=claim)
    assert exc.value.code == "previous_review_open"
    approve(deal, "owner", owner)
    assert "现场复核少" in flatten(sel.claim_view(actor=a["contractor"], claim=claim))
    # finance cuts two lines
    fin = review_at(deal, claim, "finance")
    f0, f1 = l0.cumulative_quantity - D("7.125"), l1.cumulative_quantity - D("3.5")
    reviews.review_cut(
        actor=a["finance"], review=fin, line=l0, accepted_quantity=f0, reason="财评核减甲"
    )
    reviews.review_cut(
        actor=a["finance"], review=fin, line=l1, accepted_quantity=str(f1), reason="财评核减乙"
    )
    # the auditor may not start while the finance review is open
    with pytest.raises(Conflict) as exc:
        reviews.review_start(actor=a["auditor"], claim=claim)
    assert exc.value.code == "previous_review_open"
    approve(deal, "finance", fin)
    fin.refresh_from_db()
    owner.refresh_from_db()
    assert fin.reduction == owner.reviewed_value - fin.reviewed_value
    exact_cut = D("7.125") * l0.unit_rate + D("3.5") * l1.unit_rate
    assert abs(fin.reduction - exact_cut) < D("0.01")
    # the auditor's view before submitting holds no finance cut, reason, value or figure
    claim.refresh_from_db()
    aud = review_at(deal, claim, "auditor")
    view = sel.claim_view(actor=a["auditor"], claim=claim)
    text = flatten(view)
    for secret in ("财评核减", str(f0), str(fin.reviewed_value), str(fin.reduction)):
        assert secret not in text, secret
    assert all(row["stages"]["finance"] is None for row in view["lines"])
    assert "审计" in view["hidden_note"] and view["may"]["cut"]
    # nor can the auditor read the finance review's ledger entries
    assert not review_rule(a["auditor"], str(fin.pk))
    assert review_rule(a["owner"], str(fin.pk))
    assert not can_see(a["contractor"], "contracts", "review", str(aud.pk))
    assert not can_see(a["owner"], "contracts", "review", str(aud.pk))
    # the audit starts from the owner's figure: deeper than finance on l0, shallower on l1
    a0, a1 = f0 - D("1"), f1 + D("2")
    with pytest.raises(ValidationFailed) as exc:
        reviews.review_cut(
            actor=a["auditor"],
            review=aud,
            line=l1,
            accepted_quantity=l1.cumulative_quantity + 1,
            reason="x",
        )
    assert exc.value.code == "cut_out_of_range"
    reviews.review_cut(
        actor=a["auditor"], review=aud, line=l0, accepted_quantity=str(a0), reason="审计核减甲"
    )
    reviews.review_cut(
        actor=a["auditor"], review=aud, line=l1, accepted_quantity=str(a1), reason="审计核减乙"
    )
    approve(deal, "auditor", aud)
    claim.refresh_from_db()
    assert claim.status == "approved"
    # after submission the auditor sees the finance review
    assert "财评核减甲" in flatten(sel.claim_view(actor=a["auditor"], claim=claim))
    assert review_rule(a["auditor"], str(fin.pk))
    # final = the lower of the two independent figures, line by line
    finals = {line.pk: line.approved_cumulative_quantity for line in lines_of(claim)}
    assert finals[l0.pk] == a0 and finals[l1.pk] == f1
    assert finals[l2.pk] == l2.cumulative_quantity - 1
    expected = money(sum((finals[ln.pk] * ln.unit_rate for ln in lines_of(claim)), D(0)))
    assert claim.approved_cumulative_value == claim.approved_value == expected
    assert claim.payable_amount == money(expected * D("0.85"))
    assert claim.retention_amount == money(expected * D("0.03"))
    body = payload("contracts.claim_approved")
    assert body["payable_amount"] == str(claim.payable_amount)
    review_body = payload("contracts.review_submitted")
    assert {c["reason"] for c in review_body["cuts"]} == {"审计核减甲", "审计核减乙"}
    # payment: above payable refused, exact payment → paid
    with pytest.raises(ValidationFailed) as exc:
        claims.payment_record(
            actor=a["finance"],
            claim=claim,
            amount=claim.payable_amount + D("0.01"),
            paid_on=today_local(),
            reference="ZF-9",
        )
    assert exc.value.code == "payment_exceeds_approved"
    claims.payment_record(
        actor=a["finance"],
        claim=claim,
        amount=claim.payable_amount,
        paid_on=today_local(),
        reference="ZF-9",
    )
    claim.refresh_from_db()
    assert claim.status == "paid"
    # reduction below 5 %: no credit record
    assert not CreditRecord.objects.filter(source_type="payment_claim").exists()


def test_reviewers_outside_the_chain_and_out_of_turn(deal):
    a = deal["actors"]
    claim = submitted(deal)
    before = snapshot(), Review.objects.count()
    for persona in ("other_auditor", "contractor", "other_supervisor"):
        with pytest.raises((PermissionDenied,)) as exc:
            reviews.review_start(actor=a[persona], claim=claim)
        assert exc.value.code == "not_in_chain", persona
    with pytest.raises(Conflict) as exc:
        reviews.review_start(actor=a["owner"], claim=claim)
    assert exc.value.code == "previous_review_open"
    assert (snapshot(), Review.objects.count()) == before
    sup = review_at(deal, claim, "supervisor")
    assert review_at(deal, claim, "supervisor").pk == sup.pk  # idempotent
    line = lines_of(claim)[0]
    with pytest.raises(PermissionDenied):
        reviews.review_cut(
            actor=a["owner"], review=sup, line=line, accepted_quantity="1", reason="x"
        )
    for qty, code in (("-1", "bad_quantity"), ("abc", "bad_quantity")):
        with pytest.raises(ValidationFailed) as exc:
            reviews.review_cut(
                actor=a["supervisor"], review=sup, line=line, accepted_quantity=qty, reason="x"
            )
        assert exc.value.code == code
    with pytest.raises(ValidationFailed):
        reviews.review_cut(
            actor=a["supervisor"], review=sup, line=line, accepted_quantity="1", reason=" "
        )
    with pytest.raises(ValidationFailed) as exc:
        reviews.review_submit(actor=a["supervisor"], review=sup, decision="maybe")
    assert exc.value.code == "bad_decision"
    assert not ReviewCut.objects.exists()
    approve(deal, "supervisor", sup)
    with pytest.raises(Conflict):
        reviews.review_submit(actor=a["supervisor"], review=sup)


def test_return_resubmit_and_new_round(deal):
    a = deal["actors"]
    claim = submitted(deal)
    approve(deal, "supervisor", review_at(deal, claim, "supervisor"))
    owner = review_at(deal, claim, "owner")
    with pytest.raises(ValidationFailed) as exc:
        reviews.review_submit(actor=a["owner"], review=owner, decision="return")
    assert exc.value.code == "opinion_missing"
    reviews.review_submit(actor=a["owner"], review=owner, decision="return", opinion="计量依据不全")
    claim.refresh_from_db()
    assert claim.status == "returned" and claim.round == 1
    line = lines_of(claim)[0]
    claims.claim_update(
        actor=a["contractor"],
        claim=claim,
        lines=[
            {"boq_item": line.boq_item_id, "cumulative_quantity": str(line.cumulative_quantity - 1)}
        ],
    )
    claim = claims.claim_submit(actor=a["contractor"], claim=claim)
    assert claim.status == "supervisor" and claim.round == 2 and not claim.chief_supervisor
    sup2 = review_at(deal, claim, "supervisor")
    assert sup2.round == 2 and Review.objects.filter(claim=claim).count() == 3
    view = sel.claim_view(actor=a["contractor"], claim=claim)
    assert any(r["review"].opinion == "计量依据不全" for r in view["reviews"])


@pytest.mark.parametrize("share, credited", [("0.94", True), ("0.96", False)])
def test_audit_reduction_feeds_the_credit_score(deal, share, credited):
    claim = submitted(deal)
    cuts = [
        (ln, money(ln.cumulative_quantity * D(share)).quantize(D("0.001")), "审计核减")
        for ln in lines_of(claim)
    ]
    claim = run_chain(deal, claim, {"audit": cuts})
    assert claim.status == "approved"
    ratio = (claim.claimed_value - claim.approved_value) / claim.claimed_value
    assert (ratio >= D("0.05")) is credited
    records = CreditRecord.objects.filter(source_type="payment_claim", source_id=claim.pk)
    assert records.exists() is credited
    if credited:
        rec = records.get()
        assert (
            rec.organisation == deal["orgs"]["general_contractor"] and rec.kind == "audit_reduction"
        )
        assert LedgerEntry.objects.filter(type="compliance.credit_recorded").exists()
    assert payload("contracts.claim_approved")["credit_recorded"] is credited


def test_worklist_follows_the_stage(deal):
    a = deal["actors"]
    claim = submitted(deal)
    assert [c.pk for c in sel.worklist(actor=a["supervisor"])] == [claim.pk]
    assert sel.worklist(actor=a["owner"]) == []
    approve(deal, "supervisor", review_at(deal, claim, "supervisor"))
    assert [c.pk for c in sel.worklist(actor=a["owner"])] == [claim.pk]
    assert sel.worklist(actor=a["supervisor"]) == []
    assert sel.worklist(actor=a["other_auditor"]) == []
    from jianguan.core.errors import NotFound

    with pytest.raises(NotFound):
        sel.claim_get_visible(actor=a["other_auditor"], pk=claim.pk)
    assert sel.claim_get_visible(actor=a["regulator"], pk=claim.pk) == claim
    assert P1[0] == claim.period_start


def test_the_ledger_hides_the_finance_review_from_the_auditor(deal):
    """Even with ledger.view_all (granted to audit firms), the finance review's entries are
    out of the auditor's reach, one by one and in the ledger listing, until the audit review
    of that round is submitted; the regulator reads them all along."""
    claim = submitted(deal)
    for persona in ("supervisor", "owner"):
        approve(deal, persona, review_at(deal, claim, persona))
        claim.refresh_from_db()
    fin = review_at(deal, claim, "finance")
    approve(deal, "finance", fin)
    auditor, regulator = deal["actors"]["auditor"], deal["actors"]["regulator"]
    assert not can_see(auditor, "contracts", "review", str(fin.pk))
    assert not can_see(deal["actors"]["other_auditor"], "contracts", "review", str(fin.pk))
    assert can_see(regulator, "contracts", "review", str(fin.pk))
    listed = entries_search(actor=auditor, object_app="contracts", object_model="review")
    assert str(fin.pk) not in {e.object_id for e in listed}
    assert entries_search(actor=regulator, object_app="contracts").filter(
        object_model="review", object_id=str(fin.pk)
    )
    claim.refresh_from_db()
    approve(deal, "auditor", review_at(deal, claim, "auditor"))
    assert can_see(auditor, "contracts", "review", str(fin.pk))
    listed = entries_search(actor=auditor, object_app="contracts", object_model="review")
    assert str(fin.pk) in {e.object_id for e in listed}
