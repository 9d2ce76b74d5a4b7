"""Price scoring (价格分), abnormally low bids, 经评审的最低投标价法. Pure: no Django, Decimal only.

Sources: /work/shared/RULES.md "Evaluation formulas" 3.2 and 3.3. The deviation-from-benchmark
method is taken from public tender documents (a 2022 四川 design tender amendment, a county works
tender); the blended benchmark and the 12号令 articles are **(recalled; verify)** there. Every
parameter below belongs in the tender's evaluation config and is frozen into the audit trail when
the tender is published; nothing here is a number of the law.

Formula (``cfg`` = :class:`PriceConfig`)
----------------------------------------
1. Valid bids: price ≤ 最高投标限价 (ceiling) and > 0 (条例 51(五): a bid above the ceiling is
   rejected). Only valid bids enter the benchmark.
2. Trimmed mean, n valid bids a_1..a_n:
   n ≥ ``trim_min_n``: M = (Σa_i − max − min) / (n − 2)  (one highest and one lowest dropped);
   otherwise M = Σa_i / n.
3. 评标基准价 S = M × (1 − K), K the 下浮系数 drawn at opening from the published ``k_set``
   (:func:`draw_k`; an empty set means K = 0). If ``benchmark_places`` is set S is rounded to it
   (ROUND_HALF_UP) before use, as some documents do; by default it is not.
4. 偏差率 D = (a_i − S) / S × 100 %, i.e. D is a number of percentage points.
5. Score, C = ``max_points``; the unit of E is points per **1 %** of deviation and partial
   percentages are deducted **pro rata** (D = 2.5 deducts 2.5 × E, not 2 × E or 3 × E):
       D > 0:  score = C − E_above × D
       D < 0:  score = C − E_below × |D|
       D = 0:  score = C
6. Clamp to [``floor``, ``cap``] (``cap`` defaults to C), then round to ``places`` decimals
   ROUND_HALF_UP. D itself is not rounded inside the formula; ``deviation_pct`` in the output is
   rounded to 2 places for display only.

Intermediate arithmetic runs in a local Decimal context of 34 significant digits, so results do
not depend on the caller's context.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType
from typing import Any

__all__ = [
    "PriceConfig",
    "abnormally_low",
    "benchmark",
    "draw_k",
    "k_commitment",
    "lowest_evaluated",
    "new_seed",
    "price_scores",
    "valid_prices",
]

_PREC = 34
_HUNDRED = Decimal(100)
_EMPTY: Mapping[str, Decimal] = MappingProxyType({})


@dataclass(frozen=True)
class PriceConfig:
    max_points: Decimal  # C, the price part's full marks, e.g. Decimal("60")
    trim_min_n: int = 5  # n ≥ this: drop the highest and the lowest for the mean
    k_set: tuple[Decimal, ...] = ()  # published 下浮系数, e.g. 0.00, 0.01, 0.02, 0.03
    e_above: Decimal = Decimal("1")  # points per 1 % above S
    e_below: Decimal = Decimal("0.5")  # points per 1 % below S
    floor: Decimal = Decimal("0")
    cap: Decimal | None = None  # None: max_points
    places: int = 2  # ROUND_HALF_UP
    benchmark_places: int | None = None  # addition: round S itself (e.g. 2 = to the fen)

    def __post_init__(self) -> None:
        for name in ("max_points", "e_above", "e_below", "floor"):
            _dec(getattr(self, name), name)
        if self.max_points <= 0 or self.e_above < 0 or self.e_below < 0:
            raise ValueError("价格分满分须大于0，扣分系数E不得为负")
        if self.trim_min_n < 3:
            raise ValueError("去掉最高、最低报价至少需要3个有效报价（trim_min_n ≥ 3）")
        if self.floor > self.upper:
            raise ValueError(f"价格分下限 {self.floor} 高于上限 {self.upper}")
        for k in self.k_set:
            if not (Decimal(0) <= _dec(k, "k") < 1):
                raise ValueError(f"下浮系数 {k} 须在 [0, 1) 之间")
        if self.places < 0:
            raise ValueError("保留小数位数不得为负")

    @property
    def upper(self) -> Decimal:
        return self.max_points if self.cap is None else self.cap


def _dec(x: Any, what: str = "value") -> Decimal:
    # Floats are refused: a binary float price would silently change the benchmark in the last digit.
    if isinstance(x, bool) or not isinstance(x, Decimal | int):
        raise TypeError(f"{what} 须为 Decimal，而不是 {type(x).__name__}")
    return Decimal(x)


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def valid_prices(
    prices: Mapping[str, Decimal], ceiling: Decimal
) -> tuple[dict[str, Decimal], dict[str, str]]:
    """(valid bid -> price, invalid bid -> Chinese reason). Valid: 0 < price ≤ ceiling."""
    ceiling = _dec(ceiling, "最高投标限价")
    valid: dict[str, Decimal] = {}
    invalid: dict[str, str] = {}
    for bid, price in prices.items():
        price = _dec(price, f"投标报价 {bid}")
        if price <= 0:
            invalid[bid] = f"投标报价 {price} 元不大于0，无效"
        elif price > ceiling:
            invalid[bid] = (
                f"投标报价 {price} 元超过最高投标限价 {ceiling} 元，否决（条例第五十一条）"
            )
        else:
            valid[bid] = price
    return valid, invalid


def _check_k(cfg: PriceConfig, k: Decimal) -> Decimal:
    k = _dec(k, "下浮系数K")
    if cfg.k_set and k not in cfg.k_set:
        raise ValueError(f"下浮系数 {k} 不在公布的取值范围 {list(map(str, cfg.k_set))} 内")
    if not cfg.k_set and k != 0:
        raise ValueError("招标文件未设下浮系数，K 须为 0")
    return k


def benchmark(valid: Mapping[str, Decimal], cfg: PriceConfig, k: Decimal) -> tuple[Decimal, dict]:
    """S = trimmed mean × (1 − K). Details: n, trimmed (ids), mean, k, benchmark.

    With ties at the top or bottom exactly one bid is dropped on each side; which one is fixed by
    (price, bid id) so the details are reproducible. The value of S does not depend on that choice.
    """
    k = _check_k(cfg, k)
    if not valid:
        raise ValueError("没有有效投标报价，无法计算评标基准价")
    order = sorted(valid, key=lambda b: (valid[b], b))
    n = len(order)
    kept = order[1:-1] if n >= cfg.trim_min_n else order
    trimmed = [order[0], order[-1]] if n >= cfg.trim_min_n else []
    with localcontext() as ctx:
        ctx.prec = _PREC
        mean = sum((valid[b] for b in kept), Decimal(0)) / len(kept)
        s = mean * (1 - k)
    if cfg.benchmark_places is not None:
        s = _q(s, cfg.benchmark_places)
    return s, {"n": n, "trimmed": trimmed, "mean": mean, "k": k, "benchmark": s}


def _score_one(price: Decimal, s: Decimal, cfg: PriceConfig) -> tuple[Decimal, Decimal, str]:
    with localcontext() as ctx:
        ctx.prec = _PREC
        d = (price - s) / s * _HUNDRED
        if d > 0:
            deduct = cfg.e_above * d
            why = f"高于评标基准价 {_q(d, 2)}%，每1%扣{cfg.e_above}分，扣{_q(deduct, cfg.places)}分"
        elif d < 0:
            deduct = cfg.e_below * -d
            why = (
                f"低于评标基准价 {_q(-d, 2)}%，每1%扣{cfg.e_below}分，扣{_q(deduct, cfg.places)}分"
            )
        else:
            deduct = Decimal(0)
            why = "等于评标基准价"
        raw = cfg.max_points - deduct
    if raw < cfg.floor:
        raw, why = cfg.floor, f"{why}，低于最低分，按{cfg.floor}分计"
    elif raw > cfg.upper:
        raw, why = cfg.upper, f"{why}，高于最高分，按{cfg.upper}分计"
    return _q(raw, cfg.places), d, why


def price_scores(
    prices: Mapping[str, Decimal], ceiling: Decimal, cfg: PriceConfig, k: Decimal
) -> dict[str, dict]:
    """Per bid: price, valid, score, deviation_pct (display, 2 places), benchmark, reason (Chinese).

    Invalid bids get ``score`` and ``deviation_pct`` None and the rejection reason.
    """
    valid, invalid = valid_prices(prices, ceiling)
    s = benchmark(valid, cfg, k)[0] if valid else None
    out: dict[str, dict] = {}
    for bid, price in prices.items():
        if bid in invalid:
            out[bid] = {
                "price": price,
                "valid": False,
                "score": None,
                "deviation_pct": None,
                "benchmark": s,
                "reason": invalid[bid],
            }
            continue
        assert s is not None  # a valid bid exists, so S was computed
        score, d, why = _score_one(valid[bid], s, cfg)
        out[bid] = {
            "price": valid[bid],
            "valid": True,
            "score": score,
            "deviation_pct": _q(d, 2),
            "benchmark": s,
            "reason": f"{why}，价格分{score}分",
        }
    return out


def _k_strings(k_set: Sequence[Decimal]) -> list[str]:
    # Value-canonical: 0.010 and 0.01 are the same coefficient and must give the same draw.
    return sorted({format(_dec(k, "k").normalize(), "f") for k in k_set}, key=Decimal)


def new_seed() -> bytes:
    """32 bytes from the OS CSPRNG for :func:`draw_k` (addition; same source as secrets.SystemRandom)."""
    return secrets.token_bytes(32)


def draw_k(k_set: Sequence[Decimal], seed: bytes) -> Decimal:
    """K = the element at HMAC-SHA256(seed, canonical set) mod |set| of the value-sorted set.

    Deterministic from the seed; the commitment (:func:`k_commitment`) is recorded by the Django
    side before opening. The modulo bias is below 2⁻²⁴⁰ for any realistic set size.
    """
    if len(seed) < 16:
        raise ValueError("随机种子长度不足（至少16字节）")
    values = _k_strings(k_set)
    if not values:
        return Decimal(0)
    msg = b"price-k:" + json.dumps(values, separators=(",", ":")).encode()
    idx = int.from_bytes(hmac.new(seed, msg, hashlib.sha256).digest(), "big") % len(values)
    return Decimal(values[idx])


def k_commitment(k_set: Sequence[Decimal], seed_hex: str, at_iso: str) -> str:
    """sha256 hex over canonical JSON of (set, seed, time); published before K is revealed."""
    payload = {
        "type": "price_k_commitment",
        "k_set": _k_strings(k_set),
        "seed_hex": seed_hex,
        "at": at_iso,
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def abnormally_low(
    prices: Mapping[str, Decimal],
    *,
    below_mean_others_pct: Decimal | None,
    below_next_pct: Decimal | None,
    cost_line: Decimal | None,
) -> dict[str, list[str]]:
    """Flag bids that need a written explanation (12号令 art. 21; 87号令 art. 60 **(recalled; verify)**).

    Returns only flagged bids. Each rule is off when its argument is None:
    - (mean of the *other* bids − a) / that mean × 100 ≥ ``below_mean_others_pct`` (ProZorro uses 40);
    - (next higher-or-equal bid − a) / that bid × 100 ≥ ``below_next_pct`` (ProZorro uses 30); the
      highest bid has no next bid, and a tie means a gap of 0;
    - a < ``cost_line`` (a published 成本警戒线, strictly below).
    A flag is grounds for asking, not a rejection: the committee decides after the explanation.
    """
    ps = {b: _dec(p, f"投标报价 {b}") for b, p in prices.items()}
    out: dict[str, list[str]] = {}
    with localcontext() as ctx:
        ctx.prec = _PREC
        total = sum(ps.values(), Decimal(0))
        for bid, a in ps.items():
            reasons: list[str] = []
            others = [p for b, p in ps.items() if b != bid]
            if below_mean_others_pct is not None and others:
                m = (total - a) / len(others)
                pct = (m - a) / m * _HUNDRED
                if pct >= below_mean_others_pct:
                    reasons.append(
                        f"报价低于其他投标人报价平均值 {_q(m, 2)} 元达 {_q(pct, 2)}%"
                        f"（触发线 {below_mean_others_pct}%）"
                    )
            higher = [p for p in others if p >= a]
            if below_next_pct is not None and higher:
                nxt = min(higher)
                pct = (nxt - a) / nxt * _HUNDRED
                if pct >= below_next_pct:
                    reasons.append(
                        f"报价低于相邻较高报价 {nxt} 元达 {_q(pct, 2)}%（触发线 {below_next_pct}%）"
                    )
            if cost_line is not None and a < cost_line:
                reasons.append(f"报价低于公布的成本警戒线 {cost_line} 元")
            if reasons:
                out[bid] = reasons
    return out


def lowest_evaluated(
    prices: Mapping[str, Decimal],
    adjustments: Mapping[str, Decimal] = _EMPTY,
    *,
    tie_break: Sequence[str] = (),
) -> list[tuple[str, Decimal]]:
    """经评审的最低投标价法: evaluated price = price + adjustment (价格折算), ascending.

    Equal evaluated prices are ordered by their position in ``tie_break`` (e.g. submission order,
    earliest first); bids missing from it come after the listed ones, then by bid id so the result
    is always deterministic. (12号令 art. 29-33 **(recalled; verify)**.)
    """
    unknown = set(adjustments) - set(prices)
    if unknown:
        raise ValueError(f"价格折算针对了不存在的投标：{sorted(unknown)}")
    pos = {b: i for i, b in enumerate(tie_break)}
    evaluated = {
        b: _dec(p, f"投标报价 {b}") + _dec(adjustments.get(b, Decimal(0)), f"折算 {b}")
        for b, p in prices.items()
    }
    order = sorted(evaluated, key=lambda b: (evaluated[b], pos.get(b, len(pos)), b))
    return [(b, evaluated[b]) for b in order]
