"""Price score: hand-computed examples with the arithmetic written out. No database."""

from __future__ import annotations

import hashlib
from decimal import Decimal as D

import pytest

from jianguan.tendering.evaluation.price_score import (
    PriceConfig,
    abnormally_low,
    benchmark,
    draw_k,
    k_commitment,
    lowest_evaluated,
    new_seed,
    price_scores,
    valid_prices,
)

K_SET = (D("0.00"), D("0.01"), D("0.02"), D("0.03"))
CFG = PriceConfig(max_points=D("60"), k_set=K_SET)  # E_above 1, E_below 0.5, floor 0, cap 60


def scores(result: dict) -> dict:
    return {b: r["score"] for b, r in result.items()}


# --- n = 4: no trimming, K = 0 --------------------------------------------------------------
# Bids: A 1,030,000  B 985,000  C 1,000,000  D 985,000  (all ≤ ceiling 1,100,000)
# n = 4 < 5 → no trim: M = 4,000,000 / 4 = 1,000,000; K = 0 → S = 1,000,000.
# A: D = +30,000 / 1,000,000 × 100 = +3 %   → 60 − 1 × 3       = 57.00   (E above)
# B: D = −15,000 / 1,000,000 × 100 = −1.5 % → 60 − 0.5 × 1.5   = 59.25   (E below, pro rata)
# C: D = 0                                   → 60.00
FOUR = {"A": D("1030000"), "B": D("985000"), "C": D("1000000"), "D": D("985000")}


def test_n4_no_trim():
    s, details = benchmark(FOUR, CFG, D("0"))
    assert s == D("1000000") and details["trimmed"] == [] and details["n"] == 4
    r = price_scores(FOUR, D("1100000"), CFG, D("0"))
    assert scores(r) == {"A": D("57.00"), "B": D("59.25"), "C": D("60.00"), "D": D("59.25")}
    assert r["A"]["deviation_pct"] == D("3.00") and r["B"]["deviation_pct"] == D("-1.50")
    assert r["A"]["reason"].startswith("高于评标基准价 3.00%")
    assert r["B"]["reason"].startswith("低于评标基准价 1.50%")
    assert r["C"]["reason"] == "等于评标基准价，价格分60.00分"


# --- n = 6 valid (+1 over the ceiling): trimming, K = 0.02 ----------------------------------
# Ceiling 1,200,000. P7 = 1,250,000 > ceiling → rejected, not in S.
# Valid, sorted: P1 880,000 (lowest, dropped) P2 950,000 P3 990,000 P4 1,010,000 P5 1,050,000
#                P6 1,190,000 (highest, dropped)
# M = (950,000 + 990,000 + 1,010,000 + 1,050,000) / 4 = 4,000,000 / 4 = 1,000,000
# S = 1,000,000 × (1 − 0.02) = 980,000
# P4: D = 30,000 / 980,000 × 100 = 3.0612244…%   → 60 − 3.0612244…       = 56.938775… → 56.94
# P2: D = −30,000 / 980,000 × 100 = −3.0612244…% → 60 − 0.5 × 3.0612244… = 58.469387… → 58.47
# P1: D = −100,000 / 980,000 × 100 = −10.204081…% → 60 − 5.1020408…     = 54.897959… → 54.90
# P6: D = 210,000 / 980,000 × 100 = 21.428571…%  → 60 − 21.428571…      = 38.571428… → 38.57
SIX = {
    "P1": D("880000"),
    "P2": D("950000"),
    "P3": D("990000"),
    "P4": D("1010000"),
    "P5": D("1050000"),
    "P6": D("1190000"),
    "P7": D("1250000"),
}
CEILING = D("1200000")


def test_n6_trimmed_with_k():
    valid, invalid = valid_prices(SIX, CEILING)
    assert set(invalid) == {"P7"} and "超过最高投标限价" in invalid["P7"]
    s, details = benchmark(valid, CFG, D("0.02"))
    assert details["mean"] == D("1000000") and details["trimmed"] == ["P1", "P6"]
    assert s == D("980000.00")
    r = price_scores(SIX, CEILING, CFG, D("0.02"))
    assert r["P4"]["score"] == D("56.94")
    assert r["P2"]["score"] == D("58.47")
    assert r["P1"]["score"] == D("54.90")
    assert r["P6"]["score"] == D("38.57")
    assert r["P7"] == {
        "price": D("1250000"),
        "valid": False,
        "score": None,
        "deviation_pct": None,
        "benchmark": s,
        "reason": invalid["P7"],
    }


def test_floor_reached():
    # Same bids, E_above = 3: P6 → 60 − 3 × 21.428571… = −4.285714… → floor 0 → 0.00.
    # With floor 40 and E_above 1: P6 → 38.57 < 40 → 40.00; P4 (56.94) is untouched.
    steep = PriceConfig(max_points=D("60"), k_set=K_SET, e_above=D("3"))
    r = price_scores(SIX, CEILING, steep, D("0.02"))
    assert r["P6"]["score"] == D("0.00") and "低于最低分" in r["P6"]["reason"]
    floored = PriceConfig(max_points=D("60"), k_set=K_SET, floor=D("40"))
    r = price_scores(SIX, CEILING, floored, D("0.02"))
    assert r["P6"]["score"] == D("40.00") and r["P4"]["score"] == D("56.94")


def test_cap():
    # Cap 58 on the n = 4 example: C (60) → 58.00, B (59.25) → 58.00, A (57.00) unchanged.
    capped = PriceConfig(max_points=D("60"), cap=D("58"))
    r = price_scores(FOUR, D("1100000"), capped, D("0"))
    assert scores(r) == {"A": D("57.00"), "B": D("58.00"), "C": D("58.00"), "D": D("58.00")}
    assert "按58分计" in r["C"]["reason"]


def test_rounding_half_up():
    # A 1,000,350  B 999,650 → M = 2,000,000 / 2 = 1,000,000 = S.
    # A: D = 350 / 1,000,000 × 100 = 0.035 % → 60 − 0.035 = 59.965 → HALF_UP 59.97
    #    (banker's rounding would give 59.96).
    # B: D = −0.035 % → 60 − 0.5 × 0.035 = 59.9825 → 59.98
    r = price_scores({"A": D("1000350"), "B": D("999650")}, D("1100000"), CFG, D("0"))
    assert scores(r) == {"A": D("59.97"), "B": D("59.98")}
    one_place = PriceConfig(max_points=D("60"), places=1)
    # 59.965 → 60.0 at one place; 59.9825 → 60.0.
    r = price_scores({"A": D("1000350"), "B": D("999650")}, D("1100000"), one_place, D("0"))
    assert scores(r) == {"A": D("60.0"), "B": D("60.0")}


def test_benchmark_places_rounds_s():
    # Bids 1,000,000 / 1,000,001 / 1,000,001 → M = 3,000,002 / 3 = 1,000,000.666… → S = 1,000,000.67
    cfg = PriceConfig(max_points=D("60"), benchmark_places=2)
    s, _ = benchmark({"a": D("1000000"), "b": D("1000001"), "c": D("1000001")}, cfg, D("0"))
    assert s == D("1000000.67")


def test_ceiling_exclusion_and_bad_input():
    valid, invalid = valid_prices({"x": D("100"), "y": D("100.01"), "z": D("0")}, D("100"))
    assert valid == {"x": D("100")}  # exactly at the ceiling is valid
    assert set(invalid) == {"y", "z"}
    with pytest.raises(TypeError):
        valid_prices({"x": 100.0}, D("100"))  # floats are refused
    r = price_scores({"y": D("200")}, D("100"), CFG, D("0"))
    assert r["y"]["valid"] is False and r["y"]["benchmark"] is None


def test_k_must_be_published():
    with pytest.raises(ValueError, match="不在公布的取值范围"):
        benchmark(FOUR, CFG, D("0.05"))
    with pytest.raises(ValueError, match="K 须为 0"):
        benchmark(FOUR, PriceConfig(max_points=D("60")), D("0.01"))
    with pytest.raises(ValueError):
        PriceConfig(max_points=D("60"), trim_min_n=2)
    with pytest.raises(ValueError):
        PriceConfig(max_points=D("60"), floor=D("70"))


# --- abnormally low -------------------------------------------------------------------------
# A 600,000  B 1,000,000  C 1,000,000  D 1,100,000
# Mean of the others for A = 3,100,000 / 3 = 1,033,333.33…; (1,033,333.33… − 600,000) / 1,033,333.33…
#   = 41.935…% ≥ 40 → flagged.  For B: others = 2,700,000 / 3 = 900,000 < B: not below at all.
# Next bid above A = 1,000,000: (1,000,000 − 600,000) / 1,000,000 = 40 % ≥ 30 → flagged.
# B's next bid is C at the same price: gap 0 %.
LOW = {"A": D("600000"), "B": D("1000000"), "C": D("1000000"), "D": D("1100000")}


def test_abnormally_low_mean_of_others():
    out = abnormally_low(LOW, below_mean_others_pct=D("40"), below_next_pct=None, cost_line=None)
    assert list(out) == ["A"]
    assert "41.94%" in out["A"][0] and "1033333.33" in out["A"][0]
    assert not abnormally_low(
        LOW, below_mean_others_pct=D("42"), below_next_pct=None, cost_line=None
    )


def test_abnormally_low_next_bid_inclusive():
    out = abnormally_low(LOW, below_mean_others_pct=None, below_next_pct=D("40"), cost_line=None)
    assert list(out) == ["A"] and "40.00%" in out["A"][0]  # exactly 40 % counts
    near = {**LOW, "A": D("600001")}  # 399,999 / 1,000,000 = 39.9999 % < 40
    assert not abnormally_low(
        near, below_mean_others_pct=None, below_next_pct=D("40"), cost_line=None
    )


def test_abnormally_low_cost_line_and_all_rules():
    out = abnormally_low(
        LOW, below_mean_others_pct=None, below_next_pct=None, cost_line=D("1000000")
    )
    assert list(out) == ["A"]  # B at exactly the line is not below it
    out = abnormally_low(
        LOW, below_mean_others_pct=D("40"), below_next_pct=D("30"), cost_line=D("650000")
    )
    assert len(out["A"]) == 3 and set(out) == {"A"}


# --- 经评审的最低投标价法 ----------------------------------------------------------------------


def test_lowest_evaluated_with_adjustments_and_ties():
    # A 1,000,000 + 0 = 1,000,000; B 990,000 + 15,000 = 1,005,000; C 1,005,000 − 5,000 = 1,000,000
    prices = {"A": D("1000000"), "B": D("990000"), "C": D("1005000")}
    adj = {"B": D("15000"), "C": D("-5000")}
    assert lowest_evaluated(prices, adj, tie_break=["C", "A", "B"]) == [
        ("C", D("1000000")),
        ("A", D("1000000")),
        ("B", D("1005000")),
    ]
    # No tie-break order: bid id decides, deterministically.
    assert [b for b, _ in lowest_evaluated(prices, adj)] == ["A", "C", "B"]
    assert [b for b, _ in lowest_evaluated(prices)] == ["B", "A", "C"]
    with pytest.raises(ValueError):
        lowest_evaluated(prices, {"Z": D("1")})


# --- K draw ---------------------------------------------------------------------------------


def seed(n: int) -> bytes:
    return hashlib.sha256(f"k-seed-{n}".encode()).digest()


def test_draw_k_deterministic_and_in_set():
    assert draw_k(K_SET, seed(1)) == draw_k(K_SET, seed(1))
    drawn = {draw_k(K_SET, seed(n)) for n in range(200)}
    assert drawn == set(K_SET)  # every value reachable, nothing outside the set
    # The set's listing order and trailing zeros do not change the draw.
    shuffled = (D("0.030"), D("0.01"), D("0"), D("0.02"))
    assert all(draw_k(shuffled, seed(n)) == draw_k(K_SET, seed(n)) for n in range(50))
    assert draw_k((), seed(1)) == D("0")
    assert draw_k(K_SET, new_seed()) in K_SET and len(new_seed()) == 32
    with pytest.raises(ValueError):
        draw_k(K_SET, b"short")


def test_k_commitment_binds_inputs():
    ref = k_commitment(K_SET, "ab" * 32, "2025-06-10T09:30:00+08:00")
    assert len(ref) == 64 and ref == k_commitment(
        K_SET[::-1], "ab" * 32, "2025-06-10T09:30:00+08:00"
    )
    assert ref != k_commitment(K_SET[:3], "ab" * 32, "2025-06-10T09:30:00+08:00")
    assert ref != k_commitment(K_SET, "ac" * 32, "2025-06-10T09:30:00+08:00")
    assert ref != k_commitment(K_SET, "ab" * 32, "2025-06-10T09:31:00+08:00")
