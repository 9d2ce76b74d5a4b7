"""Boundary tests of the tendering rules after the deadline: prequalification count,
candidate publicity, objections to the result, the award's contract and report dates.

The numbers come from rule data; each test cites its article. ``@pytest.mark.rule`` declares
the codes covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.rules.lookup import rule
from jianguan.tendering import services
from jianguan.tendering.models import Candidate, Tender
from jianguan.tendering.services.common import local_date
from jianguan.tendering.tests.test_award import _opened
from jianguan.tendering.tests.test_prequal import _close_applications, _publish_prequal
from jianguan.tendering.tests.test_services import _tender

DAY = dt.timedelta(days=1)


def _value(code: str) -> int:
    return int(rule(code, on=local_date(now())).value)


@pytest.mark.rule("prequal.passed_min")
@pytest.mark.parametrize("passed", [2, 3, 4])
def test_prequal_close_fails_under_3_qualified_and_goes_to_bidding_at_3(market, passed):
    """招标投标法实施条例第十九条: fewer than 3 applicants pass prequalification → re-tender."""
    n = _value("prequal.passed_min")
    assert n == 3, "条例 19: 3 个"
    owner = market["owner"]
    tender = _publish_prequal(market, _tender(market, procedure="open_prequal"))
    for x in market["bidders"][:passed]:
        services.prequal_apply(actor=x, tender=tender)
    tender = services.prequal_close(actor=owner, tender=_close_applications(tender))
    if passed < n:
        assert tender.status == "failed", f"条例 19: {passed} 个"
        assert f"少于{n}个" in tender.failed_reason and "第十九条" in tender.failed_reason
    else:
        assert tender.status == "bidding", f"条例 19: {passed} 个"


@pytest.mark.rule(
    "publicity.duration_min",
    "publicity.objection_answer_within",
    "award.contract_within",
    "award.report_within",
    "award.state_funded_first_candidate_required",
)
def test_publicity_objection_and_award_dates(market, tmp_path):
    """招标投标法实施条例第五十四条: candidates are published for at least 3 days; objections to
    the result come during publicity and are answered within 3 days. 招标投标法第四十六条: the
    contract within 30 days of the award; 第四十七条: the report within 15 days. 条例第五十五条:
    a state-funded project awards the first candidate."""
    owner = market["owner"]
    tender = _opened(market, tmp_path, ["28000000.00", "28100000.00", "28200000.00"])
    before = now()
    candidates = services.evaluation_conclude(actor=owner, tender=tender)
    after = now()
    tender.refresh_from_db()
    days = _value("publicity.duration_min")
    assert days == 3, "条例 54: 3 日"
    assert before + days * DAY <= tender.publicity_until <= after + days * DAY, "条例 54"
    first, second = candidates[0], candidates[1]
    # the publicity's last second: still running, no award; an objection is in time
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() + dt.timedelta(minutes=5))
    with pytest.raises(Conflict) as exc:
        services.award_decide(actor=owner, tender=tender, candidate=first)
    assert exc.value.code == "publicity_running", "条例 54"
    loser = market["bidders"][1]
    objection = services.publicity_objection_file(actor=loser, tender=tender, text="异议")
    answer = _value("publicity.objection_answer_within")
    assert answer == 3 and objection.answer_due - objection.filed_at == answer * DAY, "条例 54"
    services.objection_answer(actor=owner, objection=objection, answer="经核查无误")
    # one second after the publicity: no objection any more, the award may be made
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        services.publicity_objection_file(actor=loser, tender=tender, text="迟到的异议")
    assert exc.value.code == "not_in_publicity", "条例 54"
    assert tender.project.funding in ("government", "state_owned")
    with pytest.raises(ValidationFailed) as exc:
        services.award_decide(actor=owner, tender=tender, candidate=second)
    assert (
        exc.value.code == "first_candidate_required"
        and "第五十五条" in (exc.value.details["article"])
    )
    award = services.award_decide(actor=owner, tender=tender, candidate=first)
    on = local_date(award.decided_at)
    contract, report = _value("award.contract_within"), _value("award.report_within")
    assert (contract, report) == (30, 15), "法 46: 30 日；法 47: 15 日"
    assert award.contract_due == on + contract * DAY, "法 46"
    assert award.report_due == on + report * DAY, "法 47"
    assert Candidate.objects.filter(tender=tender).count() == 3


@pytest.mark.rule(
    "e_tendering.unseal_window",
    "e_tendering.unseal_failure_bidder_fault_outcome",
    "e_tendering.unseal_failure_other_cause_outcome",
)
def test_unseal_window_and_failure_outcomes(market, tmp_path):
    """《电子招标投标办法》第三十条: bidders unseal within the window after the deadline (2 hours
    by default); 第三十一条: failing by the bidder's own fault revokes the bid (撤销), any other
    cause counts as a withdrawal (撤回)."""
    from jianguan.tendering import sealer, workflow
    from jianguan.tendering.opening.services import bid_unseal
    from jianguan.tendering.services.clock import tenders_advance
    from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit

    hours = _value("e_tendering.unseal_window")
    assert hours == 2, "办法 30: 2 小时"
    tender = _publish(market, _tender(market))
    sealed = []
    for i, actor in enumerate(market["bidders"][:3]):
        private, public = _keys(actor, tender)
        sealed.append((actor, private, _submit(actor, tender, _seal(tmp_path, public, f"{i}.00"))))
    past = now() - dt.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=past, next_check_at=past)
    tenders_advance()
    tender.refresh_from_db()
    assert tender.unseal_until == tender.bid_deadline + dt.timedelta(hours=hours), "办法 30"
    Tender.objects.filter(pk=tender.pk).update(unseal_until=now() + dt.timedelta(minutes=5))
    actor, private, bid = sealed[0]
    key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
    assert bid_unseal(actor=actor, bid=bid, data_key_hex=key.hex()).status == "opened"
    actor, _, bid = sealed[1]  # the wrong key: the bidder's fault
    failed = bid_unseal(actor=actor, bid=bid, data_key_hex="00" * 32)
    assert failed.status == "revoked", "办法 31: 投标人原因 → 撤销"
    Tender.objects.filter(pk=tender.pk).update(unseal_until=now() - dt.timedelta(seconds=1))
    actor, private, bid = sealed[2]
    key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
    with pytest.raises(Conflict) as exc:
        bid_unseal(actor=actor, bid=bid, data_key_hex=key.hex())
    assert exc.value.code == "not_unsealing", "办法 30"
    on = local_date(now())
    fault = rule("e_tendering.unseal_failure_bidder_fault_outcome", on=on)
    other = rule("e_tendering.unseal_failure_other_cause_outcome", on=on)
    assert "第三十一条" in fault.reference
    assert workflow.unseal_outcome(True, fault.value, other.value) == "revoked", "办法 31"
    assert workflow.unseal_outcome(False, fault.value, other.value) == "withdrawn", "办法 31"


@pytest.mark.rule("abnormally_low_bid.below_mean_others_pct", "abnormally_low_bid.below_next_pct")
def test_abnormally_low_thresholds_at_the_limit_and_one_cent_each_side(market):
    """《评标委员会和评标方法暂行规定》第二十一条: a bid markedly below the others must be
    explained; the triggers (below the mean of the others by 15 %, below the next higher bid
    by 10 %) are rule data, each tested alone at the limit and one cent either side."""
    from decimal import Decimal

    from jianguan.tendering.evaluation import price_score

    on = local_date(now())
    mean = Decimal(str(rule("abnormally_low_bid.below_mean_others_pct", on=on).value))
    nxt = Decimal(str(rule("abnormally_low_bid.below_next_pct", on=on).value))
    assert (mean, nxt) == (15, 10)
    assert "第二十一条" in rule("abnormally_low_bid.below_mean_others_pct", on=on).reference
    for a, flagged in (("84.99", True), ("85.00", True), ("85.01", False)):
        prices = {"a": Decimal(a), "b": Decimal("100.00"), "c": Decimal("100.00")}
        flags = price_score.abnormally_low(
            prices, below_mean_others_pct=mean, below_next_pct=None, cost_line=None
        )
        assert ("a" in flags) is flagged, f"12号令 21: {a} vs mean 100 (15%)"
    for a, flagged in (("89.99", True), ("90.00", True), ("90.01", False)):
        prices = {"a": Decimal(a), "b": Decimal("100.00"), "c": Decimal("200.00")}
        flags = price_score.abnormally_low(
            prices, below_mean_others_pct=None, below_next_pct=nxt, cost_line=None
        )
        assert ("a" in flags) is flagged, f"12号令 21: {a} vs next 100 (10%)"


@pytest.mark.rule(
    "abnormally_low_bid.below_next_pct",
    "abnormally_low_bid.below_mean_others_pct",
    "abnormally_low_bid.explanation_days",
)
@pytest.mark.parametrize("low", ["25200000.00", "25200000.01"])
def test_low_bids_check_at_the_next_bid_limit(market, tmp_path, low):
    """《评标委员会和评标方法暂行规定》第二十一条 through low_bids_check: 10 % below the next bid
    (28,000,000 → 25,200,000.00) opens a query due in 3 days; one cent more does not."""
    owner = market["owner"]
    tender = _opened(market, tmp_path, [low, "28000000.00", "28000000.00"])
    before = now()
    queries = services.low_bids_check(actor=owner, tender=tender)
    after = now()
    if low.endswith(".01"):
        assert queries == [], "12号令 21: 9.99999996 % is under the 10 % line"
        return
    (query,) = queries
    assert str(query.bid.price) == low
    assert any("相邻较高报价" in r for r in query.reasons), query.reasons
    assert not any("平均值" in r for r in query.reasons)  # 10 % is under the 15 % mean line
    days = _value("abnormally_low_bid.explanation_days")
    assert days == 3
    assert before + days * DAY <= query.due <= after + days * DAY, "12号令 21: 3 日"


@pytest.mark.rule("collusion.screen.*", "collusion.screen.skew_below")
def test_collusion_screen_thresholds_at_the_limit_and_one_step_each_side(market):
    """《招标投标法实施条例》第四十条 (异常一致、规律性差异): each price screen's threshold is rule
    data (collusion.screen.<key>; skewness as "below -skew_below"); a screen's sub-score is 0.5
    on its threshold, above 0.5 (a flag) one step past it in the collusion direction and below
    0.5 one step the other way (ratio screens: 1 %; moment screens: 0.01)."""
    import types

    import numpy as np

    from jianguan.tendering.collusion import price_screens as ps
    from jianguan.tendering.collusion.services import price_thresholds

    on = local_date(now())
    thresholds = price_thresholds(types.SimpleNamespace(bid_deadline=now()))
    for key in ("cv", "spd", "diffp", "rd", "rdnor", "kurt"):
        code = rule(f"collusion.screen.{key}", on=on)
        assert "第四十条" in code.reference
        assert thresholds[key] == float(code.value), key
    assert thresholds["skew"] == -float(rule("collusion.screen.skew_below", on=on).value)
    assert set(thresholds) == set(ps.SCREENS)
    for key, t in thresholds.items():
        ratio = key in ("cv", "spd", "diffp", "rd", "rdnor")
        toward = 1 if ps.DIRECTION[key] == "high" else -1
        if ratio:
            past, short = t * (1 + 0.01 * toward), t * (1 - 0.01 * toward)
        else:
            past, short = t + 0.01 * toward, t - 0.01 * toward
        at, flagged, clear = (
            float(ps._sub_score(key, np.array([v]), t)[0]) for v in (t, past, short)
        )
        assert at == pytest.approx(0.5), f"条例 40: {key} on its threshold"
        assert flagged > 0.5 > clear, f"条例 40: {key} {past} flags, {short} does not"
