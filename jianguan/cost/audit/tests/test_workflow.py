"""The settlement audit's pure rules, without Django: the cut range, the merge of the two
reviews, the settled figure per line, the reduction rate and the reviewers' independence."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jianguan.cost.audit import workflow as wf


@pytest.mark.parametrize(
    "claimed,audited,ok",
    [
        ("100.00", "100.00", True),
        ("100.00", "0.00", True),
        ("100.00", "100.01", False),
        ("100.00", "-0.01", False),
        ("-50.00", "-50.00", True),  # a deduction may stay as claimed
        ("-50.00", "-60.00", True),  # or be cut by deducting more
        ("-50.00", "-49.99", False),  # never deducted less
        ("0.00", "0.00", True),
    ],
)
def test_cut_range(claimed, audited, ok):
    if ok:
        wf.check_cut(D(claimed), D(audited))
    else:
        with pytest.raises(wf.Refused) as e:
            wf.check_cut(D(claimed), D(audited))
        assert e.value.code == "cut_out_of_range"


def test_merge_keeps_the_lower_figure_and_only_cut_lines():
    claimed = {1: D("100"), 2: D("200"), 3: D("300"), 4: D("400")}
    rows = wf.merge(claimed, {1: D("90"), 2: D("150")}, {1: D("80"), 3: D("310") - 20})
    assert [(r.line_id, r.finance, r.audit, r.proposed) for r in rows] == [
        (1, D("90"), D("80"), D("80")),
        (2, D("150"), D("200"), D("150")),
        (3, D("300"), D("290"), D("290")),
    ]


def test_settled_amounts_meeting_beats_proposal_beats_claim_and_stage_lines_keep_theirs():
    lines = {
        1: (D("100"), None, False),
        2: (D("200"), None, False),
        3: (D("300"), D("295"), True),
        4: (D("400"), None, False),
    }
    out = wf.settled_amounts(lines, {1: D("80"), 2: D("150"), 3: D("1")}, {2: D("175")})
    assert out == {1: D("80"), 2: D("175"), 3: D("295"), 4: D("400")}


@pytest.mark.parametrize(
    "submitted,audited,ratio",
    [
        ("206000", "195500", "0.0510"),
        ("100", "100", "0.0000"),
        ("0", "0", "0"),
        ("3", "2", "0.3333"),
    ],
)
def test_reduction_ratio(submitted, audited, ratio):
    assert wf.reduction_ratio(D(submitted), D(audited)) == D(ratio)


def test_independence_of_the_two_reviews():
    def seen(viewer, own_submitted, other_submitted):
        return wf.review_visible(
            viewer_org=viewer,
            review_org=2,
            review_submitted=other_submitted,
            viewer_review_submitted=own_submitted,
        )

    assert seen(2, None, False)  # one's own draft
    assert not seen(1, False, True)  # the other reviewer, own review still open
    assert seen(1, True, True)  # both in
    assert not seen(1, True, False)  # the other's draft, never
    assert seen(9, None, True)  # a party that reviews nothing, once submitted
    assert not seen(9, None, False)


def test_state_checks():
    wf.check(wf.REVIEWING, [wf.REVIEWING], "审减")
    with pytest.raises(wf.Refused) as e:
        wf.check(wf.REPORTED, [wf.AGREED], "出具审计报告")
    assert e.value.code == "wrong_state" and "已出具审计报告" in str(e.value)
    assert wf.next_after_responses(0) == wf.AGREED
    assert wf.next_after_responses(2) == wf.DISPUTED
