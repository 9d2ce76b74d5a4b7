"""Re-check the hand-written price_score.json with exact fractions (imports nothing from jianguan).

Run: python jianguan/tendering/tests/vectors/check_price_score.py  -> "ok" or an AssertionError.
"""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent


def half_up(x: F, places: int) -> F:
    scale = 10**places
    n = abs(x) * scale
    r = (n.numerator * 2 + n.denominator) // (2 * n.denominator)  # half away from zero
    return F(r if x >= 0 else -r, scale)


def main() -> None:
    doc = json.loads((HERE / "price_score.json").read_text("utf-8"))
    for ex in doc["examples"]:
        cfg, exp = ex["config"], ex["expected"]
        ceiling, k = F(ex["ceiling"]), F(ex["k"])
        valid = {b: F(p) for b, p in ex["prices"].items() if 0 < F(p) <= ceiling}
        order = sorted(valid, key=lambda b: (valid[b], b))
        n = len(order)
        kept = order[1:-1] if n >= cfg["trim_min_n"] else order
        assert n == exp["valid_n"], ex["name"]
        assert (order[0], order[-1]) == tuple(exp["trimmed"]) or (
            n < cfg["trim_min_n"] and exp["trimmed"] == []
        )
        mean = sum(valid[b] for b in kept) / len(kept)
        assert mean == F(exp["mean"]), (ex["name"], mean)
        s = mean * (1 - k)
        if cfg["benchmark_places"] is not None:
            s = half_up(s, cfg["benchmark_places"])
        assert s == F(exp["benchmark"]), (ex["name"], s)
        c, floor = F(cfg["max_points"]), F(cfg["floor"])
        cap = c if cfg["cap"] is None else F(cfg["cap"])
        for bid, want in exp["bids"].items():
            if not want["valid"]:
                assert bid not in valid and want["score"] is None
                continue
            d = (valid[bid] - s) / s * 100
            if d > 0:
                raw = c - F(cfg["e_above"]) * d
            elif d < 0:
                raw = c - F(cfg["e_below"]) * -d
            else:
                raw = c
            raw = min(max(raw, floor), cap)
            assert half_up(raw, cfg["places"]) == F(want["score"]), (ex["name"], bid)
            assert half_up(d, 2) == F(want["deviation_pct"]), (ex["name"], bid)
    print("ok")


if __name__ == "__main__":
    main()
