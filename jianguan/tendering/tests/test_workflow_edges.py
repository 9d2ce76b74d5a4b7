"""Exact edges of the pure tender workflow (issue 14 part 3: mutation testing).

No database: the numbers of the law are written out here (20 days from documents to the
deadline, 招标投标法 24; a 5-day sale, 实施条例 16; 15 days after a clarification, 实施条例 21;
10 days for an objection, 实施条例 22; 3 bidders, 实施条例 44), so every period is checked on
its limit and one second either side, and every refusal by its code, message and article.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.tendering import workflow
from jianguan.tendering.workflow import Status, TenderRuleError, Violation

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST)
SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)

PERIODS = workflow.Periods(
    documents_to_deadline_days=20,
    documents_to_deadline_article="招标投标法第二十四条",
    sale_days=5,
    sale_article="实施条例第十六条",
    clarification_days=15,
    clarification_article="实施条例第二十一条",
    objection_days=10,
    objection_article="实施条例第二十二条",
    objection_answer_days=3,
    min_bidders=3,
    min_bidders_article="实施条例第四十四条",
)


# --- transitions -----------------------------------------------------------------------------


def test_a_lawful_transition_returns_the_target_status():
    assert workflow.check_transition("draft", "published") is Status.PUBLISHED
    assert workflow.check_transition("awarded", "contracted") is Status.CONTRACTED


def test_a_forbidden_transition_names_both_states():
    with pytest.raises(TenderRuleError) as err:
        workflow.check_transition("draft", "awarded")
    assert str(err.value) == "招标项目处于“草稿”，不能转为“已定标”"
    assert err.value.code == "bad_transition"
    assert err.value.article == ""


@pytest.mark.parametrize(("current", "target"), [("draft", "nowhere"), ("nowhere", "draft")])
def test_an_unknown_status_is_refused_naming_the_target(current, target):
    with pytest.raises(TenderRuleError) as err:
        workflow.check_transition(current, target)
    assert str(err.value) == f"未知的招标状态：{target}"
    assert err.value.code == "unknown_status"
    assert err.value.article == ""
    assert err.value.__suppress_context__


def test_a_violation_prints_its_article_only_when_it_has_one():
    assert str(Violation("c", "不得开标", "第四十四条")) == "不得开标（第四十四条）"
    assert str(Violation("c", "不得开标", "")) == "不得开标"


# --- schedule --------------------------------------------------------------------------------


def _schedule(**kw):
    args = {
        "documents_from": T0,
        "sale_end": T0 + 5 * DAY,
        "deadline": T0 + 20 * DAY,
        "now": T0,
    }
    args.update(kw)
    return workflow.check_schedule(PERIODS, **args)


def test_a_schedule_on_every_limit_is_lawful():
    assert _schedule() == []
    # documents may go out up to five minutes "in the past" (the officer's form took time)
    assert _schedule(now=T0 + dt.timedelta(minutes=5)) == []
    assert _schedule(sale_end=T0 + 20 * DAY) == []  # the sale may end at the deadline


def test_documents_more_than_five_minutes_in_the_past_are_refused():
    out = _schedule(now=T0 + dt.timedelta(minutes=5) + SECOND)
    assert out == [Violation("documents_in_past", "招标文件发出时间不能早于现在", "")]


def test_a_deadline_one_second_short_of_20_days_is_refused():
    out = _schedule(deadline=T0 + 20 * DAY - SECOND, sale_end=T0 + 5 * DAY)
    assert out == [
        Violation(
            "deadline_too_short",
            "自招标文件发出之日起至投标截止不得少于20日",
            "招标投标法第二十四条",
        )
    ]


def test_a_sale_one_second_short_of_5_days_is_refused():
    out = _schedule(sale_end=T0 + 5 * DAY - SECOND)
    assert out == [Violation("sale_too_short", "招标文件发售期不得少于5日", "实施条例第十六条")]


def test_a_sale_ending_one_second_after_the_deadline_is_refused():
    out = _schedule(sale_end=T0 + 20 * DAY + SECOND)
    assert out == [Violation("sale_after_deadline", "招标文件发售截止不能晚于投标截止", "")]


def test_every_broken_period_is_listed_in_order():
    out = _schedule(
        now=T0 + DAY, deadline=T0 + 3 * DAY, sale_end=T0 + 4 * DAY
    )  # sale 4 days, ends after a 3-day deadline
    assert [v.code for v in out] == [
        "documents_in_past",
        "deadline_too_short",
        "sale_too_short",
        "sale_after_deadline",
    ]


# --- clarification, objection, pause ---------------------------------------------------------


def test_a_clarification_15_days_or_more_before_the_deadline_keeps_it():
    deadline = T0 + 15 * DAY
    assert workflow.deadline_after_clarification(PERIODS, deadline=deadline, issued_at=T0) == (
        deadline
    )
    later = T0 + 30 * DAY
    assert workflow.deadline_after_clarification(PERIODS, deadline=later, issued_at=T0) == later


def test_a_late_clarification_moves_the_deadline_to_the_same_time_15_days_on():
    issued = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CST)
    # the old deadline's time of day is after the issue's: same day, day 15
    deadline = dt.datetime(2026, 3, 10, 11, 0, tzinfo=CST)
    moved = workflow.deadline_after_clarification(PERIODS, deadline=deadline, issued_at=issued)
    assert moved == dt.datetime(2026, 3, 17, 11, 0, tzinfo=CST)
    assert moved.tzinfo is CST
    # the same time of day exactly: day 15
    deadline = dt.datetime(2026, 3, 10, 10, 0, tzinfo=CST)
    moved = workflow.deadline_after_clarification(PERIODS, deadline=deadline, issued_at=issued)
    assert moved == dt.datetime(2026, 3, 17, 10, 0, tzinfo=CST)
    # one second one day short: the earlier time of day would be too soon, so day 16
    deadline = issued + 15 * DAY - SECOND
    moved = workflow.deadline_after_clarification(PERIODS, deadline=deadline, issued_at=issued)
    assert moved == dt.datetime(2026, 3, 18, 9, 59, 59, tzinfo=CST)


def test_the_objection_window_closes_10_days_before_the_deadline():
    deadline = T0 + 30 * DAY
    last = deadline - 10 * DAY
    assert workflow.check_objection_window(PERIODS, deadline=deadline, now=last) == last
    assert workflow.check_objection_window(PERIODS, deadline=deadline, now=T0) == last
    with pytest.raises(TenderRuleError) as err:
        workflow.check_objection_window(PERIODS, deadline=deadline, now=last + SECOND)
    assert str(err.value) == "对招标文件的异议应在投标截止10日前提出（最迟 2026-03-22 09:00）"
    assert err.value.code == "objection_window_passed"
    assert err.value.article == "实施条例第二十二条"


def test_a_pause_gives_back_the_time_it_stood_still_and_never_takes_any():
    deadline = T0 + 20 * DAY
    paused = T0 + 2 * DAY
    assert workflow.deadline_after_pause(deadline, paused, paused + 3 * DAY + SECOND) == (
        deadline + 3 * DAY + SECOND
    )
    assert workflow.deadline_after_pause(deadline, paused, paused) == deadline
    assert workflow.deadline_after_pause(deadline, paused, paused - DAY) == deadline


# --- bids, opening, bond, unsealing ----------------------------------------------------------


@pytest.mark.parametrize("status", ["published", "bidding"])
def test_a_bid_one_second_before_the_deadline_is_accepted(status):
    deadline = T0 + 20 * DAY
    assert (
        workflow.check_bid_accepted(status, deadline=deadline, now=deadline - SECOND, paused=False)
        is None
    )


def test_a_bid_at_the_deadline_is_refused_even_while_paused():
    deadline = T0 + 20 * DAY
    with pytest.raises(TenderRuleError) as err:
        workflow.check_bid_accepted("bidding", deadline=deadline, now=deadline, paused=True)
    assert str(err.value) == "投标截止时间（2026-03-22 09:00:00）已过，平台拒收"
    assert err.value.code == "after_deadline"
    assert err.value.article == "《电子招标投标办法》第二十七条"


def test_a_bid_while_an_objection_pauses_the_tender_is_refused():
    with pytest.raises(TenderRuleError) as err:
        workflow.check_bid_accepted("bidding", deadline=T0 + DAY, now=T0, paused=True)
    assert str(err.value) == "招标文件异议处理期间暂停招标投标活动"
    assert err.value.code == "tender_paused"
    assert err.value.article == "《招标投标法实施条例》第二十二条"


@pytest.mark.parametrize(
    ("status", "label"), [("draft", "草稿"), ("opening", "开标"), ("prequalification", "资格预审")]
)
def test_a_bid_to_a_tender_not_taking_bids_is_refused(status, label):
    with pytest.raises(TenderRuleError) as err:
        workflow.check_bid_accepted(status, deadline=T0 + DAY, now=T0, paused=False)
    assert str(err.value) == f"招标项目处于“{label}”，不接受投标"
    assert err.value.code == "not_accepting"
    assert err.value.article == ""


def test_opening_needs_3_bids():
    assert workflow.check_opening(3, 3, "实施条例第四十四条") is None
    assert workflow.check_opening(4, 3, "实施条例第四十四条") is None
    assert workflow.check_opening(2, 3, "实施条例第四十四条") == Violation(
        "too_few_bids", "投标人少于3个（2个），不得开标，招标失败", "实施条例第四十四条"
    )


def test_the_bond_cap_is_rounded_to_the_cent():
    cap = workflow.bond_cap(Decimal("1234567.89"), Decimal("0.02"))
    assert cap == Decimal("24691.36")
    assert cap.as_tuple().exponent == -2
    assert workflow.bond_cap(Decimal("100"), Decimal("0.02")).as_tuple() == (
        Decimal("2.00").as_tuple()
    )


def test_failing_to_unseal_by_ones_own_fault_revokes_the_bid():
    assert workflow.unseal_outcome(True, "revoked", "withdrawn") == "revoked"
    assert workflow.unseal_outcome(False, "revoked", "withdrawn") == "withdrawn"
