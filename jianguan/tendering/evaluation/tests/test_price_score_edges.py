"""Exact edges of price scoring (issue 14 part 3: mutation testing). No database.

Each check of the evaluation config on its limit and one step past it, with the message the
officer reads; every refusal of a binary float (a float price would move the benchmark in its
last digit) naming the figure refused; the abnormally-low screens exactly on their trigger
lines; the canonical form the K commitment is computed over, so that anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal as D

import pytest

from jianguan.tendering.evaluation.price_score import (
    PriceConfig,
    abnormally_low,
    benchmark,
    draw_k,
    k_commitment,
    lowest_evaluated,
    price_scores,
    valid_prices,
)

SEED = bytes(range(32))


def _value_error(**kw) -> str:
    with pytest.raises(ValueError) as err:
        PriceConfig(**{"max_points": D("60"), **kw})
    return str(err.value)


def _type_error(fn, *args, **kw) -> str:
    with pytest.raises(TypeError) as err:
        fn(*args, **kw)
    return str(err.value)


# --- the evaluation config -------------------------------------------------------------------


def test_config_limits_that_are_allowed():
    # the smallest lawful values of each parameter: full marks above 0 (even below 1),
    # E of 0 (no deduction) and below 1, trimming from 3 bids, floor equal to the cap,
    # K just under 1, scores rounded to whole points
    PriceConfig(max_points=D("0.5"))
    PriceConfig(max_points=D("60"), e_above=D("0"), e_below=D("0"))
    PriceConfig(max_points=D("60"), e_above=D("0.5"), e_below=D("0.25"))
    PriceConfig(max_points=D("60"), trim_min_n=3)
    PriceConfig(max_points=D("60"), floor=D("60"))
    PriceConfig(max_points=D("60"), cap=D("50"), floor=D("50"))
    PriceConfig(max_points=D("60"), k_set=(D("0"), D("0.99")))
    PriceConfig(max_points=D("60"), places=0)


@pytest.mark.parametrize(
    "kw",
    [
        {"max_points": D("0")},
        {"max_points": D("-1")},
        {"e_above": D("-0.01")},
        {"e_below": D("-0.01")},
    ],
)
def test_zero_full_marks_or_a_negative_e_is_refused(kw):
    assert _value_error(**kw) == "价格分满分须大于0，扣分系数E不得为负"


def test_trimming_needs_at_least_3_bids():
    assert _value_error(trim_min_n=2) == "去掉最高、最低报价至少需要3个有效报价（trim_min_n ≥ 3）"


def test_a_floor_above_the_cap_is_refused():
    assert _value_error(floor=D("61")) == "价格分下限 61 高于上限 60"
    assert _value_error(cap=D("50"), floor=D("50.01")) == "价格分下限 50.01 高于上限 50"


@pytest.mark.parametrize("k", [D("1"), D("1.5"), D("-0.01")])
def test_a_coefficient_outside_0_to_1_is_refused(k):
    assert _value_error(k_set=(D("0"), k)) == f"下浮系数 {k} 须在 [0, 1) 之间"


def test_negative_places_are_refused():
    assert _value_error(places=-1) == "保留小数位数不得为负"


def test_a_float_in_the_config_is_refused_by_name():
    assert _type_error(PriceConfig, max_points=60.0) == "max_points 须为 Decimal，而不是 float"
    assert (
        _type_error(PriceConfig, max_points=D("60"), floor=True)
        == "floor 须为 Decimal，而不是 bool"
    )
    assert (
        _type_error(PriceConfig, max_points=D("60"), k_set=(0.01,))
        == "k 须为 Decimal，而不是 float"
    )


# --- valid prices, benchmark -----------------------------------------------------------------


def test_one_fen_is_a_valid_price_and_zero_is_not():
    valid, invalid = valid_prices({"a": D("0.01"), "b": D("0"), "c": D("0.99")}, D("100"))
    assert valid == {"a": D("0.01"), "c": D("0.99")}
    assert invalid == {"b": "投标报价 0 元不大于0，无效"}


def test_floats_are_refused_naming_the_figure():
    assert (
        _type_error(valid_prices, {"a": 1.0}, D("100")) == "投标报价 a 须为 Decimal，而不是 float"
    )
    assert _type_error(valid_prices, {}, 100.0) == "最高投标限价 须为 Decimal，而不是 float"
    cfg = PriceConfig(max_points=D("60"), k_set=(D("0.01"),))
    assert (
        _type_error(benchmark, {"a": D("1")}, cfg, 0.01) == "下浮系数K 须为 Decimal，而不是 float"
    )
    assert _type_error(draw_k, [0.01], SEED) == "k 须为 Decimal，而不是 float"
    assert _type_error(_low, {"b": 2.5}) == "投标报价 b 须为 Decimal，而不是 float"
    assert _type_error(lowest_evaluated, {"c": 3.0}) == "投标报价 c 须为 Decimal，而不是 float"
    assert (
        _type_error(lowest_evaluated, {"c": D("3")}, {"c": 0.5})
        == "折算 c 须为 Decimal，而不是 float"
    )


def test_a_k_without_a_published_set_must_be_zero():
    cfg = PriceConfig(max_points=D("60"))
    assert benchmark({"a": D("100")}, cfg, D("0"))[0] == D("100")
    with pytest.raises(ValueError) as err:
        benchmark({"a": D("100")}, cfg, D("0.01"))
    assert str(err.value) == "招标文件未设下浮系数，K 须为 0"


def test_no_valid_bid_no_benchmark():
    with pytest.raises(ValueError) as err:
        benchmark({}, PriceConfig(max_points=D("60")), D("0"))
    assert str(err.value) == "没有有效投标报价，无法计算评标基准价"


def test_benchmark_details_name_every_figure():
    cfg = PriceConfig(max_points=D("60"), k_set=(D("0.02"),))
    s, details = benchmark({"a": D("100"), "b": D("300")}, cfg, D("0.02"))
    assert s == D("196.00")
    assert details == {"n": 2, "trimmed": [], "mean": D("200"), "k": D("0.02"), "benchmark": s}


# --- scores ----------------------------------------------------------------------------------


def test_a_score_exactly_on_the_floor_is_not_said_to_be_clamped():
    # a 100, b 150: S = 125; b is 20 % above (60 − 20 = 40, the floor), a 20 % below
    cfg = PriceConfig(max_points=D("60"), floor=D("40"))
    out = price_scores({"a": D("100"), "b": D("150")}, D("1000"), cfg, D("0"))
    assert out["b"] == {
        "price": D("150"),
        "valid": True,
        "score": D("40.00"),
        "deviation_pct": D("20.00"),
        "benchmark": D("125"),
        "reason": "高于评标基准价 20.00%，每1%扣1分，扣20.00分，价格分40.00分",
    }
    assert out["a"]["reason"] == "低于评标基准价 20.00%，每1%扣0.5分，扣10.00分，价格分50.00分"
    # one fen more and the floor applies
    out = price_scores({"a": D("100"), "b": D("150.01")}, D("1000"), cfg, D("0"))
    assert out["b"]["score"] == D("40.00")
    assert out["b"]["reason"].endswith("，低于最低分，按40分计，价格分40.00分")


# --- abnormally low bids ---------------------------------------------------------------------


def _low(prices, mean=None, nxt=None, cost=None):
    return abnormally_low(prices, below_mean_others_pct=mean, below_next_pct=nxt, cost_line=cost)


def test_exactly_40_percent_below_the_others_mean_is_flagged():
    assert _low({"a": D("60"), "b": D("100"), "c": D("100")}, mean=D("40")) == {
        "a": ["报价低于其他投标人报价平均值 100.00 元达 40.00%（触发线 40%）"]
    }
    assert _low({"a": D("60.01"), "b": D("100"), "c": D("100")}, mean=D("40")) == {}


def test_the_others_mean_is_shown_to_the_fen():
    out = _low({"a": D("10"), "b": D("100"), "c": D("100.005")}, mean=D("40"))
    assert out == {"a": ["报价低于其他投标人报价平均值 100.00 元达 90.00%（触发线 40%）"]}
    out = _low({"a": D("10"), "b": D("100"), "c": D("100.01")}, mean=D("40"))
    assert out == {"a": ["报价低于其他投标人报价平均值 100.01 元达 90.00%（触发线 40%）"]}


def test_a_tie_with_the_next_bid_is_a_gap_of_zero():
    prices = {"a": D("100"), "b": D("100"), "c": D("200")}
    assert _low(prices, nxt=D("30")) == {}
    # the highest bid has no next bid and is never flagged by this screen
    assert _low(prices, nxt=D("0")) == {
        "a": ["报价低于相邻较高报价 100 元达 0.00%（触发线 0%）"],
        "b": ["报价低于相邻较高报价 100 元达 0.00%（触发线 0%）"],
    }


def test_below_the_cost_line_strictly():
    out = _low({"a": D("99.99"), "b": D("100")}, cost=D("100"))
    assert out == {"a": ["报价低于公布的成本警戒线 100 元"]}


# --- lowest evaluated price ------------------------------------------------------------------


def test_a_bid_in_the_tie_break_comes_before_an_equal_bid_missing_from_it():
    assert lowest_evaluated({"z": D("100"), "a": D("100"), "m": D("100")}, tie_break=["z"]) == [
        ("z", D("100")),
        ("a", D("100")),
        ("m", D("100")),
    ]


def test_an_adjustment_for_an_unknown_bid_is_refused():
    with pytest.raises(ValueError) as err:
        lowest_evaluated({"a": D("1")}, {"x": D("1"), "b": D("2")})
    assert str(err.value) == "价格折算针对了不存在的投标：['b', 'x']"


# --- the K draw and its commitment -----------------------------------------------------------


def test_a_short_seed_is_refused():
    assert draw_k([D("0.01")], bytes(16)) == D("0.01")
    with pytest.raises(ValueError) as err:
        draw_k([D("0.01")], bytes(15))
    assert str(err.value) == "随机种子长度不足（至少16字节）"


def test_the_commitment_is_over_the_value_sorted_set_in_plain_notation_utf8():
    # 10 normalises to 1E+1 and must still be written "10"; "10" sorts before "2" as text
    k_set = [D("10"), D("2.0"), D("0.50")]
    at = "2026-03-02T09:00:00+08:00 北京时间"
    blob = (
        '{"at":"2026-03-02T09:00:00+08:00 北京时间","k_set":["0.5","2","10"],'
        '"seed_hex":"00ff","type":"price_k_commitment"}'
    )
    assert k_commitment(k_set, "00ff", at) == hashlib.sha256(blob.encode()).hexdigest()


def test_the_draw_indexes_the_value_sorted_set():
    k_set = [D("10"), D("2"), D("0.5")]
    values = ["0.5", "2", "10"]
    msg = b"price-k:" + json.dumps(values, separators=(",", ":")).encode()
    for seed in (SEED, bytes(32), b"\x01" * 32):
        idx = int.from_bytes(hmac.new(seed, msg, "sha256").digest(), "big") % 3
        assert draw_k(k_set, seed) == D(values[idx])
