"""The advance from request to recovery on three claims, and the retention from withholding
to release, through the services; every figure checked by hand.

Contract price P = 68,825.62 (five BoQ lines); advance 10 % = 6,882.56; start point 20 % of P
= 13,765.12; recovery 25 % of each period's value above it; progress ratio 85 %, cash
retention 3 %.

claim  share  cumulative  period     payable (85 %)  retention (3 %)  recovered  net
1      15 %   10,323.84   10,323.84   8,775.26        309.72           0.00       8,775.26
2      50 %   34,412.81   24,088.97  20,475.62        722.67           5,161.92  15,313.70
3      90 %   61,943.06   27,530.25  23,400.71        825.91           1,720.64  21,680.07

claim 2: (34,412.81 − 13,765.12) × 25 % = 5,161.9225 → 5,161.92.
claim 3: 27,530.25 × 25 % = 6,882.5625, capped at the 1,720.64 outstanding.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from jianguan.contracts.claims import deductions, pdf
from jianguan.contracts.claims import services as claims
from jianguan.contracts.models import PaymentClaim
from jianguan.contracts.tests.test_claims import half_lines, run_chain
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.cost.payments import services
from jianguan.cost.payments.models import AdvancePayment, AdvanceRecovery, RetentionRelease
from jianguan.cost.payments.position import contract_position
from jianguan.cost.payments.tests.conftest import completed, periods
from jianguan.ledger.models import LedgerEntry

TODAY = today_local()


def payload(type_):
    entry = LedgerEntry.objects.filter(type=type_).order_by("-index").first()
    return json.loads(bytes(entry.leaf_input))["payload"]


def terms(m):
    return services.advance_terms_set(
        actor=m["actors"]["owner"],
        contract=m["contract"],
        start_ratio="0.2",
        rate="0.25",
        defects_period_months=12,
    )


def request(m, **over):
    kw = dict(
        actor=m["actors"]["contractor"],
        contract=m["contract"],
        amount="6882.56",
        guarantee_number="YFBH-2026-001",
        guarantee_issuer="中国建设银行北京大兴支行",
        guarantee_amount="6882.56",
        guarantee_expires_on=TODAY.replace(year=TODAY.year + 1),
    )
    kw.update(over)
    return services.advance_request(**kw)


def paid_advance(m):
    terms(m)
    a = request(m)
    a = services.advance_decide(actor=m["actors"]["owner"], advance=a, approve=True)
    return services.advance_pay(
        actor=m["actors"]["finance"], advance=a, paid_on=TODAY, reference="GKZF-YF-1"
    )


def approved_claim(m, n: int, share: str) -> PaymentClaim:
    period = periods()[n - 1]
    claim = claims.claim_create(
        actor=m["actors"]["contractor"],
        contract=m["contract"],
        period_start=period[0],
        period_end=period[1],
        lines=half_lines(m["contract"], share),
    )
    claim = claims.claim_submit(actor=m["actors"]["contractor"], claim=claim)
    return run_chain(m, claim)


def pay_net(m, claim):
    claims.payment_record(
        actor=m["actors"]["finance"],
        claim=claim,
        amount=deductions.net_payable(claim),
        paid_on=TODAY,
        reference=f"GKZF-{claim.sequence}",
    )
    claim.refresh_from_db()
    return claim


@pytest.mark.rule("advance.pay_within")
def test_advance_request_approval_and_payment(money):
    m = money
    terms(m)
    a = request(m)
    assert a.status == "requested" and a.amount == D("6882.56")
    assert a.due_on == TODAY + dt.timedelta(days=30)  # advance.pay_within
    assert payload("cost_payments.advance_requested")["guarantee_number"] == "YFBH-2026-001"
    with pytest.raises(PermissionDenied):  # only finance pays where the contract names it
        services.advance_pay(actor=m["actors"]["owner"], advance=a, paid_on=TODAY, reference="X")
    with pytest.raises(Conflict):  # not approved yet
        services.advance_pay(actor=m["actors"]["finance"], advance=a, paid_on=TODAY, reference="X")
    with pytest.raises(PermissionDenied):
        services.advance_decide(actor=m["actors"]["contractor"], advance=a, approve=True)
    with pytest.raises(ValidationFailed):  # a refusal gives its reason
        services.advance_decide(actor=m["actors"]["owner"], advance=a, approve=False)
    a = services.advance_decide(actor=m["actors"]["owner"], advance=a, approve=True)
    a = services.advance_pay(
        actor=m["actors"]["finance"], advance=a, paid_on=TODAY, reference="GKZF-YF-1"
    )
    assert a.status == "paid"
    pos = contract_position(m["contract"])
    assert (pos.advance_paid, pos.advance_outstanding) == (D("6882.56"), D("6882.56"))


@pytest.mark.parametrize(
    "over,code",
    [
        ({"amount": "6882.57"}, "advance_above_ratio"),  # 10 % of 68,825.62 = 6,882.56
        ({"amount": "-1"}, "bad_amount"),
        ({"amount": "NaN"}, "bad_amount"),
        ({"amount": "Infinity"}, "bad_amount"),
        ({"amount": "0"}, "bad_amount"),
        ({"amount": "1.001"}, "bad_amount"),
        ({"guarantee_amount": "6882.55"}, "guarantee_too_small"),
        ({"guarantee_expires_on": TODAY}, "guarantee_expired"),
        ({"guarantee_number": " "}, "bad_text"),
    ],
)
def test_bad_advance_requests_change_nothing(money, over, code):
    terms(money)
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as e:
        request(money, **over)
    assert e.value.code == code
    assert not AdvancePayment.objects.exists() and LedgerEntry.objects.count() == before


def test_advance_needs_terms_and_the_contractor(money):
    with pytest.raises(Conflict) as e:
        request(money)
    assert e.value.code == "terms_missing"
    terms(money)
    with pytest.raises(PermissionDenied):
        request(money, actor=money["actors"]["owner"])
    request(money)
    with pytest.raises(Conflict):  # one advance per contract
        request(money)


@pytest.mark.rule("retention.defects_period_max")
def test_terms_bounds(money):
    m = money
    for months in (1, 24):
        services.advance_terms_set(
            actor=m["actors"]["owner"],
            contract=m["contract"],
            start_ratio="0",
            rate="0.3",
            defects_period_months=months,
        )
    for bad in (
        {"defects_period_months": 25},
        {"defects_period_months": 0},
        {"rate": "0"},
        {"rate": "1.0001"},
        {"start_ratio": "NaN"},
        {"start_ratio": "-0.1"},
    ):
        kw = dict(start_ratio="0.2", rate="0.25", defects_period_months=12)
        kw.update(bad)
        with pytest.raises(ValidationFailed):
            services.advance_terms_set(actor=m["actors"]["owner"], contract=m["contract"], **kw)
    with pytest.raises(PermissionDenied):
        services.advance_terms_set(
            actor=m["actors"]["contractor"],
            contract=m["contract"],
            start_ratio="0.2",
            rate="0.25",
            defects_period_months=12,
        )


def test_recovery_on_three_claims_by_hand(money, client):
    m = money
    advance = paid_advance(m)
    c1 = approved_claim(m, 1, "0.15")
    assert (c1.approved_cumulative_value, c1.payable_amount, c1.retention_amount) == (
        D("10323.84"),
        D("8775.26"),
        D("309.72"),
    )
    assert not AdvanceRecovery.objects.filter(claim=c1).exists()
    assert deductions.net_payable(c1) == D("8775.26")
    c1 = pay_net(m, c1)
    assert c1.status == "paid"

    c2 = approved_claim(m, 2, "0.5")
    assert (c2.approved_cumulative_value, c2.approved_value, c2.payable_amount) == (
        D("34412.81"),
        D("24088.97"),
        D("20475.62"),
    )
    assert c2.retention_amount == D("722.67")
    r2 = AdvanceRecovery.objects.get(claim=c2)
    assert (r2.amount, r2.cumulative) == (D("5161.92"), D("5161.92"))
    assert deductions.net_payable(c2) == D("15313.70")
    advance.refresh_from_db()
    assert advance.guarantee_outstanding == D("1720.64")
    p = payload("cost_payments.advance_recovered")
    assert (p["amount"], p["net_payable"]) == ("5161.92", "15313.70")
    # the certificate and the claim page show the recovery and the net payable
    summary = dict(pdf.certificate_facts(c2)["summary"])
    assert summary["扣回预付款"].startswith("5,161.92")
    assert summary["本期实付金额"].startswith("15,313.70")
    client.force_login(m["actors"]["contractor"].user)
    page = client.get(f"/contracts/claims/{c2.pk}/").content.decode()
    assert "扣回预付款" in page and "5,161.92" in page and "15,313.70" in page
    # paying the gross amount is refused: only the net is due
    with pytest.raises(ValidationFailed) as e:
        claims.payment_record(
            actor=m["actors"]["finance"],
            claim=c2,
            amount="15313.71",
            paid_on=TODAY,
            reference="GKZF-2",
        )
    assert e.value.code == "payment_exceeds_approved"
    c2 = pay_net(m, c2)
    assert c2.status == "paid"

    c3 = approved_claim(m, 3, "0.9")
    assert (c3.approved_cumulative_value, c3.approved_value, c3.payable_amount) == (
        D("61943.06"),
        D("27530.25"),
        D("23400.71"),
    )
    r3 = AdvanceRecovery.objects.get(claim=c3)
    assert (r3.amount, r3.cumulative) == (D("1720.64"), D("6882.56"))
    assert deductions.net_payable(c3) == D("21680.07")
    advance.refresh_from_db()
    assert (advance.recovered, advance.guarantee_outstanding) == (D("6882.56"), D("0.00"))
    pay_net(m, c3)
    pos = contract_position(m["contract"])
    assert pos.paid_to_date == D("8775.26") + D("15313.70") + D("21680.07")
    assert (pos.advance_paid, pos.advance_recovered, pos.advance_outstanding) == (
        D("6882.56"),
        D("6882.56"),
        D("0.00"),
    )
    assert pos.retention_held == D("309.72") + D("722.67") + D("825.91")  # 1,858.30
    assert (pos.retention_released, pos.retention_guaranteed) == (D("0.00"), D("0.00"))
    # the recovery terms are locked once recovery began
    with pytest.raises(Conflict):
        terms(m)


def _retention(m, share="0.5"):
    c1 = approved_claim(m, 1, share)
    return pay_net(m, c1)


@pytest.mark.rule("retention.release_confirm_within", "retention.release_pay_within")
def test_retention_release_journey(money):
    m = money
    terms(m)
    c1 = _retention(m)  # retention 3 % of 34,412.81 = 1,032.38
    assert c1.retention_amount == D("1032.38")
    owner, gc, fin = m["actors"]["owner"], m["actors"]["contractor"], m["actors"]["finance"]
    contract = m["contract"]
    with pytest.raises(Conflict) as e:
        services.retention_release_request(actor=gc, contract=contract, amount="1032.38")
    assert e.value.code == "defects_period_not_started"
    completed(m["project"], days_ago=100)  # 12-month period still running
    with pytest.raises(Conflict) as e:
        services.retention_release_request(actor=gc, contract=contract, amount="1032.38")
    assert e.value.code == "defects_period_running"
    completed(m["project"], days_ago=400)
    hold = services.retention_hold_add(
        actor=owner, contract=contract, amount="300.00", reason="屋面渗漏缺陷未修复"
    )
    with pytest.raises(Conflict) as e:  # 1,032.38 − 300.00 = 732.38 releasable
        services.retention_release_request(actor=gc, contract=contract, amount="732.39")
    assert e.value.code == "held_for_defect"
    for bad in ("-1", "NaN", "0", "abc"):
        with pytest.raises(ValidationFailed):
            services.retention_release_request(actor=gc, contract=contract, amount=bad)
    with pytest.raises(PermissionDenied):
        services.retention_release_request(actor=owner, contract=contract, amount="1.00")
    r = services.retention_release_request(actor=gc, contract=contract, amount="732.38")
    assert r.confirm_due_on == TODAY + dt.timedelta(days=14)
    with pytest.raises(Conflict):  # one open request at a time
        services.retention_release_request(actor=gc, contract=contract, amount="1.00")
    r = services.retention_release_decide(actor=owner, release=r, approve=True, opinion="同意")
    assert r.pay_due_on == TODAY + dt.timedelta(days=14)
    with pytest.raises(PermissionDenied):
        services.retention_release_pay(actor=owner, release=r, paid_on=TODAY, reference="X")
    r = services.retention_release_pay(actor=fin, release=r, paid_on=TODAY, reference="ZBJ-1")
    pos = contract_position(contract)
    assert (pos.retention_held, pos.retention_released) == (D("300.00"), D("732.38"))
    services.retention_hold_lift(actor=owner, hold=hold)
    with pytest.raises(ValidationFailed) as e:  # 1,032.38 − 732.38 = 300.00 left
        services.retention_release_request(actor=gc, contract=contract, amount="300.01")
    assert e.value.code == "above_held"
    r2 = services.retention_release_request(actor=gc, contract=contract, amount="300.00")
    assert payload("cost_payments.release_requested")["released"] == "732.38"
    r2 = services.retention_release_decide(actor=owner, release=r2, approve=True)
    services.retention_release_pay(actor=fin, release=r2, paid_on=TODAY, reference="ZBJ-2")
    assert contract_position(contract).retention_held == D("0.00")
    assert RetentionRelease.objects.filter(status="paid").count() == 2


def test_hold_bounds(money):
    m = money
    _retention(m)
    owner = m["actors"]["owner"]
    with pytest.raises(ValidationFailed) as e:
        services.retention_hold_add(
            actor=owner, contract=m["contract"], amount="1032.39", reason="缺陷"
        )
    assert e.value.code == "above_held"
    with pytest.raises(ValidationFailed):
        services.retention_hold_add(actor=owner, contract=m["contract"], amount="1", reason="")
    with pytest.raises(PermissionDenied):
        services.retention_hold_add(
            actor=m["actors"]["contractor"], contract=m["contract"], amount="1", reason="x"
        )


def test_bank_guarantee_instead_of_retention(money):
    """A retention bank guarantee: nothing is withheld, the position shows what it covers and
    there is no cash to release. Claim 1 at 50 %: 34,412.81 × 3 % = 1,032.38 covered."""
    from jianguan.contracts.models import Contract

    m = money
    Contract.objects.filter(pk=m["contract"].pk).update(retention_form="bank_guarantee")
    m["contract"].refresh_from_db()
    terms(m)
    c1 = _retention(m)
    assert c1.retention_amount == D("0.00")
    assert c1.payable_amount == D("29250.89")  # 34,412.81 × 85 % = 29,250.8885
    pos = contract_position(m["contract"])
    assert (pos.retention_held, pos.retention_guaranteed) == (D("0.00"), D("1032.38"))
    completed(m["project"], days_ago=400)
    with pytest.raises(ValidationFailed) as e:
        services.retention_release_request(
            actor=m["actors"]["contractor"], contract=m["contract"], amount="0.01"
        )
    assert e.value.code == "above_held"
