"""Exact edges of the early-warning rules (issue 14 part 3: mutation testing). No database.

"Why is this red?" must always have a word-for-word answer: each rule's full reason is checked,
with the worst item named and the others counted, on its threshold and one day (one fen) off,
and the registry of rules (labels, thresholds, a missing threshold skips the rule).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.projects import warnings as w

TODAY = dt.date(2026, 6, 1)
DAY = dt.timedelta(days=1)
SLIP = {"blue": 7, "yellow": 15, "orange": 30, "red": 60}
COST = {"blue": "0.95", "yellow": "1.00", "orange": "1.05", "red": "1.10"}
CRED = {"blue": 60, "yellow": 30, "orange": 7, "red": 0}
TH = {
    w.SLIP: SLIP,
    w.COST: COST,
    w.CREDENTIAL: CRED,
    w.RECTIFICATION: SLIP,
    w.APPROVAL: {"blue": 1, "yellow": 10, "orange": 20, "red": 30},
}


def ago(n: int) -> dt.date:
    return TODAY - n * DAY


# --- thresholds and dates --------------------------------------------------------------------


def test_level_reached_on_each_limit():
    assert w.level_reached(6, SLIP) == 0
    assert w.level_reached(7, SLIP) == 1
    assert w.level_reached(60, SLIP) == 4
    assert w.level_reached(59, SLIP) == 3
    assert w.level_reached(61, {"blue": 7, "red": None, "yellow": 15}) == 2
    assert w.level_reached(7, CRED, descending=True) == 3
    assert w.level_reached(8, CRED, descending=True) == 2
    assert w.level_reached(61, CRED, descending=True) == 0
    assert w.level_reached(0, CRED, descending=True) == 4


def test_dates_are_read_from_dates_datetimes_and_iso_text():
    assert w._date(None) is None
    assert w._date(dt.datetime(2026, 6, 1, 23, 59)) == TODAY
    assert w._date(TODAY) is TODAY
    assert w._date("2026-06-01") == TODAY


# --- registry --------------------------------------------------------------------------------


def test_the_registered_rules_labels_and_thresholds():
    codes = [r.code for r in w.rules()]
    for code in (
        "schedule_slip",
        "cost_overrun",
        "no_construction_permit",
        "credential_expiry",
        "rectification_overdue",
        "approval_overdue",
    ):
        assert code in codes
    assert w.rule_label("cost_overrun") == "投资超概算"
    assert w.rule_label("no_such_rule") == "no_such_rule"
    assert {w.SLIP, w.COST, w.CREDENTIAL, w.RECTIFICATION, w.APPROVAL} <= w.threshold_codes()


def test_register_rule_replaces_by_code_and_returns_the_rule():
    rule = w.WarningRule("zz_edge", "边界", lambda f, t, th: (w.RED, "x" * 600), ("zz.th",))
    try:
        assert w.register_rule(rule) is rule
        assert w.rule_label("zz_edge") == "边界"
        assert "zz.th" in w.threshold_codes()
        raised = [r for r in w.evaluate({}, TODAY, {"zz.th": 1}) if r.rule_code == "zz_edge"]
        assert raised == [w.Raised("zz_edge", 4, "x" * 500)]
        # its threshold missing (or None): skipped, never guessed
        assert all(r.rule_code != "zz_edge" for r in w.evaluate({}, TODAY, {"zz.th": None}))
        assert all(r.rule_code != "zz_edge" for r in w.evaluate({}, TODAY, {}))
        again = w.WarningRule("zz_edge", "边界二", lambda f, t, th: (0, "正常"), ())
        w.register_rule(again)
        assert w.rule_label("zz_edge") == "边界二"
        # a level outside 1..4 raises nothing
        assert all(r.rule_code != "zz_edge" for r in w.evaluate({}, TODAY, {}))
    finally:
        w._RULES.pop("zz_edge", None)


def test_max_level():
    assert w.max_level([]) == 0
    assert w.max_level([w.Raised("a", 2, ""), w.Raised("b", 3, ""), w.Raised("c", 1, "")]) == 3


# --- 1. schedule slip ------------------------------------------------------------------------


def _stage(stage, planned, actual=None, nodes=(), permit="110115"):
    return {
        "stage": stage,
        "construction_permit": permit,
        "stages": [
            {"stage": "approval", "planned_end": ago(500), "actual_end": None},
            {"stage": stage, "planned_end": planned, "actual_end": actual},
        ],
        "key_nodes": list(nodes),
    }


def test_a_stage_on_its_planned_end_has_not_slipped():
    assert w.check_schedule_slip(_stage("construction", TODAY), TODAY, TH) is None
    assert w.check_schedule_slip(_stage("construction", ago(6)), TODAY, TH) is None
    assert w.check_schedule_slip(_stage("design", ago(7)), TODAY, TH) == (
        1,
        "设计阶段计划于 2026-05-25 完成，已滞后 7 天（蓝色预警阈值 7 天）",
    )
    # a stage waiting on an approval does not slip (it is overdue: rule 6)
    assert w.check_schedule_slip(_stage("tendering", ago(70)), TODAY, TH) is None
    assert w.check_schedule_slip(_stage("construction", ago(70), actual=ago(1)), TODAY, TH) is None


def test_the_worst_key_node_is_named_and_the_others_counted():
    nodes = [
        {"name": "基础验收", "planned_date": ago(16), "status": "pending"},
        {"name": "桩基完成", "planned_date": ago(60), "status": "failed"},
        {"name": "今日节点", "planned_date": TODAY, "status": "pending"},
        {"name": "已过节点", "planned_date": ago(90), "status": "passed"},
        {"name": "无日期", "planned_date": None, "status": "pending"},
    ]
    facts = _stage("construction", ago(8), nodes=nodes)
    assert w.check_schedule_slip(facts, TODAY, TH) == (
        4,
        "关键节点“桩基完成”计划于 2026-04-02 通过，已滞后 60 天（红色预警阈值 60 天）；另有 2 项滞后",
    )
    # after completion the key nodes no longer count
    assert w.check_schedule_slip(_stage("settlement", ago(70), nodes=nodes), TODAY, TH) is None
    one = _stage("construction", TODAY + DAY, nodes=nodes[:1])
    assert w.check_schedule_slip(one, TODAY, TH) == (
        2,
        "关键节点“基础验收”计划于 2026-05-16 通过，已滞后 16 天（黄色预警阈值 15 天）",
    )


def test_a_slip_below_the_first_threshold_is_silent():
    nodes = [{"name": "基础验收", "planned_date": ago(6), "status": "pending"}]
    assert w.check_schedule_slip(_stage("construction", TODAY, nodes=nodes), TODAY, TH) is None


# --- 2. cost overrun -------------------------------------------------------------------------


def _cost(contract, budget="10000000", variations=None):
    return {"contract_value": contract, "budget": budget, "variations_value": variations}


def test_cost_at_the_factor_and_one_fen_below():
    assert w.check_cost_overrun(_cost(Decimal("9500000")), TODAY, TH) == (
        1,
        "合同价款 950.00 万元，达到批复概算 1,000.00 万元 的 95.0%（蓝色预警阈值 95%）",
    )
    assert w.check_cost_overrun(_cost(Decimal("9499999.99")), TODAY, TH) is None


def test_cost_with_variations_names_the_total():
    facts = _cost(Decimal("10000000"), variations=Decimal("1000000"))
    assert w.check_cost_overrun(facts, TODAY, TH) == (
        4,
        "合同价款 1,000.00 万元 加变更、签证 100.00 万元，合计 1,100.00 万元，"
        "达到批复概算 1,000.00 万元 的 110.0%（红色预警阈值 110%）",
    )


@pytest.mark.parametrize("budget", [None, 0, "0", "-1"])
def test_no_cost_warning_without_a_positive_budget(budget):
    assert w.check_cost_overrun(_cost(Decimal("20000000"), budget=budget), TODAY, TH) is None


def test_no_cost_warning_before_the_contract():
    assert w.check_cost_overrun(_cost(None), TODAY, TH) is None


# --- 3. permit -------------------------------------------------------------------------------


def test_construction_without_a_permit_is_red():
    assert w.check_no_permit(_stage("construction", TODAY, permit=""), TODAY, TH) == (
        4,
        "项目处于施工阶段，但未录入施工许可证（《中华人民共和国建筑法》第七条、第六十四条）",
    )
    assert w.check_no_permit(_stage("construction", TODAY), TODAY, TH) is None
    assert w.check_no_permit(_stage("design", TODAY, permit=""), TODAY, TH) is None


# --- 4. credentials --------------------------------------------------------------------------


def _creds(*items):
    return {"credentials": list(items)}


def test_each_kind_of_credential_message():
    c = {"organisation": "甲公司", "name": "安全生产许可证"}
    assert w.check_credentials(_creds({**c, "expires_on": ago(1)}), TODAY, TH) == (
        4,
        "甲公司的安全生产许可证已于 2026-05-31 过期（已过期）",
    )
    assert w.check_credentials(_creds({**c, "expires_on": TODAY}), TODAY, TH) == (
        4,
        "甲公司的安全生产许可证于今日（2026-06-01）到期（红色预警阈值 0 天）",
    )
    assert w.check_credentials(_creds({**c, "expires_on": TODAY + 7 * DAY}), TODAY, TH) == (
        3,
        "甲公司的安全生产许可证将于 2026-06-08 到期（剩余 7 天）（橙色预警阈值 7 天）",
    )
    assert w.check_credentials(_creds({**c, "expires_on": TODAY + 61 * DAY}), TODAY, TH) is None


def test_a_credential_without_a_name_is_named_by_its_kind():
    item = {"organisation": "乙公司", "kind": "资质证书", "expires_on": TODAY + 60 * DAY}
    assert w.check_credentials(_creds(item), TODAY, TH) == (
        1,
        "乙公司的资质证书将于 2026-07-31 到期（剩余 60 天）（蓝色预警阈值 60 天）",
    )
    bare = {"expires_on": TODAY + 30 * DAY}
    assert w.check_credentials(_creds(bare), TODAY, TH) == (
        2,
        "的证照将于 2026-07-01 到期（剩余 30 天）（黄色预警阈值 30 天）",
    )


def test_the_worst_credential_is_named_and_the_others_counted():
    items = [
        {"organisation": "甲", "name": "A证", "expires_on": TODAY + 20 * DAY},
        {"organisation": "乙", "name": "B证", "expires_on": TODAY + 5 * DAY},
        {"organisation": "丙", "name": "C证", "expires_on": TODAY + 6 * DAY},
        {"organisation": "丁", "name": "D证", "expires_on": TODAY + 90 * DAY},
        {"organisation": "戊", "name": "E证", "expires_on": None},
    ]
    assert w.check_credentials(_creds(*items), TODAY, TH) == (
        3,
        "乙的B证将于 2026-06-06 到期（剩余 5 天）（橙色预警阈值 7 天）；另有 2 项证照到期或即将到期",
    )
    expired = [
        {"organisation": "甲", "name": "A证", "expires_on": ago(2)},
        {"organisation": "乙", "name": "B证", "expires_on": ago(9)},
    ]
    assert w.check_credentials(_creds(*expired), TODAY, TH) == (
        4,
        "乙的B证已于 2026-05-23 过期（已过期）；另有 1 项证照到期或即将到期",
    )


# --- 5. rectification ------------------------------------------------------------------------


def test_the_oldest_open_finding_is_named_and_all_counted():
    findings = [
        {"text": "脚手架" + "长" * 80, "raised_on": ago(30), "node": "主体结构"},
        {"text": "临边防护", "raised_on": ago(8)},
        {"text": "无日期", "raised_on": None},
    ]
    text = ("脚手架" + "长" * 80)[:60]
    assert w.check_rectification({"findings": findings}, TODAY, TH) == (
        3,
        f"检查问题“{text}”（主体结构）已 30 天未整改闭合（橙色预警阈值 30 天）；共 2 项问题未闭合",
    )
    one = {"findings": [{"text": "临边防护", "raised_on": ago(7)}]}
    assert w.check_rectification(one, TODAY, TH) == (
        1,
        "检查问题“临边防护”已 7 天未整改闭合（蓝色预警阈值 7 天）",
    )
    assert w.check_rectification({"findings": [{"raised_on": ago(6)}]}, TODAY, TH) is None
    assert w.check_rectification({"findings": []}, TODAY, TH) is None


# --- 6. approvals ----------------------------------------------------------------------------


def test_an_approval_overdue_by_one_day():
    assert w.check_approval_wait(_stage("tendering", TODAY), TODAY, TH) is None
    assert w.check_approval_wait(_stage("tendering", ago(1)), TODAY, TH) == (
        1,
        "招标阶段计划于 2026-05-31 办结，已超期 1 天仍未进入下一阶段（蓝色预警阈值 1 天）",
    )
    assert w.check_approval_wait(_stage("construction", ago(40)), TODAY, TH) is None
    assert w.check_approval_wait(_stage("settlement", ago(40), actual=ago(1)), TODAY, TH) is None
    assert w.check_approval_wait(_stage("settlement", None), TODAY, TH) is None
    assert w.check_approval_wait({"stage": "tendering"}, TODAY, TH) is None
    below = {**TH, w.APPROVAL: {"blue": 5}}
    assert w.check_approval_wait(_stage("tendering", ago(4)), TODAY, below) is None


# --- survivors of the first mutation run: orders, missing levels, a zero threshold -----------


def test_a_missing_lower_level_does_not_hide_the_higher_ones():
    assert w.level_reached(20, {"blue": None, "yellow": 15}) == 2
    assert w.level_reached(20, {"yellow": 15, "orange": None, "red": 20}) == 4


def test_the_planned_end_day_itself_is_never_late_even_with_a_zero_threshold():
    zero = {**TH, w.SLIP: {"blue": 0}, w.APPROVAL: {"blue": 0}}
    assert w.check_schedule_slip(_stage("construction", TODAY), TODAY, zero) is None
    assert w.check_approval_wait(_stage("tendering", TODAY), TODAY, zero) is None
    assert w.check_approval_wait(_stage("tendering", ago(1)), TODAY, zero)[0] == 1


def test_a_passed_node_listed_first_does_not_hide_the_late_ones():
    nodes = [
        {"name": "主体封顶", "planned_date": ago(90), "status": "passed"},
        {"name": "基础验收", "planned_date": ago(16), "status": "pending"},
    ]
    level, reason = w.check_schedule_slip(_stage("construction", TODAY, nodes=nodes), TODAY, TH)
    assert (level, reason.startswith("关键节点“基础验收”")) == (2, True)


def test_any_positive_budget_is_compared():
    facts = _cost(Decimal("1.10"), budget="1")
    assert w.check_cost_overrun(facts, TODAY, TH)[0] == 4


def test_credentials_without_a_date_or_far_from_expiry_listed_first_hide_nothing():
    items = [
        {"organisation": "甲", "name": "无日期", "expires_on": None},
        {"organisation": "乙", "name": "远期", "expires_on": TODAY + 90 * DAY},
        {"organisation": "丙", "name": "C证", "expires_on": TODAY + 6 * DAY},
    ]
    assert w.check_credentials(_creds(*items), TODAY, TH) == (
        3,
        "丙的C证将于 2026-06-07 到期（剩余 6 天）（橙色预警阈值 7 天）",
    )


def test_of_two_credentials_at_one_level_the_sooner_then_the_first_is_named():
    c6 = {"organisation": "丙", "name": "C证", "expires_on": TODAY + 6 * DAY}
    c5 = {"organisation": "乙", "name": "B证", "expires_on": TODAY + 5 * DAY}
    c5b = {"organisation": "丁", "name": "D证", "expires_on": TODAY + 5 * DAY}
    level, reason = w.check_credentials(_creds(c6, c5, c5b), TODAY, TH)
    assert (level, reason.split("（")[0]) == (3, "乙的B证将于 2026-06-06 到期")


def test_an_expired_credential_is_red_whatever_the_thresholds():
    only_blue = {**TH, w.CREDENTIAL: {"blue": 60, "yellow": 30}}
    item = {"organisation": "甲", "name": "A证", "expires_on": ago(1)}
    assert w.check_credentials(_creds(item), TODAY, only_blue) == (
        4,
        "甲的A证已于 2026-05-31 过期（已过期）",
    )
    # expiring today is not yet expired: the day's own threshold applies
    today = {**item, "expires_on": TODAY}
    assert w.check_credentials(_creds(today), TODAY, only_blue) == (
        2,
        "甲的A证于今日（2026-06-01）到期（黄色预警阈值 30 天）",
    )


def test_a_finding_without_text_is_quoted_empty():
    assert w.check_rectification({"findings": [{"raised_on": ago(7)}]}, TODAY, TH) == (
        1,
        "检查问题“”已 7 天未整改闭合（蓝色预警阈值 7 天）",
    )
