"""Boundary tests of the final account's rule data: the owner's review period by amount band
(建设工程价款结算暂行办法 第十四条), the submission period, the material risk band, the
overpayment return period and its warning, and the owner's silence (第十六条 where the
contract says so)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.cost.settlement import services, setup
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.tests.factories import complete
from jianguan.rules.lookup import rule_value

pytestmark = pytest.mark.django_db


@pytest.mark.rule(
    "settlement.owner_review_days.below_5m",
    "settlement.owner_review_days.5m_20m",
    "settlement.owner_review_days.20m_50m",
    "settlement.owner_review_days.above_50m",
)
def test_review_period_bands_from_rule_data(world):
    on = today_local()
    assert services.review_period_days(D("4999999.99"), on) == 20
    assert services.review_period_days(D("5000000.00"), on) == 30
    assert services.review_period_days(D("19999999.99"), on) == 30
    assert services.review_period_days(D("20000000.00"), on) == 45
    assert services.review_period_days(D("49999999.99"), on) == 45
    assert services.review_period_days(D("50000000.00"), on) == 60


@pytest.mark.rule("settlement.final_account_submit_days")
def test_submission_period_from_completion(deal):
    completed = today_local() - dt.timedelta(days=28)
    complete(deal["project"], completed)
    days = rule_value("settlement.final_account_submit_days")
    assert days == 28
    account = services.final_account_create(
        actor=deal["actors"]["contractor"], contract=deal["contract"]
    )
    assert account.submit_due_on == completed + dt.timedelta(days=28) == today_local()
    # the contract may fix its own period
    services.settlement_terms_set(
        actor=deal["actors"]["owner"],
        contract=deal["contract"],
        silence_consequence="none",
        submit_days=60,
    )


@pytest.mark.rule("settlement.material_risk_band")
def test_material_band_from_rule_data_or_the_contract(deal):
    complete(deal["project"])
    gc, owner = deal["actors"]["contractor"], deal["actors"]["owner"]
    assert rule_value("settlement.material_risk_band") == "0.05" or D(
        str(rule_value("settlement.material_risk_band"))
    ) == D("0.05")
    account = services.final_account_create(actor=gc, contract=deal["contract"])
    kw = dict(actor=gc, account=account, kind="price_adjustment", name="钢筋", quantity="10")
    with pytest.raises(ValidationFailed):  # +5 % exactly: no adjustment
        services.final_account_line_add(base_price="100", market_price="105", **kw)
    line = services.final_account_line_add(base_price="100", market_price="105.01", **kw)
    assert line.claimed_amount == D("0.10")
    # the contract's own band (3 %) replaces the default once set
    services.settlement_terms_set(
        actor=owner,
        contract=deal["contract"],
        silence_consequence="deemed_accepted",
        material_risk_band="0.03",
    )
    line = services.final_account_line_add(base_price="100", market_price="104", **kw)
    assert line.claimed_amount == D("10.00")  # (104 − 103) × 10


def _submitted(deal, consequence: str):
    complete(deal["project"])
    gc, owner = deal["actors"]["contractor"], deal["actors"]["owner"]
    services.settlement_terms_set(
        actor=owner, contract=deal["contract"], silence_consequence=consequence
    )
    account = services.final_account_create(actor=gc, contract=deal["contract"])
    return services.final_account_submit(actor=gc, account=account)


def test_owner_silence_deemed_accepted_on_the_day_after_the_period(deal):
    account = _submitted(deal, "deemed_accepted")
    due = account.review_due_on
    assert services.clock_sweep(today=due) == 0  # the last day is still the owner's
    account.refresh_from_db()
    assert account.status == wf.SUBMITTED
    assert services.clock_sweep(today=due + dt.timedelta(days=1)) == 1
    account.refresh_from_db()
    assert account.status == wf.OWNER_REVIEWED and account.owner_decision == "deemed_accepted"
    assert services.clock_sweep(today=due + dt.timedelta(days=2)) == 0  # recorded once


def test_owner_silence_without_a_deeming_clause_is_recorded_only(deal):
    account = _submitted(deal, "none")
    services.final_account_review_lapse(
        actor=SYSTEM, account=account, today=account.review_due_on + dt.timedelta(days=1)
    )
    account.refresh_from_db()
    assert account.status == wf.SUBMITTED and account.owner_decision == "lapsed"
    assert account.review_lapsed_on == account.review_due_on + dt.timedelta(days=1)


@pytest.mark.rule("warning.settlement_refund_overdue_days")
def test_refund_warning_levels():
    levels = {"blue": 1, "yellow": 15, "orange": 30, "red": 60}
    today = dt.date(2026, 12, 1)
    thresholds = {setup.WARNING_CODE: levels}

    def at(days):
        facts = {
            "settlement_refund_overdue": [
                {"number": "JS-1", "due_on": today - dt.timedelta(days=days)}
            ]
        }
        return setup.check_refund_overdue(facts, today, thresholds)

    assert at(0) is None
    assert at(1)[0] == 1
    assert at(14)[0] == 1 and at(15)[0] == 2
    assert at(29)[0] == 2 and at(30)[0] == 3
    assert at(59)[0] == 3 and at(60)[0] == 4
    assert "逾期 60 天" in at(60)[1]
