"""Price-distribution screens for one tender's bids (围标串标 price evidence; RULES.md §4.2 item 5).

Pure module: numpy only, no Django. Every output is *evidence for review*, never a verdict
(RULES.md: "All screens give grounds for review, never a verdict").

Screens (Huber & Imhof 2019, IJIO 65:277-301; Imhof, Karagök & Rutz 2018), for the valid bids of one
tender sorted ascending ``b1 <= b2 <= ... <= bn``; ``mean`` is the arithmetic mean and ``sd`` the
*sample* standard deviation (ddof = 1):

========  ==================================================  =====  ============================
key       formula                                             min n  collusion direction
========  ==================================================  =====  ============================
cv        sd / mean                                           2      low  (cover bids bunched)
spd       (bn - b1) / b1                                      2      low  (narrow spread)
diffp     (b2 - b1) / b1                                      2      high (gap under the winner)
rd        (b2 - b1) / sd(b2..bn)                              3      high (gap vs losers' spread)
rdnor     (b2 - b1) / mean(b_{i+1} - b_i, i = 2..n-1)         3      high (gap vs losers' spacing)
kurt      bias-corrected sample excess kurtosis (G2)          4      high (one outlying winner)
skew      bias-corrected sample skewness (G1)                 4      low  (left tail: low winner)
========  ==================================================  =====  ============================

``rdnor`` follows RULES.md: the denominator is the mean gap between consecutive *losing* bids,
``(bn - b2) / (n - 2)`` (Huber & Imhof's RDALT; their RDNOR also counts the first gap).
``kurt`` and ``skew`` are the adjusted Fisher-Pearson estimators (Excel KURT/SKEW, scipy with
``bias=False``): ``skew = n/((n-1)(n-2)) * sum(z^3)``,
``kurt = n(n+1)/((n-1)(n-2)(n-3)) * sum(z^4) - 3(n-1)^2/((n-2)(n-3))`` with ``z = (b - mean)/sd``.
RULES.md asks for n >= 4 for both.

Degenerate inputs (defined, never NaN or inf):
- ``sd == 0`` (all bids equal): cv = 0, kurt = skew = 0 (a point mass has no shape to measure).
- ``rd``/``rdnor`` with a zero denominator: 0.0 when the gap is also 0 (all losers equal the winner),
  else ``RATIO_CAP`` (a positive gap under identical cover bids is the extreme of the signature).
  Every rd/rdnor value is clipped to ``[0, RATIO_CAP]`` so the output stays JSON-serialisable.
- Screens needing more bids than given are ``None``; with fewer than ``MIN_BIDS_FOR_SCORE`` (3) bids
  ``score`` is 0.0 and ``flags`` is empty: two prices are no distribution.

Score (in [0, 1], higher = more suspicious). Each available screen gets a sub-score
``s = 1 / (1 + exp(-d / width))`` where ``d`` is the signed distance past its threshold in the
collusion direction, so ``s = 0.5`` exactly at the threshold and ``s`` rises monotonically as the
screen moves the collusive way:
- ratio screens (cv, spd, diffp, rd, rdnor): ``d = ln(value / threshold)`` for "high",
  ``ln(threshold / value)`` for "low" (log, because they are scale-free ratios; value 0 on a "low"
  screen gives s = 1), width ``LOG_WIDTH`` = 0.2 (a value 1.5x past the threshold gives s = 0.88);
- moment screens (kurt, skew): ``d = value - threshold`` (or reversed), width ``MOMENT_WIDTH`` = 0.5.
The cover-bidding signature has two parts, and one without the other is common in honest tenders
(a quiet market bunches bids; one hungry bidder opens a gap), so the screens form two families:
``D`` = weighted mean of the *dispersion* sub-scores (cv, spd) and ``G`` = weighted mean of the *gap*
sub-scores (diffp, rd, rdnor, kurt, skew), weights ``DEFAULT_WEIGHTS`` renormalised within a family
over the screens that n allows, and ``score = sqrt(D * G)`` (geometric mean: high only when both are;
monotone in every screen; exactly 0.5 when every screen sits on its threshold). A tender is *referred
for review* when ``score >= REVIEW_SCORE`` (0.5). ``flags`` lists every screen past its threshold with
a Chinese message, so reviewers see which evidence drove the score; a single flag is not a referral.

Calibration of ``DEFAULT_THRESHOLDS`` (synthetic data, fixed seeds; recalibrate on real Daxing data
before relying on it). *Clean* tenders: n uniform in 5..15, independent costs
``estimate * lognormal(0, sigma)`` with sigma uniform in 5..15 % per tender, bids ``cost * (1 +
markup)`` with markup uniform in 3..12 % per bidder. *Rings*: same n, a designated winner and cover
bids each ``winner * (1 + U(2 %, 5 %))``. With the test module's generators: 9 of 20,000 clean
tenders scored >= 0.5 (0.045 %; each is ring-shaped by chance: cv ~2 %, spd ~6 %, one low outlier;
99.9th percentile 0.37) and 2 of 20,000 rings scored < 0.5 (recall 99.99 %, 1st percentile 0.67).
Small tenders are weaker evidence: with n = 3 (4) clean bids 4.6 % (1.1 %) score >= 0.5 and rings are
caught 87 % (95 %) of the time, so read a referral of a 3- or 4-bid tender with that in mind.
A weighted arithmetic mean of all seven sub-scores could not reach
< 0.1 % false alarms at 95 % recall on the same data. The cv threshold (2 %) is below the Swiss 3 %
practice value because the clean generator's quiet tenders (sigma 5 %, n = 5) reach cv 1-3 %; RULES.md
also quotes another project's heuristics (CV < 5 %, DIFFP > 5 %, RDNOR > 1.5): not authoritative.

The thresholds are parameters so that the rule data can hold them (one rule code per key, e.g.
``collusion.screen.cv``); ``DEFAULT_THRESHOLDS`` is what that rule data is expected to contain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

SCREENS: tuple[str, ...] = ("cv", "spd", "diffp", "rd", "rdnor", "kurt", "skew")
MIN_N: dict[str, int] = {"cv": 2, "spd": 2, "diffp": 2, "rd": 3, "rdnor": 3, "kurt": 4, "skew": 4}
# "low": a value below the threshold points to collusion; "high": above.
DIRECTION: dict[str, str] = {
    "cv": "low",
    "spd": "low",
    "diffp": "high",
    "rd": "high",
    "rdnor": "high",
    "kurt": "high",
    "skew": "low",
}
DEFAULT_THRESHOLDS: dict[str, float] = {
    "cv": 0.02,
    "spd": 0.06,
    "diffp": 0.02,
    "rd": 1.5,
    "rdnor": 2.0,
    "kurt": 1.0,
    "skew": -0.5,
}
# Relative weights inside each family (see FAMILIES); only ratios within a family matter.
DEFAULT_WEIGHTS: dict[str, float] = {
    "cv": 0.5,
    "spd": 0.5,
    "diffp": 0.05,
    "rd": 0.35,
    "rdnor": 0.35,
    "kurt": 0.125,
    "skew": 0.125,
}
FAMILIES: dict[str, tuple[str, ...]] = {
    "dispersion": ("cv", "spd"),
    "gap": ("diffp", "rd", "rdnor", "kurt", "skew"),
}
MIN_BIDS_FOR_SCORE = 3
REVIEW_SCORE = 0.5
RATIO_CAP = 100.0
LOG_WIDTH = 0.2
MOMENT_WIDTH = 0.5
_RATIO_SCREENS = frozenset({"cv", "spd", "diffp", "rd", "rdnor"})
# Relative tolerance under which a spread counts as zero: float sums of equal prices leave ~1e-16 noise.
_ZERO_TOL = 1e-12

NAME_ZH: dict[str, str] = {
    "cv": "投标报价变异系数",
    "spd": "最高与最低报价价差率",
    "diffp": "次低价与最低价差率",
    "rd": "最低两价之差与其余报价标准差之比",
    "rdnor": "最低两价之差与其余报价平均间距之比",
    "kurt": "报价分布峰度",
    "skew": "报价分布偏度",
}
_NAME_ZH = NAME_ZH  # the pages label the screens with the same names

_MEANING_ZH: dict[str, str] = {
    "cv": "报价异常集中",
    "spd": "报价区间异常狭窄",
    "diffp": "最低价与其余报价之间存在明显断层",
    "rd": "最低价明显脱离其余报价，其余报价异常集中",
    "rdnor": "最低价明显脱离其余报价，其余报价间距异常均匀紧密",
    "kurt": "单一报价明显偏离其余报价",
    "skew": "最低价单独偏低，其余报价聚集",
}


def _to_float(item: Any) -> float:
    """One price as float; screens are scale-free ratios, so float precision is ample."""
    if isinstance(item, Mapping):
        item = item["price"]
    if isinstance(item, bool):  # bool is an int subclass; a True price is a caller bug
        raise ValueError(f"报价格式无效：{item!r}")
    if isinstance(item, str):
        try:
            item = Decimal(item.strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"报价格式无效：{item!r}") from None
    try:
        value = float(item)
    except (TypeError, ValueError):
        raise ValueError(f"报价格式无效：{item!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"报价必须为正数：{item!r}")
    return value


def _flat_prices(tenders: list[Sequence[Any]]) -> np.ndarray:
    """All prices of all tenders, concatenated, as floats; validated like ``_to_float``."""
    flat = [b for bids in tenders for b in bids]
    try:
        # Plain numbers (and Decimals) parse in one C loop; this is most of screens_many's speed.
        arr = np.array(flat, dtype=float)
        ok = arr.ndim == 1 and bool(np.all(np.isfinite(arr) & (arr > 0)))
        ok = ok and not any(type(b) is bool or isinstance(b, str) for b in flat)
    except (TypeError, ValueError):  # mappings, "1,000.00", garbage: take the careful path
        ok = False
    if not ok:
        arr = np.array([_to_float(b) for b in flat], dtype=float)
    return arr


def _safe_ratio(num: np.ndarray, den: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """num/den clipped to [0, RATIO_CAP]; 0/0 -> 0, positive/0 -> RATIO_CAP (see module docstring)."""
    tol = _ZERO_TOL * scale
    zero_den = den <= tol
    out = np.divide(num, np.where(zero_den, 1.0, den))
    out = np.where(zero_den, np.where(num <= tol, 0.0, RATIO_CAP), out)
    return np.clip(out, 0.0, RATIO_CAP)


def _screens_block(x: np.ndarray) -> dict[str, np.ndarray | None]:
    """All screens for m tenders of n bids each; ``x`` is (m, n), sorted ascending per row."""
    m, n = x.shape
    out: dict[str, np.ndarray | None] = dict.fromkeys(SCREENS)
    if n < 2:
        return out
    b1, b2, bn = x[:, 0], x[:, 1], x[:, -1]
    mean = x.mean(axis=1)
    sd = x.std(axis=1, ddof=1)
    zero_sd = sd <= _ZERO_TOL * mean
    sd = np.where(zero_sd, 0.0, sd)
    gap = b2 - b1
    out["cv"] = sd / mean
    out["spd"] = (bn - b1) / b1
    out["diffp"] = gap / b1
    if n >= 3:
        losers = x[:, 1:]
        out["rd"] = _safe_ratio(gap, losers.std(axis=1, ddof=1), mean)
        out["rdnor"] = _safe_ratio(gap, (bn - b2) / (n - 2), mean)
    if n >= 4:
        z = (x - mean[:, None]) / np.where(zero_sd, 1.0, sd)[:, None]
        skew = n / ((n - 1) * (n - 2)) * (z**3).sum(axis=1)
        kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * (z**4).sum(axis=1) - 3 * (
            n - 1
        ) ** 2 / ((n - 2) * (n - 3))
        out["skew"] = np.where(zero_sd, 0.0, skew)
        out["kurt"] = np.where(zero_sd, 0.0, kurt)
    return out


def _sub_score(key: str, value: np.ndarray, threshold: float) -> np.ndarray:
    """Logistic sub-score in [0, 1]; 0.5 at the threshold, rising in the collusion direction."""
    sign = 1.0 if DIRECTION[key] == "high" else -1.0
    if key in _RATIO_SCREENS:
        with np.errstate(divide="ignore"):
            d = sign * (np.log(np.maximum(value, 0.0)) - math.log(threshold)) / LOG_WIDTH
    else:
        d = sign * (value - threshold) / MOMENT_WIDTH
    # d may be +/-inf (value 0 on a log screen); exp handles it: 1/(1+0) = 1, 1/(1+inf) = 0.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-d))


RATIO_KEYS = frozenset({"cv", "spd", "diffp"})  # screens whose value is a share


def _fmt(key: str, value: float) -> str:
    if key in RATIO_KEYS:
        return f"{value * 100:.1f}%"
    return f"{value:.2f}"


def _flag(key: str, value: float, threshold: float, strength: float) -> dict[str, Any]:
    below = DIRECTION[key] == "low"
    relation = "低于" if below else "高于"
    message = (
        f"{_NAME_ZH[key]} {_fmt(key, value)} {relation}阈值 {_fmt(key, threshold)}，"
        f"{_MEANING_ZH[key]}（仅为审查线索，不构成认定）"
    )
    return {
        "indicator": key,
        "value": value,
        "threshold": threshold,
        "direction": DIRECTION[key],
        "strength": round(strength, 4),
        "message_zh": message,
    }


def _score_block(
    values: dict[str, np.ndarray | None],
    m: int,
    thresholds: Mapping[str, float],
    weights: Mapping[str, float],
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Geometric mean of the family means of the sub-scores (module docstring, "Score")."""
    subs: dict[str, np.ndarray] = {}
    score = np.ones(m)
    for members in FAMILIES.values():
        num = np.zeros(m)
        den = 0.0
        for key in members:
            v = values[key]
            if v is None or key not in thresholds or weights.get(key, 0.0) <= 0:
                continue
            subs[key] = _sub_score(key, v, float(thresholds[key]))
            num += weights[key] * subs[key]
            den += weights[key]
        # A family with no usable screen carries no evidence: it must not raise the score.
        score *= num / den if den else 0.0
    return np.sqrt(score), subs


def screens_many(
    tenders: Iterable[Sequence[Any]],
    thresholds: Mapping[str, float] = DEFAULT_THRESHOLDS,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> list[dict[str, Any]]:
    """``screens`` for many tenders, vectorised by grouping tenders of equal bid count."""
    tenders = [bids if isinstance(bids, Sequence) else list(bids) for bids in tenders]
    flat = _flat_prices(tenders)
    sizes = np.array([len(bids) for bids in tenders], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])) if len(sizes) else sizes
    results: list[dict[str, Any]] = [{} for _ in tenders]
    for n in np.unique(sizes).tolist():
        idx = np.flatnonzero(sizes == n).tolist()
        # Tenders of equal size stack into one (m, n) matrix: the maths runs once per size.
        rows = starts[idx][:, None] + np.arange(n)[None, :]
        x = np.sort(flat[rows].reshape(len(idx), n), axis=1)
        values = _screens_block(x)
        if n >= MIN_BIDS_FOR_SCORE:
            score, subs = _score_block(values, len(idx), thresholds, weights)
        else:
            score, subs = np.zeros(len(idx)), {}
        # Plain Python floats so results are JSON-serialisable and compare cleanly in tests.
        cols = {k: (None if v is None else v.tolist()) for k, v in values.items()}
        sub_cols = {k: v.tolist() for k, v in subs.items()}
        score_list = np.clip(score, 0.0, 1.0).tolist()
        for j, i in enumerate(idx):
            res: dict[str, Any] = {"n": n}
            for key in SCREENS:
                col = cols[key]
                res[key] = None if col is None else col[j]
            res["score"] = score_list[j]
            res["flags"] = [
                _flag(key, res[key], float(thresholds[key]), sub_cols[key][j])
                for key in SCREENS
                if key in sub_cols and sub_cols[key][j] > 0.5
            ]
            results[i] = res
    return results


def screens(
    bids: Sequence[Any],
    thresholds: Mapping[str, float] = DEFAULT_THRESHOLDS,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> dict[str, Any]:
    """Price screens, suspicion ``score`` and ``flags`` for the valid bids of one tender.

    ``bids``: prices (Decimal, int, float or decimal strings) or mappings with a ``"price"`` key.
    Returns ``{"n", "cv", "spd", "diffp", "rd", "rdnor", "kurt", "skew", "score", "flags"}``;
    screens that need more bids than given are ``None``. Raises ValueError on a non-positive or
    unparsable price.
    """
    return screens_many([bids], thresholds, weights)[0]
