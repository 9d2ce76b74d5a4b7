"""A period rule counts in its own unit: Beijing's bid-bond refund is 5 *working* days after the
contract (《北京市招标投标条例》第三十八条), over the national 5 calendar days (实施条例 57)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.rules import services
from jianguan.rules.lookup import period_end, rule

FRIDAY = dt.date(2026, 6, 5)  # an ordinary week: Dragon Boat Festival 2026 is 19 June


@pytest.fixture(autouse=True)
def _rules(db):
    services.rules_sync_from_data()


@pytest.mark.rule("bid_bond.refund_after_contract")
def test_bond_refund_is_due_on_the_fifth_working_day_after_the_contract():
    found = rule("bid_bond.refund_after_contract", on=FRIDAY)
    assert (found.value, found.unit) == (5, "working_day"), "京条例 38: 5 个工作日"
    due = period_end("bid_bond.refund_after_contract", start=FRIDAY)
    # Mon 8 … Fri 12 June: the fifth working day, not the fourth (Thu) nor the sixth (Mon 15),
    # and not Wednesday 10 June, which 5 calendar days would give.
    assert due == dt.date(2026, 6, 12), "京条例 38: 合同签订后 5 个工作日内退还"
    assert due != FRIDAY + dt.timedelta(days=5)


@pytest.mark.rule("bid_bond.refund_after_contract")
def test_the_national_rule_counts_calendar_days():
    found = rule("bid_bond.refund_after_contract", on=FRIDAY, region="national")
    assert (found.value, found.unit) == (5, "day"), "实施条例 57: 5 日"


def test_a_rule_that_is_no_period_in_days_is_refused():
    with pytest.raises(ValueError):
        period_end("bid_bond.ratio_max", start=FRIDAY)
