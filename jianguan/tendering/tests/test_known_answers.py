"""Known answers for tendering algorithms that outsiders replay or that must never drift (issue 14).

Every expectation comes from a data file under vectors/, computed once by hand or by an
independent script there (make_draw_k.py, check_price_score.py, make_sealed_bid.py) that
imports nothing from jianguan. No expectation is derived from the code under test.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jianguan.tendering.evaluation.price_score import (
    PriceConfig,
    benchmark,
    draw_k,
    k_commitment,
    price_scores,
    valid_prices,
)

VECTORS = Path(__file__).parent / "vectors"


def _load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text("utf-8"))


# --- 下浮系数 K draw ---------------------------------------------------------------------------

K_CASES = _load("draw_k.json")["cases"]


@pytest.mark.parametrize("case", K_CASES, ids=[c["name"] for c in K_CASES])
def test_draw_k(case):
    k_set = tuple(Decimal(k) for k in case["k_set"])
    got = draw_k(k_set, bytes.fromhex(case["seed_hex"]))
    assert got == Decimal(case["k"])
    assert format(got, "f") == case["k"]


@pytest.mark.parametrize("case", K_CASES, ids=[c["name"] for c in K_CASES])
def test_k_commitment(case):
    k_set = tuple(Decimal(k) for k in case["k_set"])
    assert k_commitment(k_set, case["seed_hex"], case["at"]) == case["commitment"]


# --- 价格分 worked examples --------------------------------------------------------------------

PRICE_EXAMPLES = _load("price_score.json")["examples"]


def _config(c: dict) -> PriceConfig:
    return PriceConfig(
        max_points=Decimal(c["max_points"]),
        trim_min_n=c["trim_min_n"],
        k_set=tuple(Decimal(k) for k in c["k_set"]),
        e_above=Decimal(c["e_above"]),
        e_below=Decimal(c["e_below"]),
        floor=Decimal(c["floor"]),
        cap=None if c["cap"] is None else Decimal(c["cap"]),
        places=c["places"],
        benchmark_places=c["benchmark_places"],
    )


@pytest.mark.parametrize("ex", PRICE_EXAMPLES, ids=[e["name"] for e in PRICE_EXAMPLES])
def test_price_score_worked_example(ex):
    cfg = _config(ex["config"])
    prices = {b: Decimal(p) for b, p in ex["prices"].items()}
    ceiling, k, exp = Decimal(ex["ceiling"]), Decimal(ex["k"]), ex["expected"]

    valid, _ = valid_prices(prices, ceiling)
    s, details = benchmark(valid, cfg, k)
    assert details["n"] == exp["valid_n"]
    assert details["trimmed"] == exp["trimmed"]
    assert details["mean"] == Decimal(exp["mean"])
    assert s == Decimal(exp["benchmark"])

    out = price_scores(prices, ceiling, cfg, k)
    assert set(out) == set(exp["bids"])
    for bid, want in exp["bids"].items():
        got = out[bid]
        assert got["valid"] is want["valid"], bid
        if want["score"] is None:
            assert got["score"] is None and got["deviation_pct"] is None, bid
            continue
        # Exact strings: the value and the number of places (55.48, 0.00) both count.
        assert str(got["score"]) == want["score"], bid
        assert str(got["deviation_pct"]) == want["deviation_pct"], bid
        assert got["benchmark"] == Decimal(exp["benchmark"]), bid
