"""Boundary tests of the credit score's rule data: floor and cap (the daily batch and the
explanation), and every record kind's points and publication period.

The numbers come from rule data (大兴区建设市场主体信用评价办法, district policy; 建市〔2017〕241号
for publication periods), never from the test. ``@pytest.mark.rule(code)`` declares the codes
covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.compliance import credit as C
from jianguan.compliance import selectors_credit as sel
from jianguan.compliance import services
from jianguan.compliance.models import CreditRecord, CreditScore
from jianguan.compliance.sanctions import add_months
from jianguan.compliance.services import credit as credit_services
from jianguan.compliance.tests.test_credit import TODAY, _history, _shift
from jianguan.rules.lookup import rule

D = dt.date(2026, 6, 1)
ARTICLE = "大兴区建设市场主体信用评价办法"


@pytest.fixture
def rules(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


def _flat(pk: int, points: int) -> C.Entry:
    """A record that counts on D + 1 with its full points (no decay applies in NONE mode)."""
    return C.Entry(pk, "wage_arrears", points, D, D, D + dt.timedelta(days=365))


@pytest.mark.rule("credit.min_score", "credit.base_score", "credit.max_score")
def test_the_score_is_clamped_at_the_floor_and_the_cap_one_hundredth_each_side(rules):
    """大兴区建设市场主体信用评价办法: the score lies between credit.min_score and credit.max_score;
    the daily batch (``score``) and the explanation (``explain``) both clamp."""
    p = sel.params_on(D)
    assert ARTICLE in rule("credit.min_score", on=D).reference
    assert (p.base, p.floor, p.cap) == (80000, 0, 100000), "base 800, floor 0, cap 1000"
    params = C.Params(p.base, p.floor, p.cap, C.NONE)
    on = D + dt.timedelta(days=1)
    to_floor = p.floor - p.base  # the records that bring the score exactly to the floor
    to_cap = p.cap - p.base
    for delta, expected in (
        (to_floor - 1, p.floor),  # one hundredth below the floor: the floor
        (to_floor, p.floor),
        (to_floor + 1, p.floor + 1),
        (to_floor * 3, p.floor),  # far below
        (to_cap - 1, p.cap - 1),
        (to_cap, p.cap),
        (to_cap + 1, p.cap),  # one hundredth above the cap: the cap
    ):
        entries = [_flat(1, delta)]
        assert C.score(entries, on, params)[0] == expected, f"{ARTICLE}: {delta}"
        assert C.explain(entries, on, params).total == expected, f"{ARTICLE}: {delta}"


@pytest.mark.rule("credit.min_score", "credit.base_score", "credit.decay_mode")
def test_daily_batch_publishes_the_floor_when_records_push_the_score_below_it(site):
    """大兴区建设市场主体信用评价办法: bad records worth more than the base score publish the
    floor (credit.min_score), never a negative score."""
    gc = site["orgs"]["general_contractor"]
    reg = site["actors"]["regulator"]
    _history(gc)
    base = rule("credit.base_score", on=TODAY).value
    floor = rule("credit.min_score", on=TODAY).value
    each = rule("credit.points.wage_arrears", on=TODAY).value
    count = int(base // each) + 2  # comfortably past the floor, even after a day of decay
    for i in range(count):
        services.credit_record_add(
            actor=reg,
            kind="wage_arrears",
            organisation=gc,
            occurred_on=TODAY - dt.timedelta(days=1),
            description=f"拖欠农民工工资第{i + 1}起",
        )
    _shift(CreditRecord.objects.filter(organisation=gc), 2)  # known before today began
    services.credit_scores_publish(on=TODAY)
    stored = CreditScore.objects.get(organisation=gc, on=TODAY)
    assert stored.records == count
    assert base + stored.bad < floor, "the records do push the raw score below the floor"
    assert stored.score == Decimal(floor).quantize(Decimal("0.01")), f"{ARTICLE}: 最低分"
    ex = sel.explain(sel.Subject(organisation=gc), TODAY)
    assert ex.score == stored.score and ex.verified is True
    assert sel.params_on(TODAY).decay == rule("credit.decay_mode", on=TODAY).value


@pytest.mark.rule("credit.points.*", "credit.validity.*")
@pytest.mark.parametrize("kind", sorted(C.KINDS))
def test_each_kind_takes_its_points_and_counts_until_the_last_day_of_its_period(site, kind):
    """大兴区建设市场主体信用评价办法 (points and publication period of every record kind):
    the record carries ±credit.points.<kind> and counts on the last day of its
    credit.validity.<kind> months, not on the day they end."""
    gc = site["orgs"]["general_contractor"]
    spec = C.KINDS[kind]
    occurred = TODAY - dt.timedelta(days=3)
    points = rule(spec.points_rule, on=occurred)
    months = int(rule(spec.validity_rule, on=occurred).value)
    rec = credit_services.credit_record_make(
        actor=site["actors"]["regulator"],
        kind=kind,
        organisation=gc,
        occurred_on=occurred,
        description="边界测试",
    )
    assert rec.points == (points.value * spec.sign).quantize(Decimal("0.01")), kind
    assert rec.reference == points.reference[:300]
    assert rec.expires_on == add_months(occurred, months), f"{kind}: {months} 个月"
    entry = sel.entry_of(
        (rec.pk, kind, rec.points, rec.occurred_on, occurred, rec.expires_on, None)
    )
    last = rec.expires_on - dt.timedelta(days=1)
    assert C.counts_on(entry, last) and not C.counts_on(entry, rec.expires_on), kind
