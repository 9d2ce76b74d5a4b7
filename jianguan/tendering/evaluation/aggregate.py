"""Committee scoring sheets: checks, aggregation, outliers, ranking. Pure: no Django, Decimal only.

Source: /work/shared/RULES.md 3.2 (综合评估法): the technical score is the mean of the experts'
scores; many tender documents drop the highest and the lowest; the tie-break order must be
configurable (12号令 art. 34-; 《标准施工招标文件》2007 评标办法前附表 **(recalled; verify)**).

Aggregation, per bid and criterion, with m experts and scores x_1..x_m:
    m ≥ ``drop_extremes_at``: mean = (Σx − max − min) / (m − 2)   (one highest, one lowest dropped)
    otherwise:                mean = Σx / m
then rounded to ``places`` decimals ROUND_HALF_UP (default 2). A bid's total is then the sum of
its rounded criterion means, which is how evaluation reports show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["Criterion", "aggregate", "check_sheet", "outliers", "rank"]

_PREC = 34

Sheets = Mapping[str, Mapping[str, Mapping[str, Decimal]]]  # expert -> bid -> criterion -> score


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    max_points: Decimal
    subjective: bool  # 主观分: the expert must write a reason


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def check_sheet(
    sheet: Mapping[str, Mapping[str, tuple[Decimal, str]]],
    criteria: Sequence[Criterion],
    *,
    bids: Sequence[str] | None = None,
) -> list[str]:
    """Problems (Chinese) in one expert's sheet: bid -> criterion -> (score, reason).

    ``bids`` (addition) is the list of bids the expert must score; when given, a missing or an
    unexpected bid is a problem too. Every known criterion must be scored for every bid.
    """
    problems: list[str] = []
    by_code = {c.code: c for c in criteria}
    if bids is not None:
        for bid in bids:
            if bid not in sheet:
                problems.append(f"缺少对投标人 {bid} 的评分")
        for bid in sheet:
            if bid not in bids:
                problems.append(f"投标人 {bid} 不在本次评审范围内")
    for bid, row in sheet.items():
        for code in row:
            if code not in by_code:
                problems.append(f"投标人 {bid}：未知评分因素「{code}」")
        for c in criteria:
            if c.code not in row:
                problems.append(f"投标人 {bid}：缺少评分因素「{c.label}」的评分")
                continue
            score, reason = row[c.code]
            if not isinstance(score, Decimal):
                problems.append(f"投标人 {bid}：「{c.label}」分值须为十进制数")
                continue
            if not (0 <= score <= c.max_points):
                problems.append(
                    f"投标人 {bid}：「{c.label}」得分 {score} 超出 0～{c.max_points} 分范围"
                )
            if c.subjective and not (reason or "").strip():
                problems.append(f"投标人 {bid}：「{c.label}」为主观评分，须填写评分理由")
    return problems


def _cells(sheets: Sheets) -> dict[tuple[str, str], list[tuple[str, Decimal]]]:
    """(bid, criterion) -> [(expert, score)]; every expert must have scored every cell."""
    cells: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
    for expert, bids in sheets.items():
        for bid, row in bids.items():
            for code, score in row.items():
                cells.setdefault((bid, code), []).append((expert, score))
    missing = [
        f"专家 {e} 未对投标人 {bid} 的「{code}」评分"
        for (bid, code), got in cells.items()
        for e in sheets
        if e not in {x for x, _ in got}
    ]
    if missing:
        raise ValueError("评分表不完整：" + "；".join(missing))
    return cells


def aggregate(
    sheets: Sheets, *, drop_extremes_at: int | None = 7, places: int = 2
) -> dict[str, dict[str, Decimal]]:
    """bid -> criterion -> committee score (see the module docstring for the formula).

    ``drop_extremes_at`` None never drops; it must be ≥ 3 so at least one score remains. With tied
    extremes exactly one copy of the highest and one of the lowest value are dropped.
    ``places`` (addition) is the rounding of each mean. Incomplete sheets raise ValueError.
    """
    if drop_extremes_at is not None and drop_extremes_at < 3:
        raise ValueError("去掉最高、最低分至少需要3名专家")
    out: dict[str, dict[str, Decimal]] = {}
    for (bid, code), got in _cells(sheets).items():
        xs = sorted(score for _, score in got)
        if drop_extremes_at is not None and len(xs) >= drop_extremes_at:
            xs = xs[1:-1]
        with localcontext() as ctx:
            ctx.prec = _PREC
            mean = sum(xs, Decimal(0)) / len(xs)
        out.setdefault(bid, {})[code] = _q(mean, places)
    return out


def outliers(
    sheets: Sheets,
    *,
    threshold_share: Decimal = Decimal("0.2"),
    criteria: Sequence[Criterion] | None = None,
) -> list[dict]:
    """Scores with |x − committee mean| > threshold_share × the criterion's full marks.

    The committee mean here is the plain mean of all experts' scores for that bid and criterion
    (the expert's own included, no trimming): it is a prompt for the chair to ask, not a score.
    ``criteria`` (addition) supplies the full marks; without it, or for a criterion it does not
    list, the highest score anyone gave for that criterion stands in for the full marks, which can
    only make the threshold smaller than the real one; pass ``criteria`` in production.
    Each dict: expert, bid, criterion, score, mean, deviation, threshold, message (Chinese).
    """
    cells = _cells(sheets)
    full = {c.code: c.max_points for c in criteria or ()}
    labels = {c.code: c.label for c in criteria or ()}
    known = set(full)
    for (_, code), got in cells.items():
        if code not in known:
            top = max(s for _, s in got)
            full[code] = max(full.get(code, top), top)
    flagged: list[dict] = []
    for (bid, code), got in sorted(cells.items()):
        with localcontext() as ctx:
            ctx.prec = _PREC
            mean = sum((s for _, s in got), Decimal(0)) / len(got)
            limit = threshold_share * full[code]
            for expert, score in sorted(got):
                dev = score - mean
                if abs(dev) > limit:
                    label = labels.get(code, code)
                    flagged.append(
                        {
                            "expert": expert,
                            "bid": bid,
                            "criterion": code,
                            "score": score,
                            "mean": _q(mean, 2),
                            "deviation": _q(dev, 2),
                            "threshold": _q(limit, 2),
                            "message": (
                                f"专家 {expert} 对投标人 {bid} 的「{label}」评分 {score} 分，"
                                f"与委员会平均分 {_q(mean, 2)} 分相差 {_q(abs(dev), 2)} 分，"
                                f"超过该项满分的 {_q(threshold_share * 100, 0)}%"
                                f"（{_q(limit, 2)} 分），请评标委员会主任提示复核"
                            ),
                        }
                    )
    return flagged


def rank(
    totals: Mapping[str, Decimal], *, tie_break: Sequence[Sequence[str]] = ()
) -> list[tuple[str, Decimal, int]]:
    """(bid, total, rank) by total descending.

    Equal totals are separated by each order in ``tie_break`` in turn (e.g. first the bids sorted
    by lower price, then by earlier submission): a bid earlier in the order ranks higher, and bids
    absent from an order come after those in it and are compared by the next order. Bids still
    tied after every order share a rank (competition ranking 1, 2, 2, 4) and are listed by bid id,
    so the output is stable and a tie that needs 抽签 stays visible.
    """
    positions = [{b: i for i, b in enumerate(order)} for order in tie_break]

    def key(b: str) -> tuple:
        return (-totals[b], *(p.get(b, len(p)) for p in positions))

    ordered = sorted(totals, key=lambda b: (key(b), b))
    out: list[tuple[str, Decimal, int]] = []
    for i, b in enumerate(ordered):
        shared = i > 0 and key(ordered[i - 1]) == key(b)
        out.append((b, totals[b], out[-1][2] if shared else i + 1))
    return out
