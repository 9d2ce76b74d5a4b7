"""Payment claims: creation, the automatic checks one by one, payments. Services only."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claims
from jianguan.contracts.models import BoqItem, ClaimLine, Payment, PaymentClaim
from jianguan.contracts.payments import money
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.models import KeyNode, ProjectLead

TODAY = today_local()
P1 = (TODAY - dt.timedelta(days=60), TODAY - dt.timedelta(days=31))
P2 = (TODAY - dt.timedelta(days=30), TODAY)


def items(contract):
    return list(BoqItem.objects.filter(contract=contract).order_by("sequence"))


def half_lines(contract, share="0.5"):
    return [
        {
            "code": i.code,
            "cumulative_quantity": str(i.quantity * D(share)),
            "evidence_note": "计量单",
        }
        for i in items(contract)
    ]


def new_claim(deal, period=P1, lines=None, **kw):
    contract = deal["contract"]
    return claims.claim_create(
        actor=deal["actors"]["contractor"],
        contract=contract,
        period_start=period[0],
        period_end=period[1],
        lines=lines if lines is not None else half_lines(contract),
        **kw,
    )


def run_chain(deal, claim, cuts=None):
    """Every reviewer approves; `cuts` = {stage: [(line, accepted, reason)]}."""
    who = {"supervisor": "supervisor", "owner": "owner", "finance": "finance", "audit": "auditor"}
    for stage, persona in who.items():
        actor = deal["actors"][persona]
        review = reviews.review_start(actor=actor, claim=claim)
        for line, accepted, reason in (cuts or {}).get(stage, []):
            reviews.review_cut(
                actor=actor, review=review, line=line, accepted_quantity=accepted, reason=reason
            )
        reviews.review_submit(actor=actor, review=review, opinion="同意")
        claim.refresh_from_db()
    return claim


def payload(type_):
    entry = LedgerEntry.objects.filter(type=type_).order_by("-index").first()
    return json.loads(bytes(entry.leaf_input))["payload"]


def snapshot():
    return (
        PaymentClaim.objects.count(),
        ClaimLine.objects.count(),
        LedgerEntry.objects.count(),
        list(PaymentClaim.objects.values_list("status", "round")),
    )


def test_create_computes_period_and_cumulative_values(deal):
    contract = deal["contract"]
    first = items(contract)[0]
    claim = new_claim(deal, lines=[{"boq_item": first.pk, "cumulative_quantity": "10.5"}])
    assert claim.number == f"JD-{contract.number}-01" and claim.status == "draft"
    assert (
        claim.claimed_value == claim.claimed_cumulative_value == money(D("10.5") * first.unit_rate)
    )
    line = claim.lines.get()
    assert line.previous_quantity == 0 and line.period_amount == claim.claimed_value
    assert LedgerEntry.objects.filter(type="contracts.claim_created").count() == 1


@pytest.mark.parametrize(
    "raw, code",
    [
        ("-1", "bad_quantity"),
        ("abc", "bad_quantity"),
        ("NaN", "bad_quantity"),
        ("Infinity", "bad_quantity"),
        ("1.0001", "bad_quantity"),
        ("1e30", "bad_quantity"),
        (1.5, "bad_quantity"),
        (None, "bad_quantity"),
    ],
)
def test_bad_quantities_are_refused_with_nothing_written(deal, raw, code):
    before = snapshot()
    code0 = items(deal["contract"])[0].code
    with pytest.raises(ValidationFailed) as exc:
        new_claim(deal, lines=[{"code": code0, "cumulative_quantity": raw}])
    assert exc.value.code == code and exc.value.details == {"line": code0}
    assert snapshot() == before


def test_other_bad_input(deal):
    before = snapshot()
    for kw, code in [
        ({"lines": []}, "no_lines"),
        ({"lines": [{"code": "nope", "cumulative_quantity": "1"}]}, "unknown_boq_item"),
        ({"period": (P1[1], P1[0])}, "bad_period"),
        ({"period": (TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=9))}, "bad_period"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            new_claim(deal, **kw)
        assert exc.value.code == code
    dup = [{"code": items(deal["contract"])[0].code, "cumulative_quantity": "1"}] * 2
    with pytest.raises(ValidationFailed, match="重复"):
        new_claim(deal, lines=dup)
    with pytest.raises(PermissionDenied):
        claims.claim_create(
            actor=deal["actors"]["owner"],
            contract=deal["contract"],
            period_start=P1[0],
            period_end=P1[1],
            lines=half_lines(deal["contract"]),
        )
    assert snapshot() == before


def test_submit_passes_the_checks_and_goes_to_the_supervisor(deal):
    claim = claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))
    assert claim.status == "supervisor" and claim.round == 1 and claim.submitted_at
    assert all(c["passed"] for c in claim.checks) and len(claim.checks) == 6
    assert len(payload("contracts.claim_submitted")["lines"]) == 5
    with pytest.raises(Conflict) as exc:
        claims.claim_update(
            actor=deal["actors"]["contractor"], claim=claim, lines=half_lines(deal["contract"])
        )
    assert exc.value.code == "claim_locked"


def _submit_fails(deal, claim, code):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    assert exc.value.code == "claim_checks_failed"
    failed = {c["code"] for c in exc.value.details if not c["passed"]}
    assert failed == {code}, exc.value.details
    assert snapshot() == before
    claim.refresh_from_db()
    assert claim.status == "draft" and claim.round == 0
    return exc.value


def test_check_overlapping_period(deal):
    first = run_chain(
        deal, claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))
    )
    assert first.status == "approved"
    overlapping = (P1[1], P2[1])
    with pytest.raises(ValidationFailed) as exc:  # refused at once when creating
        new_claim(deal, period=overlapping, lines=half_lines(deal["contract"], "0.6"))
    assert exc.value.code == "period_overlap"
    # a draft made before the other claim was submitted is caught by the check at submission
    second = new_claim(deal, period=P2, lines=half_lines(deal["contract"], "0.6"))
    PaymentClaim.objects.filter(pk=second.pk).update(period_start=P1[1])  # simulates the race
    second.refresh_from_db()
    _submit_fails(deal, second, "period_overlap")


def test_check_quantity_over_boq_with_tolerance_and_variation(deal, settings):
    contract = deal["contract"]
    item = items(contract)[0]
    over = [{"code": item.code, "cumulative_quantity": str(item.quantity + D("0.001"))}]
    claim = new_claim(deal, lines=over)
    err = _submit_fails(deal, claim, "quantity_exceeds_boq")
    assert item.code in str(err.details)
    # an approved variation raises the current quantity: the same claim now passes
    BoqItem.objects.filter(pk=item.pk).update(current_quantity=item.quantity + 1)
    assert (
        claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim).status == "supervisor"
    )


def test_check_quantity_tolerance_from_rule_data(deal):
    from jianguan.rules.models import Rule

    item = items(deal["contract"])[0]
    claim = new_claim(
        deal, lines=[{"code": item.code, "cumulative_quantity": str(item.quantity + 1)}]
    )
    _submit_fails(deal, claim, "quantity_exceeds_boq")
    Rule.objects.filter(code="payment_claim.quantity_tolerance").update(value="0.05")
    assert (
        claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim).status == "supervisor"
    )


def test_check_value_over_contract(deal):
    contract = deal["contract"]
    type(contract).objects.filter(pk=contract.pk).update(current_value=D("100.00"))
    _submit_fails(deal, new_claim(deal), "value_exceeds_contract")


def test_check_gating_key_node_pending(deal):
    node = KeyNode.objects.filter(project=deal["project"]).first()
    KeyNode.objects.filter(pk=node.pk).update(
        gates_payment=True, planned_date=P1[0], status="pending"
    )
    err = _submit_fails(deal, new_claim(deal), "key_nodes_pending")
    assert node.name in str(err.details)
    KeyNode.objects.filter(pk=node.pk).update(planned_date=P2[1] + dt.timedelta(days=90))
    claim = PaymentClaim.objects.get()
    assert (
        claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim).status == "supervisor"
    )


def test_check_chief_supervisor_missing(deal):
    ProjectLead.objects.filter(project=deal["project"], party="supervisor").update(ended_on=TODAY)
    err = _submit_fails(deal, new_claim(deal), "chief_supervisor_missing")
    assert "第三十七条" in str(err.details)


def test_claim_below_previous_and_second_claim_keeps_unsent_lines(deal):
    first = run_chain(
        deal, claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))
    )
    one = items(deal["contract"])[0]
    second = new_claim(deal, period=P2, lines=[{"code": one.code, "cumulative_quantity": "1"}])
    with pytest.raises(Conflict):  # nothing else while a claim is open
        new_claim(deal, period=P2)
    _submit_fails(deal, second, "quantity_below_previous")
    prev = one.quantity * D("0.5")
    claims.claim_update(
        actor=deal["actors"]["contractor"],
        claim=second,
        lines=[{"code": one.code, "cumulative_quantity": str(prev + 2)}],
    )
    second.refresh_from_db()
    assert second.claimed_value == money(2 * one.unit_rate)
    assert second.claimed_cumulative_value == first.approved_cumulative_value + second.claimed_value
    assert second.lines.get().previous_quantity == prev


def test_payment_up_to_payable_then_paid(deal):
    claim = run_chain(
        deal, claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))
    )
    owner = deal["actors"]["owner"]
    before = snapshot()
    for amount, code in [
        (claim.payable_amount + D("0.01"), "payment_exceeds_approved"),
        ("-5", "bad_amount"),
        ("0", "bad_amount"),
        ("NaN", "bad_amount"),
        ("1.001", "bad_amount"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            claims.payment_record(
                actor=owner, claim=claim, amount=amount, paid_on=today_local(), reference="X1"
            )
        assert exc.value.code == code
    with pytest.raises(ValidationFailed) as exc:
        claims.payment_record(
            actor=owner,
            claim=claim,
            amount="1",
            paid_on=today_local() + dt.timedelta(days=1),
            reference="X1",
        )
    assert exc.value.code == "bad_date"
    with pytest.raises(PermissionDenied):
        claims.payment_record(
            actor=deal["actors"]["contractor"],
            claim=claim,
            amount="1",
            paid_on=today_local(),
            reference="X",
        )
    assert snapshot() == before
    claims.payment_record(
        actor=owner, claim=claim, amount="100.00", paid_on=today_local(), reference="ZF-1"
    )
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.paid_amount == D("100.00")
    rest = claim.payable_amount - D("100.00")
    claims.payment_record(
        actor=deal["actors"]["finance"],
        claim=claim,
        amount=str(rest),
        paid_on=today_local(),
        reference="ZF-2",
    )
    claim.refresh_from_db()
    assert claim.status == "paid" and Payment.objects.count() == 2
    with pytest.raises(Conflict):
        claims.payment_record(
            actor=owner, claim=claim, amount="1", paid_on=today_local(), reference="ZF-3"
        )
    assert LedgerEntry.objects.filter(type="contracts.payment_recorded").count() == 2
