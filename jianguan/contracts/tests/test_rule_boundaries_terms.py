"""Boundary tests of the payment terms a contract may be signed with, and of subcontracting.

Each ratio, amount and period is tested at its limit and one unit on each side (0.01
percentage point of a ratio, 0.01 yuan, one month), once through the pure check
``payments.check_terms`` with the limits built from rule data here, and once through the
service that applies it (``contract_update_terms`` then ``contract_sign``), which must refuse
with the stable code and the article, and change nothing. The prohibitions (retention with a
performance bond, 再分包, subcontracting the main structure) are tested allowed vs refused. The
limit always comes from rule data, never from a number written here.
``@pytest.mark.rule(code)`` declares the code covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from jianguan.contracts import payments
from jianguan.contracts.models import Contract
from jianguan.contracts.services import contracts as svc
from jianguan.contracts.services.terms import limits as service_limits
from jianguan.contracts.tests.factories import boq_rows, make_contract
from jianguan.contracts.tests.helpers_award import subcontractor
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entries_for_object
from jianguan.rules.lookup import rule

ON = today_local()  # the terms are checked against the rules in force on the signing date
POINT = Decimal("0.0001")  # 0.01 percentage point: the smallest step of a RATIO field
FEN = Decimal("0.01")
PRICE = Decimal("1000000.00")


@pytest.fixture
def rules(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


def _value(code: str) -> Decimal:
    return Decimal(str(rule(code, on=ON).value))


def _limits() -> payments.Limits:
    """The limits from rule data, read here code by code (not through terms.limits())."""
    return payments.Limits(
        progress_ratio_min=_value("payment.progress_ratio_min"),
        retention_ratio_max=_value("retention.ratio_max"),
        security_ratio_max=_value("performance_bond.ratio_max"),
        labour_cycle_max_months=int(rule("wage.payment_cycle_max", on=ON).value),
        retention_not_with_bond=bool(rule("retention.not_with_performance_bond", on=ON).value),
    )


def _terms(**over) -> payments.Terms:
    """Lawful terms at every limit of rule data; `over` moves one of them."""
    lim = _limits()
    fields = dict(
        price=PRICE,
        progress_ratio=lim.progress_ratio_min,
        retention_form="cash",
        retention_ratio=lim.retention_ratio_max,
        security_form="bank_guarantee",
        security_amount=payments.money(PRICE * lim.security_ratio_max),
        labour_payment_cycle_months=lim.labour_cycle_max_months,
    )
    return payments.Terms(**{**fields, **over})


def _problems(**over) -> dict[str, str]:
    return dict(payments.check_terms(_terms(**over), _limits()))


def test_terms_at_every_limit_are_lawful_and_the_service_reads_the_same_limits(rules):
    assert _problems() == {}
    assert service_limits(ON)[0] == _limits()


# --- through the service: update the terms of a draft, then the employer signs ---------------


def _draft(deal) -> Contract:
    o = deal["orgs"]
    return make_contract(
        project=deal["project"],
        employer=o["owner"],
        contractor=o["general_contractor"],
        supervisor=o["supervisor"],
        finance_bureau=o["finance_bureau"],
        auditor=o["auditor"],
        status="draft",
    )


def _state(c: Contract):
    c.refresh_from_db()
    return (
        c.status,
        c.employer_signed_at,
        c.contractor_signed_at,
        [e.type for e in entries_for_object(c)].count("contracts.contract_signed"),
    )


def _sign(deal, **terms) -> tuple[str | None, str]:
    """Set `terms` on a fresh draft and let the employer sign: (refusal code or None, message).
    A refusal must leave the contract unsigned, a draft, with no signature on the ledger."""
    c = _draft(deal)
    c = svc.contract_update_terms(actor=deal["actors"]["owner"], contract=c, **terms)
    before = _state(c)
    try:
        svc.contract_sign(actor=deal["actors"]["owner"], contract=c)
    except ValidationFailed as exc:
        assert _state(c) == before == ("draft", None, None, 0), "a refusal changes nothing"
        return exc.code, exc.message
    assert _state(c)[0] == "signing" and _state(c)[1] is not None
    return None, ""


# --- 财建〔2022〕183号: progress payments at least 80 % of the completed value -----------------


@pytest.mark.rule("payment.progress_ratio_min")
def test_progress_ratio_at_the_limit_and_one_hundredth_of_a_point_each_side(rules):
    """财建〔2022〕183号: the progress payment is at least 80 % of the completed value."""
    r = rule("payment.progress_ratio_min", on=ON)
    n = _value(r.code)
    assert "183号" in r.reference
    for ratio, lawful in ((n - POINT, False), (n, True), (n + POINT, True)):
        problems = _problems(progress_ratio=ratio)
        assert ("progress_ratio_too_low" not in problems) is lawful, f"183号: {ratio}"
        if not lawful:
            message = problems["progress_ratio_too_low"]
            assert "财建〔2022〕183号" in message and f"{n:.0%}" in message


@pytest.mark.rule("payment.progress_ratio_min")
def test_signing_refuses_a_progress_ratio_under_the_minimum(deal):
    """财建〔2022〕183号 through contract_sign."""
    n = _value("payment.progress_ratio_min")
    code, message = _sign(deal, progress_ratio=str(n - POINT))
    assert code == "progress_ratio_too_low" and "财建〔2022〕183号" in message
    for ratio in (n, n + POINT):
        assert _sign(deal, progress_ratio=str(ratio)) == (None, ""), f"183号: {ratio}"


# --- 建质〔2017〕138号 第七条: retention at most 3 % -------------------------------------------


@pytest.mark.rule("retention.ratio_max")
def test_retention_ratio_at_the_limit_and_one_hundredth_of_a_point_each_side(rules):
    """建质〔2017〕138号第七条: cash retention at most 3 % of the settlement price."""
    r = rule("retention.ratio_max", on=ON)
    n = _value(r.code)
    assert "第七条" in r.reference
    for ratio, lawful in ((n - POINT, True), (n, True), (n + POINT, False)):
        problems = _problems(retention_ratio=ratio)
        assert ("retention_too_high" not in problems) is lawful, f"第七条: {ratio}"
        if not lawful:
            assert "第七条" in problems["retention_too_high"]
            assert f"{n:.0%}" in problems["retention_too_high"]


@pytest.mark.rule("retention.ratio_max")
def test_signing_refuses_retention_over_the_maximum(deal):
    """建质〔2017〕138号第七条 through contract_sign."""
    n = _value("retention.ratio_max")
    code, message = _sign(deal, retention_form="cash", retention_ratio=str(n + POINT))
    assert code == "retention_too_high" and "建质〔2017〕138号第七条" in message
    for ratio in (n - POINT, n):
        assert _sign(deal, retention_form="cash", retention_ratio=str(ratio)) == (None, "")


# --- 实施条例 58: performance security at most 10 % of the contract price -------------------


@pytest.mark.rule("performance_bond.ratio_max")
def test_performance_security_at_the_limit_and_one_fen_each_side(rules):
    """招标投标法实施条例第五十八条: the performance security at most 10 % of the price."""
    r = rule("performance_bond.ratio_max", on=ON)
    limit = payments.money(PRICE * _value(r.code))
    assert "第五十八条" in r.reference
    for amount, lawful in ((limit - FEN, True), (limit, True), (limit + FEN, False)):
        problems = _problems(security_amount=amount)
        assert ("security_too_high" not in problems) is lawful, f"条例 58: {amount}"
        if not lawful:
            assert "第五十八条" in problems["security_too_high"]


@pytest.mark.rule("performance_bond.ratio_max")
def test_signing_refuses_a_performance_security_over_the_maximum(deal):
    """招标投标法实施条例第五十八条 through contract_sign (a bank guarantee, so that the
    bond-and-retention rule stays out of the way)."""
    price = _draft(deal).price
    limit = payments.money(price * _value("performance_bond.ratio_max"))
    code, message = _sign(deal, security_form="bank_guarantee", security_amount=str(limit + FEN))
    assert code == "security_too_high" and "第五十八条" in message
    for amount in (limit - FEN, limit):
        got = _sign(deal, security_form="bank_guarantee", security_amount=str(amount))
        assert got == (None, ""), f"条例 58: {amount}"


# --- 保障农民工工资支付条例 24: labour costs paid at least monthly -----------------------------


@pytest.mark.rule("wage.payment_cycle_max")
def test_labour_payment_cycle_at_the_limit_and_one_month_over(rules):
    """保障农民工工资支付条例第二十四条: the employer pays the labour costs at least every
    month (the cycle at most 1 month; below it, 0 months is no cycle at all)."""
    r = rule("wage.payment_cycle_max", on=ON)
    n = int(r.value)
    assert r.unit == "month" and "第二十四条" in r.reference
    for months, lawful in [(m, True) for m in range(1, n + 1)] + [(n + 1, False), (0, False)]:
        problems = _problems(labour_payment_cycle_months=months)
        assert ("labour_cycle_too_long" not in problems) is lawful, f"条例 24: {months} 月"
        if not lawful:
            assert "第二十四条" in problems["labour_cycle_too_long"]


@pytest.mark.rule("wage.payment_cycle_max")
def test_signing_refuses_a_labour_payment_cycle_over_the_maximum(deal):
    """保障农民工工资支付条例第二十四条 through contract_sign."""
    n = int(rule("wage.payment_cycle_max", on=ON).value)
    code, message = _sign(deal, labour_payment_cycle_months=n + 1)
    assert code == "labour_cycle_too_long" and "第二十四条" in message
    assert _sign(deal, labour_payment_cycle_months=n) == (None, "")


# --- 建质〔2017〕138号 (第六条): no cash retention when a performance bond is paid ----------------


@pytest.mark.rule("retention.not_with_performance_bond")
def test_retention_with_a_performance_bond_refused_and_each_alone_allowed(rules):
    """《建设工程质量保证金管理办法》（建质〔2017〕138号）第六条 (the article number is marked
    待核 in rule data): where a performance bond (履约保证金) is paid, no quality retention is
    withheld; a bank guarantee, or no cash retention, is allowed."""
    r = rule("retention.not_with_performance_bond", on=ON)
    assert r.value is True and "建质〔2017〕138号" in r.reference
    refused = _problems(retention_form="cash", security_form="bond")
    assert "建质〔2017〕138号" in refused["retention_with_bond"]
    for form, security in (
        ("cash", "bank_guarantee"),
        ("none", "bond"),
        ("bank_guarantee", "bond"),
    ):
        problems = _problems(retention_form=form, security_form=security)
        assert "retention_with_bond" not in problems, f"第六条: {form} + {security}"
    # the prohibition is the rule's: rule data that lifted it would allow both
    lifted = payments.Limits(**{**_limits().__dict__, "retention_not_with_bond": False})
    both = payments.Terms(**{**_terms().__dict__, "security_form": "bond"})
    assert "retention_with_bond" not in dict(payments.check_terms(both, lifted))


@pytest.mark.rule("retention.not_with_performance_bond")
def test_signing_refuses_cash_retention_with_a_performance_bond(deal):
    """建质〔2017〕138号第六条 through contract_sign."""
    price = _draft(deal).price
    amount = str(payments.money(price * Decimal("0.05")))
    code, message = _sign(deal, retention_form="cash", security_form="bond", security_amount=amount)
    assert code == "retention_with_bond" and "建质〔2017〕138号" in message
    assert _sign(deal, retention_form="none", security_form="bond", security_amount=amount) == (
        None,
        "",
    )
    assert _sign(
        deal, retention_form="cash", security_form="bank_guarantee", security_amount=amount
    ) == (None, "")


# --- 建筑法 29: no 再分包; the main structure is not subcontracted ----------------------------


def _sub_args(deal, parent, actor, **over):
    rows = boq_rows(2, seed=3)
    return dict(
        actor=actor,
        parent=parent,
        contractor=subcontractor(),
        subcontract_type="specialist",
        title="钢结构专业分包",
        scope="钢结构制作安装",
        price=sum((r["amount"] for r in rows), Decimal(0)),
        duration_days=120,
        **over,
    )


def _counts():
    return Contract.objects.count(), LedgerEntry.objects.count()


@pytest.mark.rule("subcontract.re_subcontracting_prohibited")
def test_a_subcontractor_may_not_subcontract_its_part_the_general_contractor_may(deal):
    """建筑法第二十九条: 禁止分包单位将其承包的工程再分包. A signed subcontract's
    subcontractor is refused; the general contractor subcontracting under the main contract
    is allowed."""
    from jianguan.projects.tests.test_services import member

    r = rule("subcontract.re_subcontracting_prohibited", on=ON)
    assert r.value is True and "第二十九条" in r.reference
    gc, org = deal["orgs"]["general_contractor"], subcontractor()
    sub = make_contract(
        project=deal["project"],
        employer=gc,
        contractor=org,
        kind="subcontract",
        parent=deal["contract"],
        subcontract_type="specialist",
        approved_at=now(),
    )
    sub_actor = member(org, "spec1", ["admin", "signer"])
    args = _sub_args(deal, sub, sub_actor)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.subcontract_create(**args)
    assert exc.value.code == "re_subcontracting" and "再分包" in exc.value.message
    assert exc.value.details["article"] == r.reference
    assert _counts() == before, "a refusal writes nothing"
    allowed = svc.subcontract_create(
        **_sub_args(deal, deal["contract"], deal["actors"]["contractor"])
    )
    assert allowed.kind == "subcontract" and allowed.parent == deal["contract"]


@pytest.mark.rule("subcontract.main_structure_self_performed")
def test_the_main_structure_may_not_be_subcontracted_other_work_may(deal):
    """建筑法第二十九条: 建筑工程主体结构的施工必须由总承包单位自行完成."""
    r = rule("subcontract.main_structure_self_performed", on=ON)
    assert r.value is True and "第二十九条" in r.reference
    gc = deal["actors"]["contractor"]
    args = _sub_args(deal, deal["contract"], gc, covers_main_structure=True)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.subcontract_create(**args)
    assert exc.value.code == "main_structure_subcontracted" and "主体结构" in exc.value.message
    assert exc.value.details["article"] == r.reference
    assert _counts() == before, "a refusal writes nothing"
    allowed = svc.subcontract_create(
        **_sub_args(deal, deal["contract"], gc, covers_main_structure=False)
    )
    assert allowed.kind == "subcontract" and allowed.covers_main_structure is False
