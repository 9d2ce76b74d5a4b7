"""Committee sheets: checks, means with and without trimming, outliers, ranking. No database."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jianguan.tendering.evaluation.aggregate import (
    Criterion,
    aggregate,
    check_sheet,
    outliers,
    rank,
)

TECH = Criterion("tech", "施工组织设计", D("30"), subjective=True)
PLAN = Criterion("plan", "项目管理机构", D("10"), subjective=True)
CRED = Criterion("cred", "信用评价", D("10"), subjective=False)


def sheets_from(table: dict[str, dict[str, list[str]]]) -> dict:
    """{bid: {criterion: [score of E1, E2, …]}} → expert -> bid -> criterion -> score."""
    experts = len(next(iter(next(iter(table.values())).values())))
    return {
        f"E{i + 1}": {
            bid: {code: D(scores[i]) for code, scores in row.items()} for bid, row in table.items()
        }
        for i in range(experts)
    }


# Five experts, bids X and Y.
# X tech: 20 22 24 26 28 → 120 / 5 = 24.00      X plan: 7 8 8 9 9 → 41 / 5 = 8.20
# Y tech: 25 25 26 27 10 → 113 / 5 = 22.60      Y plan: 6 6 7 7 7 → 33 / 5 = 6.60
FIVE = sheets_from(
    {
        "X": {"tech": ["20", "22", "24", "26", "28"], "plan": ["7", "8", "8", "9", "9"]},
        "Y": {"tech": ["25", "25", "26", "27", "10"], "plan": ["6", "6", "7", "7", "7"]},
    }
)


def test_check_sheet_finds_every_problem():
    sheet = {
        "X": {
            "tech": (D("31"), "亮点突出"),
            "cred": (D("5"), ""),
        },  # 31 > 30; objective, no reason ok
        "Y": {"tech": (D("20"), " "), "foo": (D("1"), "")},  # no reason; unknown; cred missing
    }
    problems = check_sheet(sheet, [TECH, CRED], bids=["X", "Y", "Z"])
    assert problems == [
        "缺少对投标人 Z 的评分",
        "投标人 X：「施工组织设计」得分 31 超出 0～30 分范围",
        "投标人 Y：未知评分因素「foo」",
        "投标人 Y：「施工组织设计」为主观评分，须填写评分理由",
        "投标人 Y：缺少评分因素「信用评价」的评分",
    ]


def test_check_sheet_clean_and_negative_and_float():
    ok = {"X": {"tech": (D("30"), "满分理由"), "cred": (D("0"), "")}}
    assert check_sheet(ok, [TECH, CRED]) == []
    assert check_sheet({"X": {"tech": (D("-1"), "r"), "cred": (D("1"), "")}}, [TECH, CRED])
    assert (
        "十进制数"
        in check_sheet({"X": {"tech": (29.5, "r"), "cred": (D("1"), "")}}, [TECH, CRED])[0]
    )


def test_aggregate_five_experts_plain_mean():
    assert aggregate(FIVE) == {
        "X": {"tech": D("24.00"), "plan": D("8.20")},
        "Y": {"tech": D("22.60"), "plan": D("6.60")},
    }


def test_aggregate_drop_extremes_when_threshold_met():
    # drop_extremes_at = 5 with 5 experts: drop one highest and one lowest per cell.
    # X tech: 22 + 24 + 26 = 72 / 3 = 24.00    X plan: 8 + 8 + 9 = 25 / 3 = 8.333… → 8.33
    # Y tech: 25 + 25 + 26 = 76 / 3 = 25.333… → 25.33    Y plan: 6 + 7 + 7 = 20 / 3 = 6.666… → 6.67
    assert aggregate(FIVE, drop_extremes_at=5) == {
        "X": {"tech": D("24.00"), "plan": D("8.33")},
        "Y": {"tech": D("25.33"), "plan": D("6.67")},
    }


def test_aggregate_seven_experts_default_trim_with_ties():
    # 7 experts ≥ 7: 5 5 5 6 6 9 9 → drop one 5 and one 9 → 5 + 5 + 6 + 6 + 9 = 31 / 5 = 6.20
    seven = sheets_from({"X": {"plan": ["5", "9", "5", "6", "5", "9", "6"]}})
    assert aggregate(seven) == {"X": {"plan": D("6.20")}}
    assert aggregate(seven, drop_extremes_at=None) == {"X": {"plan": D("6.43")}}  # 45 / 7 = 6.428…


def test_aggregate_rounds_half_up_and_rejects_gaps():
    # 8.0 + 8.0 + 8.5 + 8.0 = 32.5 / 4 = 8.125 → HALF_UP 8.13 (banker's would give 8.12)
    four = sheets_from({"X": {"plan": ["8.0", "8.0", "8.5", "8.0"]}})
    assert aggregate(four) == {"X": {"plan": D("8.13")}}
    gap = {"E1": {"X": {"plan": D("8")}}, "E2": {"X": {}}}
    with pytest.raises(ValueError, match="专家 E2 未对投标人 X"):
        aggregate(gap)
    with pytest.raises(ValueError):
        aggregate(FIVE, drop_extremes_at=2)


def test_outliers_flag_far_scores():
    # Y tech mean 22.6; E5 gave 10: |10 − 22.6| = 12.6 > 0.2 × 30 = 6 → flagged.
    # Largest other gaps: Y tech E4 |27 − 22.6| = 4.4; X tech E1/E5 4.0; plan cells ≤ 1.2 < 2.
    (flag,) = outliers(FIVE, criteria=[TECH, PLAN])
    assert (flag["expert"], flag["bid"], flag["criterion"]) == ("E5", "Y", "tech")
    assert flag["mean"] == D("22.60") and flag["deviation"] == D("-12.60")
    assert flag["threshold"] == D("6.00")
    assert "施工组织设计" in flag["message"] and "评标委员会主任" in flag["message"]
    # A tighter share, 0.1: tech threshold 3, plan threshold 1.
    # X tech: E1 |20 − 24| = 4, E5 |28 − 24| = 4 (E2, E4: 2). X plan: E1 |7 − 8.2| = 1.2.
    # Y tech: E3 |26 − 22.6| = 3.4, E4 4.4, E5 12.6 (E1, E2: 2.4). Y plan: at most 0.6.
    tight = outliers(FIVE, criteria=[TECH, PLAN], threshold_share=D("0.1"))
    assert [(f["bid"], f["criterion"], f["expert"]) for f in tight] == [
        ("X", "plan", "E1"),
        ("X", "tech", "E1"),
        ("X", "tech", "E5"),
        ("Y", "tech", "E3"),
        ("Y", "tech", "E4"),
        ("Y", "tech", "E5"),
    ]


def test_outliers_without_criteria_use_observed_maximum():
    # Highest tech score given: 28 → threshold 0.2 × 28 = 5.6; E5 on Y (12.6) still flagged.
    (flag,) = outliers(FIVE)
    assert flag["threshold"] == D("5.60") and flag["expert"] == "E5"


TOTALS = {"A": D("90"), "B": D("88.5"), "C": D("90"), "D": D("88.5"), "E": D("80")}


def test_rank_unresolved_ties_share_a_rank():
    assert rank(TOTALS) == [
        ("A", D("90"), 1),
        ("C", D("90"), 1),
        ("B", D("88.5"), 3),
        ("D", D("88.5"), 3),
        ("E", D("80"), 5),
    ]


def test_rank_successive_tie_breaks():
    # First order: lower price. C is cheaper than A; B and D bid the same price, so the caller
    # leaves them out of it; the second order (earlier submission: D before B) decides.
    by_price = ["C", "A", "E"]
    by_submission = ["E", "D", "B", "A", "C"]
    assert rank(TOTALS, tie_break=[by_price, by_submission]) == [
        ("C", D("90"), 1),
        ("A", D("90"), 2),
        ("D", D("88.5"), 3),
        ("B", D("88.5"), 4),
        ("E", D("80"), 5),
    ]
