"""Boundary tests of the rules applied to payment claims and variations after signing.

The quantity screen against 虚报工程量 (a claimed cumulative quantity at the allowed limit and
0.001 on each side, the smallest step of a quantity), the chief supervising engineer's
signature (allowed vs refused), the 80 % progress payment on approval (0.01 percentage point
each side of the minimum) and the district's variation threshold that calls in the regulator
(0.01 yuan each side): once through the pure function in ``payments.py`` / ``workflow.py``
and once through the service that applies it, asserting the refusal's stable code and that
nothing changed. Every limit comes from rule data.
``@pytest.mark.rule(code)`` declares the code covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from jianguan.contracts import payments, workflow
from jianguan.contracts.claims import services as claims
from jianguan.contracts.claims.selectors import claim_checks
from jianguan.contracts.models import BoqItem, Contract, PaymentClaim
from jianguan.contracts.tests.test_claims import (
    TODAY,
    items,
    new_claim,
    payload,
    run_chain,
    snapshot,
)
from jianguan.contracts.variations import services as var
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.projects.models import ProjectLead
from jianguan.rules.lookup import rule
from jianguan.rules.models import Rule

MILLI = Decimal("0.001")  # the smallest step of a quantity (QTY: 3 places)
POINT = Decimal("0.0001")  # 0.01 percentage point (RATIO: 4 places)
FEN = Decimal("0.01")


@pytest.fixture
def rules(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


def _value(code: str) -> Decimal:
    return Decimal(str(rule(code, on=TODAY).value))


def _failed(deal, claim: PaymentClaim) -> ValidationFailed:
    """claim_submit refuses: the draft stays a draft, nothing is written."""
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    assert exc.value.code == "claim_checks_failed" and "自动校验未通过" in exc.value.message
    assert snapshot() == before
    claim.refresh_from_db()
    assert claim.status == "draft" and claim.round == 0 and not claim.checks
    return exc.value


def _failed_codes(err: ValidationFailed) -> set[str]:
    return {c["code"] for c in err.details if not c["passed"]}


# --- payment_claim.quantity_tolerance: the screen against 虚报工程量 ---------------------------


def _line(current: Decimal, cumulative: Decimal) -> payments.LineClaim:
    return payments.LineClaim(
        "010101001001", "挖土方", "m3", Decimal("12.34"), current, Decimal(0), cumulative
    )


@pytest.mark.rule("payment_claim.quantity_tolerance")
def test_quantity_screen_at_the_allowed_limit_and_one_milli_each_side(rules):
    """大兴区政府投资项目进度款支付管理 (district parameter): the claimed cumulative quantity
    may not pass the current quantity × (1 + tolerance). With the tolerance in rule data, and
    with a district that amended it to a wider one."""
    r = rule("payment_claim.quantity_tolerance", on=TODAY)
    assert r.unit == "ratio" and "大兴区" in r.reference
    current = Decimal("137.500")
    for tolerance in (_value(r.code), _value(r.code) + Decimal("0.05")):
        allowed = payments.qty(current * (1 + tolerance))
        for claimed, lawful in ((allowed - MILLI, True), (allowed, True), (allowed + MILLI, False)):
            check = payments.check_quantities([_line(current, claimed)], tolerance)
            assert check.code == "quantity_exceeds_boq"
            assert check.passed is lawful, f"tolerance {tolerance}: {claimed} of {allowed}"
            if not lawful:
                assert f"超过允许的 {allowed.normalize():f}" in check.messages[0]


@pytest.mark.rule("payment_claim.quantity_tolerance")
def test_claim_submit_refuses_a_quantity_over_the_allowed_limit(deal):
    """大兴区政府投资项目进度款支付管理 through claim_submit: one line claimed 0.001 over the
    allowed quantity is refused with nothing written; at the limit, and 0.001 under, it passes."""
    item = items(deal["contract"])[0]
    allowed = payments.qty(item.current_quantity * (1 + _value("payment_claim.quantity_tolerance")))

    def one_line(q):
        return [{"code": item.code, "cumulative_quantity": str(q)}]

    claim = new_claim(deal, lines=one_line(allowed + MILLI))
    err = _failed(deal, claim)
    assert _failed_codes(err) == {"quantity_exceeds_boq"} and item.code in str(err.details)
    contractor = deal["actors"]["contractor"]
    claims.claim_update(actor=contractor, claim=claim, lines=one_line(allowed - MILLI))
    assert all(c.passed for c in claim_checks(claim)), "0.001 under the limit passes"
    claims.claim_update(actor=contractor, claim=claim, lines=one_line(allowed))
    claim = claims.claim_submit(actor=contractor, claim=claim)
    assert claim.status == "supervisor" and claim.lines.get().cumulative_quantity == allowed


# --- payment.chief_supervisor_signature_required: 质量条例 37 --------------------------------


@pytest.mark.rule("payment.chief_supervisor_signature_required")
def test_chief_supervisor_check_refuses_no_name_and_passes_a_name(rules):
    """建设工程质量管理条例第三十七条: 未经总监理工程师签字，建设单位不拨付工程款."""
    r = rule("payment.chief_supervisor_signature_required", on=TODAY)
    assert r.value is True and "第三十七条" in r.reference
    for name, lawful in (("", False), (None, False), ("张三", True)):
        check = payments.check_chief_supervisor(name)
        assert check.code == "chief_supervisor_missing" and check.passed is lawful
        assert check.reference == r.reference


@pytest.mark.rule("payment.chief_supervisor_signature_required")
def test_claim_submit_refuses_without_a_chief_supervisor_on_file(deal):
    """建设工程质量管理条例第三十七条 through claim_submit: with no 总监理工程师 on file the
    claim is refused, nothing written; with one it goes to the supervisor. The check is
    the rule's: rule data that no longer required the signature would not run it."""
    leads = ProjectLead.objects.filter(project=deal["project"], party="supervisor")
    claim = new_claim(deal)
    leads.update(ended_on=TODAY)
    err = _failed(deal, claim)
    assert _failed_codes(err) == {"chief_supervisor_missing"} and "第三十七条" in str(err.details)
    code = "payment.chief_supervisor_signature_required"
    Rule.objects.filter(code=code).update(value=False)
    assert "chief_supervisor_missing" not in {c.code for c in claim_checks(claim)}
    Rule.objects.filter(code=code).update(value=True)
    leads.update(ended_on=None)
    claim = claims.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    assert claim.status == "supervisor"
    assert {c["code"]: c["passed"] for c in claim.checks}["chief_supervisor_missing"] is True


# --- payment.progress_ratio_min on approval: 财建〔2022〕183号 ----------------------------------


@pytest.mark.rule("payment.progress_ratio_min")
@pytest.mark.parametrize("step", [-1, 0, 1])
def test_approved_claim_pays_at_least_the_minimum_progress_ratio(deal, step):
    """财建〔2022〕183号: the progress payment is at least 80 % of the audited completed value.
    A contract ratio 0.01 point under the minimum (a contract from before the rule) is paid at
    the minimum; at it and over it, at the contract's ratio."""
    n = _value("payment.progress_ratio_min")
    ratio = n + step * POINT
    Contract.objects.filter(pk=deal["contract"].pk).update(progress_ratio=ratio)
    claim = claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))
    claim = run_chain(deal, claim)
    paid_at = max(ratio, n)
    assert claim.status == "approved"
    assert claim.payable_amount == payments.money(claim.approved_value * paid_at), "183号"
    assert Decimal(str(payload("contracts.claim_approved")["progress_ratio"])) == paid_at
    if step < 0:
        assert claim.payable_amount > payments.money(claim.approved_value * ratio)


# --- variation.regulator_approval_ratio: the district's threshold ----------------------------


@pytest.mark.rule("variation.regulator_approval_ratio")
def test_regulator_needed_from_the_threshold_one_fen_each_side(deal):
    """大兴区政府投资项目变更管理 (district parameter): a variation whose |amount| reaches
    5 % of the signed price also needs the regulator (needs_regulator, variation_next)."""
    r = rule("variation.regulator_approval_ratio", on=TODAY)
    assert r.unit == "ratio" and "大兴区" in r.reference
    contract = deal["contract"]
    limit = payments.money(contract.price * _value(r.code))
    for amount, needed in ((limit - FEN, False), (limit, True), (limit + FEN, True)):
        for signed in (amount, -amount):
            assert var.needs_regulator(contract, signed) is needed, f"{signed} of {limit}"
        after_owner = workflow.variation_next(workflow.V_SUPERVISOR_OK, "owner", "approve", needed)
        assert after_owner == (workflow.V_OWNER_OK if needed else workflow.V_APPROVED)


def _raise_amount(deal, amount: Decimal, n: int):
    return var.variation_raise(
        actor=deal["actors"]["contractor"],
        contract=deal["contract"],
        kind="variation",
        title=f"新增工程 {n}",
        reason="设计深化新增",
        cause="site_condition",
        lines=[
            {
                "code": f"01B9{n:02d}",
                "name": f"新增项 {n}",
                "unit": "个",
                "unit_rate": str(amount),
                "quantity": "1",
            }
        ],
    )


def _value_now(deal) -> Decimal:
    return Contract.objects.get(pk=deal["contract"].pk).current_value


@pytest.mark.rule("variation.regulator_approval_ratio")
def test_variation_at_the_threshold_waits_for_the_regulator(deal):
    """大兴区政府投资项目变更管理 through variation_raise and variation_decide: 0.01 yuan under
    the threshold the owner's approval applies the variation and the regulator may not decide;
    at and over it the owner's approval changes nothing until the regulator approves."""
    a = deal["actors"]
    limit = payments.money(deal["contract"].price * _value("variation.regulator_approval_ratio"))
    for n, (amount, needed) in enumerate(
        ((limit - FEN, False), (limit, True), (limit + FEN, True))
    ):
        v = _raise_amount(deal, amount, n)
        assert v.amount == amount and v.needs_regulator is needed, f"{amount} of {limit}"
        var.variation_decide(actor=a["supervisor"], variation=v, decision="approve")
        before = _value_now(deal)
        v = var.variation_decide(actor=a["owner"], variation=v, decision="approve")
        if needed:
            assert v.status == "owner_ok" and _value_now(deal) == before, "awaits the regulator"
            v = var.variation_decide(actor=a["regulator"], variation=v, decision="approve")
        else:
            with pytest.raises(Conflict) as exc:
                var.variation_decide(actor=a["regulator"], variation=v, decision="approve")
            assert exc.value.code == "wrong_step" and "监管部门审批" in exc.value.message
            assert v.steps.count() == 2
        assert v.status == "approved" and _value_now(deal) == before + amount
    assert BoqItem.objects.filter(contract=deal["contract"], code__startswith="01B9").count() == 3
