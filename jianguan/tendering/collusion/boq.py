"""Bill-of-quantities screens (《招标投标法实施条例》第四十条第（四）项: 异常一致, 规律性差异).

Pure module (no Django). Input per bidder: the priced BoQ lines (GB 50500 columns): ``code``
(项目编码), ``name``, ``unit``, ``quantity`` (工程量), ``rate`` (综合单价), ``amount`` (合价),
given as mappings or objects with those attributes, numbers as ``Decimal`` (floats and strings
are accepted). Output: evidence dicts, never a verdict.

Screens (RULES.md 4.2 item 3), over the items each bidder prices itself (``provisional_codes``,
i.e. 暂估价/暂列金额 and other rates fixed by the tender, are excluded from (a) and (b)):

(a) ``boq_constant_ratio``: rate_A / rate_B almost constant over the common items, i.e. one
    price list scaled by a factor (CV below ``cv_max``, or most items within ``ratio_tol`` of
    the median ratio, which survives a few hand-edited lines);
(b) ``boq_identical_rates``: a large share of identical 综合单价 (to the fen);
(c) ``boq_shared_arithmetic_errors``: the same line with the same wrong 合价 in two bids, and
    ``boq_shared_omissions``: the same tender items missing from two bids;
(d) ``boq_total_progression``: 3+ bid totals in arithmetic or geometric progression, reported
    only if such a progression is unlikely to arise by chance among this many bids.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

ARTICLE = "《招标投标法实施条例》第四十条第（四）项"

DEFAULTS: dict[str, float] = {
    "min_items": 20,  # common self-priced items needed before (a)/(b) say anything
    "cv_max": 0.005,  # (a) CV of rate ratios below 0.5 %
    "ratio_tol": 0.005,  # (a) robust variant: item ratio within 0.5 % of the median ratio ...
    "near_share_min": 0.8,  # ... for at least 80 % of the common items
    "ratio_one_tol": 0.001,  # (a) ratio ~ 1 is an identical copy: left to (b)
    "identical_share": 0.3,  # (b) share of identical rates
    "min_identical": 10,  # (b) and at least this many identical rates
    "min_shared_errors": 1,  # (c) one identical wrong amount is already telling
    "min_shared_omissions": 2,  # (c) shared missing tender items
    "progression_tol": 0.001,  # (d) term may miss the progression by 0.1 % of the step
    "progression_alpha": 0.05,  # (d) report if expected chance count <= alpha
}


_FIELDS = ("code", "quantity", "rate", "amount")


def _rows(lines: Sequence[Any]) -> Iterable[tuple[Any, ...]]:
    """(code, quantity, rate, amount) per line; the Mapping test (slow, an ABC check) is made
    once per line type rather than four times per line."""
    kinds: dict[type, bool] = {}
    for line in lines:
        is_map = kinds.get(type(line))
        if is_map is None:
            is_map = kinds[type(line)] = isinstance(line, Mapping)
        if is_map:
            yield tuple(line.get(f) for f in _FIELDS)
        else:
            yield tuple(getattr(line, f, None) for f in _FIELDS)


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def amount_tolerance(quantity: Decimal) -> Decimal:
    """Allowed |quantity x rate - amount|: the amount is rounded to the fen (0.005, taken as
    0.01) and the printed rate is itself rounded to the fen, which moves the product by up to
    0.005 x quantity."""
    return Decimal("0.01") + abs(quantity) * Decimal("0.005")


def check_boq(lines: Sequence[Any]) -> list[str]:
    """Row-level problems in one priced BoQ, in Chinese; empty when the BoQ is usable."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row, (raw_code, *numbers) in enumerate(_rows(lines), start=1):
        code = str(raw_code or "").strip()
        where = f"第 {row} 行" + (f"（项目编码 {code}）" if code else "")
        if not code:
            problems.append(f"{where}缺少项目编码。")
        elif code in seen:
            problems.append(f"{where}项目编码与第 {seen[code]} 行重复。")
        else:
            seen[code] = row
        q, r, a = (_dec(x) for x in numbers)
        for value, label in ((q, "工程量"), (r, "综合单价"), (a, "合价")):
            if value is None:
                problems.append(f"{where}{label}缺失或不是数字。")
        if q is not None and q <= 0:
            problems.append(f"{where}工程量应为正数，实为 {q}。")
        if q is not None and r is not None and a is not None:
            expected = q * r
            if abs(expected - a) > amount_tolerance(q):
                problems.append(
                    f"{where}合价 {a} 与工程量 {q} × 综合单价 {r} = "
                    f"{expected.quantize(Decimal('0.01'))} 不符。"
                )
    return problems


def _prepare(boqs: Mapping[Hashable, Sequence[Any]]) -> tuple[list[Hashable], dict]:
    keys = list(boqs)
    data: dict[str, Any] = {"lines": [], "totals": [], "errors": []}
    for key in keys:
        own: dict[str, tuple[float, float]] = {}
        total = Decimal(0)
        errors: list[tuple] = []
        for raw_code, *numbers in _rows(boqs[key]):
            code = str(raw_code or "").strip()
            q, r, a = (_dec(x) for x in numbers)
            if a is not None:
                total += a
            if not code or code in own or q is None or r is None or a is None:
                continue  # bad rows are check_boq's business; screens skip them
            own[code] = (float(r), float(a))
            if abs(q * r - a) > amount_tolerance(q):
                errors.append((code, str(q), str(r), str(a)))
        data["lines"].append(own)
        data["totals"].append(float(total))
        data["errors"].append(errors)
    return keys, data


def _pair_screens(keys, lines, provisional, th) -> list[dict[str, Any]]:
    codes = sorted({c for own in lines for c in own} - provisional)
    col = {c: j for j, c in enumerate(codes)}
    n, m = len(keys), len(codes)
    rates = np.full((n, m), np.nan)
    for i, own in enumerate(lines):
        idx = [col[c] for c in own if c in col]
        rates[i, idx] = [own[c][0] for c in own if c in col]
    rates[~(rates > 0)] = np.nan  # zero/negative rates cannot form ratios
    cents = np.round(rates * 100)
    out: list[dict[str, Any]] = []
    for i in range(n - 1):
        a, b = rates[i], rates[i + 1 :]
        valid = ~np.isnan(a) & ~np.isnan(b)
        cnt = valid.sum(axis=1)
        ok = cnt >= th["min_items"]
        if not ok.any():
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(valid, a / b, np.nan)
            mean = np.nansum(ratio, axis=1) / cnt
            std = np.sqrt(np.nansum((ratio - mean[:, None]) ** 2, axis=1) / cnt)
            cv = std / mean
        same = (valid & (cents[i] == cents[i + 1 :])).sum(axis=1)
        share = np.divide(same, cnt, out=np.zeros(len(cnt)), where=cnt > 0)
        for off in np.flatnonzero(ok):
            j = i + 1 + off
            c = int(cnt[off])
            if same[off] >= th["min_identical"] and share[off] >= th["identical_share"]:
                out.append(_identical(keys[i], keys[j], int(same[off]), c, float(share[off]), th))
            if abs(mean[off] - 1) <= th["ratio_one_tol"] and cv[off] < th["cv_max"]:
                continue  # identical lists: already reported as identical rates
            r = ratio[off][valid[off]]
            med = float(np.median(r))
            if abs(med - 1) <= th["ratio_one_tol"]:
                continue
            near = float(np.mean(np.abs(r / med - 1) <= th["ratio_tol"]))
            if cv[off] < th["cv_max"] or near >= th["near_share_min"]:
                out.append(_ratio(keys[i], keys[j], float(cv[off]), med, near, c, th))
    return out


def _identical(a, b, same: int, cnt: int, share: float, th) -> dict[str, Any]:
    return {
        "indicator": "boq_identical_rates",
        "bidders": [a, b],
        "value": round(share, 4),
        "threshold": th["identical_share"],
        "message_zh": (
            f"投标人{a}与投标人{b}在双方自主报价的 {cnt} 个清单项中有 {same} 项综合单价完全相同"
            f"（{share:.0%}，阈值 {th['identical_share']:.0%}）。"
        ),
        "details": {"article": ARTICLE, "identical": same, "common_items": cnt},
    }


def _ratio(a, b, cv: float, med: float, near: float, cnt: int, th) -> dict[str, Any]:
    by = "cv" if cv < th["cv_max"] else "share_near_median"
    return {
        "indicator": "boq_constant_ratio",
        "bidders": [a, b],
        "value": round(cv, 6),
        "threshold": th["cv_max"],
        "message_zh": (
            f"投标人{a}与投标人{b}在 {cnt} 个共同自主报价清单项上的综合单价之比几乎恒定"
            f"（中位数 {med:.4f}，变异系数 {cv:.2%}，阈值 {th['cv_max']:.1%}；"
            f"{near:.0%} 的清单项比值与中位数相差不超过 {th['ratio_tol']:.1%}），"
            "疑为同一份报价按系数缩放。"
        ),
        "details": {
            "article": ARTICLE,
            "median_ratio": round(med, 6),
            "cv": round(cv, 6),
            "share_near_median": round(near, 4),
            "common_items": cnt,
            "flagged_by": by,
        },
    }


def _shared(index: Mapping[Any, list[int]], limit: float) -> dict[tuple[int, int], list]:
    pairs: dict[tuple[int, int], list] = defaultdict(list)
    for value, holders in index.items():
        if len(holders) < 2 or len(holders) > limit:
            continue
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                pairs[(holders[x], holders[y])].append(value)
    return pairs


def _errors_and_omissions(keys, data, tender_codes, th) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    n = len(keys)
    index: dict[tuple, list[int]] = defaultdict(list)
    for i, errors in enumerate(data["errors"]):
        for e in errors:
            index[e].append(i)
    for (i, j), errs in sorted(_shared(index, n).items()):
        if len(errs) >= th["min_shared_errors"]:
            shown = "；".join(f"{c}：{q}×{r}≠{a}" for c, q, r, a in errs[:5])
            out.append(
                {
                    "indicator": "boq_shared_arithmetic_errors",
                    "bidders": [keys[i], keys[j]],
                    "value": len(errs),
                    "threshold": th["min_shared_errors"],
                    "message_zh": (
                        f"投标人{keys[i]}与投标人{keys[j]}的清单有 {len(errs)} 处相同的计算错误"
                        f"（同一清单项、同一错误合价），如 {shown}。"
                    ),
                    "details": {
                        "article": ARTICLE,
                        "errors": [
                            dict(zip(("code", "quantity", "rate", "amount"), e, strict=True))
                            for e in errs[:50]
                        ],
                    },
                }
            )
    if tender_codes is None:
        return out
    wanted = {str(c).strip() for c in tender_codes}
    index = defaultdict(list)
    for i, own in enumerate(data["lines"]):
        for code in sorted(wanted - set(own)):
            index[code].append(i)
    # An item many bidders leave out points at the tender (ambiguous item), not at a copy.
    limit = max(3, 0.1 * n)
    for (i, j), codes in sorted(_shared(index, limit).items()):
        if len(codes) >= th["min_shared_omissions"]:
            out.append(
                {
                    "indicator": "boq_shared_omissions",
                    "bidders": [keys[i], keys[j]],
                    "value": len(codes),
                    "threshold": th["min_shared_omissions"],
                    "message_zh": (
                        f"投标人{keys[i]}与投标人{keys[j]}漏报了相同的 {len(codes)} 个招标清单项"
                        f"（如 {'、'.join(codes[:5])}），其他投标人基本未漏报。"
                    ),
                    "details": {"article": ARTICLE, "missing_codes": codes[:100]},
                }
            )
    return out


def _product_tail(x: float, m: int) -> float:
    """P(product of m independent uniforms <= x): the chance of a chain at least this tight,
    not just of these particular deviations (a long chain of loose fits is no surprise)."""
    if x <= 0:
        return 0.0
    ln = -math.log(x)
    return min(1.0, x * sum(ln**k / math.factorial(k) for k in range(m)))


def _chains(v: np.ndarray, tol: float, floor: float) -> list[tuple[list[int], float, float]]:
    """Maximal progressions in sorted ``v``: (indices, step, expected chance count)."""
    n = len(v)
    if n < 3:
        return []
    pairs = n * (n - 1) / 2
    found: list[tuple[list[int], float, float]] = []
    used: set[tuple[int, int]] = set()
    vals = v.tolist()
    ii, jj = np.triu_indices(n, k=1)
    step = v[jj] - v[ii]
    target = v[jj] + step
    pos = np.clip(np.searchsorted(v, target), 1, n - 1)
    near = np.minimum(np.abs(v[pos] - target), np.abs(v[pos - 1] - target))
    hit = (step > floor) & (near <= np.maximum(floor, tol * step))
    for i, j in zip(ii[hit].tolist(), jj[hit].tolist(), strict=True):
        if (i, j) in used:
            continue
        d = vals[j] - vals[i]
        chain, x = [i, j], 1.0
        while True:
            t = vals[chain[-1]] + d
            k = bisect.bisect_left(vals, t)
            best = min((c for c in (k - 1, k) if 0 <= c < n), key=lambda c: abs(vals[c] - t))
            dev = abs(vals[best] - t)
            if best in chain or dev > max(floor, tol * d):
                break
            chain.append(best)
            # Chance that some bid falls this close to the predicted total, from the local
            # density of totals (bids bunch around the estimate: a global n/span understates it).
            local = bisect.bisect_right(vals, t + d / 2) - bisect.bisect_left(vals, t - d / 2)
            x *= min(1.0, 2 * max(dev, floor) * max(local, 1) / d)
        if len(chain) >= 3:
            found.append((chain, d, pairs * _product_tail(x, len(chain) - 2)))
            used.update(zip(chain, chain[1:], strict=False))
    return found


def _rounding_unit(v: np.ndarray) -> float:
    """Largest power of ten (0.01 to 10^6 yuan) that every total is a multiple of."""
    unit = 0.01
    for exp in range(-1, 7):
        g = 10.0**exp
        if len(v) and np.all(np.abs(v / g - np.round(v / g)) < 1e-6):
            unit = g
    return unit


def _progressions(keys, totals, th) -> list[dict[str, Any]]:
    order = sorted((t, i) for i, t in enumerate(totals) if t > 0)
    v = np.array([t for t, _ in order])
    idx = [i for _, i in order]
    out: list[dict[str, Any]] = []
    seen: set[frozenset] = set()
    # Totals rounded to 10,000 yuan hit exact progressions far more often than totals to the
    # fen: the rounding unit is the smallest deviation that still means anything.
    unit = _rounding_unit(v)
    runs = [("arithmetic", c, s, e) for c, s, e in _chains(v, th["progression_tol"], unit / 2)]
    if len(v):
        floor = math.log1p(unit / 2 / float(v[0]))
        logs = np.log(v)
        runs += [("geometric", c, s, e) for c, s, e in _chains(logs, th["progression_tol"], floor)]
    for kind, chain, step, expected in sorted(runs, key=lambda r: r[3]):
        expected *= 2  # both arithmetic and geometric progressions were searched
        members = frozenset(chain)
        if expected > th["progression_alpha"] or members in seen:
            continue
        seen.add(members)
        bidders = [keys[idx[c]] for c in chain]
        tots = [round(float(v[c]), 2) for c in chain]
        if kind == "arithmetic":
            what = f"等差数列（公差约 {step:,.2f} 元）"
        else:
            what = f"等比数列（公比约 {math.exp(step):.5f}）"
        out.append(
            {
                "indicator": "boq_total_progression",
                "bidders": bidders,
                "value": float(f"{expected:.3g}"),
                "threshold": th["progression_alpha"],
                "message_zh": (
                    f"投标人{'、'.join(map(str, bidders))}的投标总价依次为 "
                    f"{'、'.join(f'{t:,.2f}' for t in tots)} 元，构成{what}；"
                    f"在 {len(v)} 份投标中偶然出现的期望次数约 {expected:.2g}"
                    f"（阈值 {th['progression_alpha']}）。"
                ),
                "details": {"article": ARTICLE, "kind": kind, "totals": tots, "step": step},
            }
        )
    return out


def boq_screens(
    boqs: Mapping[Hashable, Sequence[Any]],
    *,
    tender_codes: Iterable[str] | None = None,
    provisional_codes: Iterable[str] = (),
    thresholds: Mapping[str, float] = DEFAULTS,
) -> list[dict[str, Any]]:
    """Run screens (a)-(d) over all bidders; ``thresholds`` overrides keys of ``DEFAULTS``."""
    th = {**DEFAULTS, **thresholds}
    keys, data = _prepare(boqs)
    if len(keys) < 2:
        return []
    provisional = {str(c).strip() for c in provisional_codes}
    out = _pair_screens(keys, data["lines"], provisional, th)
    out += _errors_and_omissions(keys, data, tender_codes, th)
    out += _progressions(keys, data["totals"], th)
    return out
