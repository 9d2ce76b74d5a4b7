"""The credit engine on its own: when a record counts, decay, clamping, exact explanations."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from jianguan.compliance import credit as C

D = dt.date(2026, 6, 1)
P = C.Params(base=80000, floor=0, cap=100000, decay=C.LINEAR)


def entry(
    pk=1, kind="finding_general", points=-1000, occurred=D, recorded=None, months=6, ends=None
):
    recorded = recorded or occurred
    return C.Entry(
        pk, kind, points, occurred, recorded, occurred + dt.timedelta(days=30 * months), ends
    )


def test_a_record_counts_from_the_day_after_it_was_recorded():
    e = entry()
    assert not C.counts_on(e, D)  # the score of D was published at the start of D
    assert C.counts_on(e, D + dt.timedelta(days=1))
    assert not C.counts_on(e, e.expires_on)
    assert C.counts_on(e, e.expires_on - dt.timedelta(days=1))


def test_an_ended_record_stops_counting_on_its_end_day():
    e = entry(ends=D + dt.timedelta(days=10))
    assert C.counts_on(e, D + dt.timedelta(days=9)) and not C.counts_on(
        e, D + dt.timedelta(days=10)
    )


def test_backdated_record_counts_only_after_it_was_known():
    e = entry(occurred=D, recorded=D + dt.timedelta(days=20))
    assert not C.counts_on(e, D + dt.timedelta(days=20))
    assert C.counts_on(e, D + dt.timedelta(days=21))


def test_linear_decay_to_zero_at_expiry():
    e = entry(points=-3000, months=1)  # 30 days
    assert C.contribution(e, D + dt.timedelta(days=1), C.LINEAR) == -2900
    assert C.contribution(e, D + dt.timedelta(days=15), C.LINEAR) == -1500
    assert C.contribution(e, D + dt.timedelta(days=29), C.LINEAR) == -100
    assert C.contribution(e, D + dt.timedelta(days=1), C.NONE) == -3000


def test_rounding_is_half_away_from_zero_and_exact():
    e = entry(points=-1, months=1)
    assert C.contribution(e, D + dt.timedelta(days=15), C.LINEAR) == -1  # -0.5 → -1
    assert C._round_div(5, 10) == 1 and C._round_div(-5, 10) == -1 and C._round_div(4, 10) == 0


def test_explanation_sums_to_the_score_and_matches_the_batch():
    rng = random.Random(7)
    entries = [
        entry(
            pk=i,
            kind=rng.choice(list(C.KINDS)),
            points=rng.choice([-1, 1]) * rng.randint(1, 30000),
            occurred=D - dt.timedelta(days=rng.randint(0, 900)),
            months=rng.choice([6, 12, 24, 36]),
        )
        for i in range(300)
    ]
    for on in (D, D + dt.timedelta(days=40), D + dt.timedelta(days=400)):
        for params in (P, C.Params(80000, 0, 100000, C.NONE)):
            b = C.explain(entries, on, params)
            assert b.total == b.base + sum(c for _, c in b.lines) + b.clamp
            assert b.total == C.score(entries, on, params)[0]
            assert b.good + b.bad == sum(c for _, c in b.lines)
            assert all(C.counts_on(e, on) for e, _ in b.lines)


def test_clamp_is_its_own_line():
    entries = [entry(pk=i, points=-50000) for i in range(3)]
    b = C.explain(entries, D + dt.timedelta(days=1), P)
    assert b.total == 0 and b.clamp > 0
    entries = [entry(pk=i, points=50000) for i in range(3)]
    b = C.explain(entries, D + dt.timedelta(days=1), P)
    assert b.total == 100000 and b.clamp < 0


def test_kinds_and_errors():
    assert C.check_kind("award_national").sign == 1
    assert C.check_kind("yellow_card").sign == -1
    with pytest.raises(C.CreditError) as exc:
        C.check_kind("bribe")
    assert exc.value.code == "unknown_credit_kind"
    with pytest.raises(C.CreditError) as exc:
        C.check_kind("yellow_card", manual_only=True)
    assert exc.value.code == "credit_kind_automatic"
    assert set(C.FINDING_KINDS.values()) <= set(C.KINDS)
    assert set(C.SANCTION_KINDS.values()) <= set(C.KINDS)


def test_digest_is_order_independent_and_sensitive():
    a = C.digest([("o:1", 80000), ("o:2", 79000)])
    assert a == C.digest([("o:2", 79000), ("o:1", 80000)])
    assert a != C.digest([("o:1", 80000), ("o:2", 79001)])


def test_centi_conversions():
    from decimal import Decimal

    assert C.to_centi(Decimal("842.5")) == 84250 and C.from_centi(84250) == Decimal("842.50")
    assert C.to_centi("-10") == -1000
