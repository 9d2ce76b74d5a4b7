"""Boundary tests of the sanction periods that feed credit: bad-record publication (6 to 36
months), credit repair (not before 3 months), the procurement ban (1 to 3 years) and the card
appeal window (15 days). Limits come from rule data; each test cites its basis.
``@pytest.mark.rule`` declares the codes covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.compliance import sanctions as S
from jianguan.compliance import services
from jianguan.compliance.models import Sanction
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.rules.lookup import rule

DAY = dt.timedelta(days=1)
CREDIT_241 = "建市〔2017〕241号"


@pytest.mark.rule("credit.bad_record_publication")
def test_bad_record_publication_between_6_and_36_months(site):
    """《建筑市场信用管理暂行办法》（建市〔2017〕241号）: a bad record is published for 6 months
    to 3 years; the card's publication period is refused outside and taken on the limits."""
    today = today_local()
    bounds = rule("credit.bad_record_publication", on=today)
    low, high = int(bounds.value["min"]), int(bounds.value["max"])
    assert (low, high) == (6, 36) and CREDIT_241 in bounds.reference
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    for months in (low - 1, high + 1):
        with pytest.raises(ValidationFailed) as exc:
            services.card_issue(
                actor=reg, organisation=gc, kind="red", reason="x", publication_months=months
            )
        assert exc.value.code == "bad_publication_period", f"{CREDIT_241}: {months} 个月"
    for months in (low, low + 1, high - 1, high):
        card = services.card_issue(
            actor=reg, organisation=gc, kind="red", reason="x", publication_months=months
        )
        # published for the period asked, never shorter than the card is in force
        expected = max(S.add_months(today, months), card.effective_to)
        assert card.published_to == expected, f"{CREDIT_241}: {months} 个月"
    default = services.card_issue(actor=reg, organisation=gc, kind="red", reason="默认")
    assert default.published_to == max(S.add_months(today, low), default.effective_to)
    longest = services.card_issue(
        actor=reg, organisation=gc, kind="red", reason="x", publication_months=high
    )
    assert longest.published_to == S.add_months(today, high) > longest.effective_to


@pytest.mark.rule("credit.repair_min_publication")
def test_repair_on_the_day_3_months_are_up_not_the_day_before(site):
    """《建筑市场诚信行为信息管理办法》（建市〔2007〕9号）: credit repair shortens publication,
    never below 3 months."""
    today = today_local()
    months = int(rule("credit.repair_min_publication", on=today).value)
    assert months == 3
    start = S.add_months(today, -months)
    assert S.check_repair(start, months, today) == today
    with pytest.raises(S.SanctionError):
        S.check_repair(start + DAY, months, today)
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    early = services.card_issue(actor=reg, organisation=gc, kind="red", reason="x")
    Sanction.objects.filter(pk=early.pk).update(published_from=start + DAY, issued_on=start + DAY)
    with pytest.raises(ValidationFailed) as exc:
        services.sanction_repair(actor=reg, sanction=early, note="已整改")
    assert exc.value.code == "repair_too_early", "建市〔2007〕9号: 3 个月"
    Sanction.objects.filter(pk=early.pk).update(published_from=start, issued_on=start)
    assert services.sanction_repair(actor=reg, sanction=early, note="已整改").status == "repaired"


@pytest.mark.rule("procurement_ban.period")
def test_procurement_ban_between_1_and_3_years(site):
    """《中华人民共和国政府采购法》第七十七条: a ban from government procurement of 1 to 3 years."""
    today = today_local()
    bounds = rule("procurement_ban.period", on=today)
    low, high = int(bounds.value["min"]), int(bounds.value["max"])
    assert (low, high) == (1, 3) and "第七十七条" in bounds.reference
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    for years in (low - 1, high + 1):
        with pytest.raises(ValidationFailed) as exc:
            services.procurement_ban_issue(actor=reg, organisation=gc, years=years, reason="x")
        assert exc.value.code == "bad_ban_period", f"政府采购法 77: {years} 年"
    for years in (low, high):
        ban = services.procurement_ban_issue(actor=reg, organisation=gc, years=years, reason="x")
        assert ban.effective_to == S.add_months(today, 12 * years) - DAY, f"{years} 年"


@pytest.mark.rule("card.appeal_window_days")
@pytest.mark.parametrize("days_ago", [14, 15, 16])
def test_card_appeal_within_15_days(site, days_ago):
    """大兴区建设工程红黄牌管理政策: an appeal within 15 days of the card."""
    today = today_local()
    window = int(rule("card.appeal_window_days", on=today).value)
    assert window == 15
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    card = services.card_issue(actor=reg, organisation=gc, kind="yellow", reason="x")
    Sanction.objects.filter(pk=card.pk).update(issued_on=today - days_ago * DAY)
    contractor = site["actors"]["contractor"]
    if days_ago <= window:
        appeal = services.appeal_submit(actor=contractor, sanction=card, text="不服")
        assert appeal.submitted_on == today, f"{days_ago} 日"
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.appeal_submit(actor=contractor, sanction=card, text="不服")
        assert exc.value.code == "appeal_window_passed", f"{days_ago} 日"


@pytest.mark.rule(
    "blacklist.large_accidents_count_min",
    "blacklist.large_accidents_window",
    "blacklist.period",
    "credit.post_blacklist_bad_record_publication",
)
def test_blacklist_for_2_large_accidents_within_a_year(site):
    """《建筑市场信用管理暂行办法》（建市〔2017〕241号）: 2 or more large accidents within 1 year
    put the firm on the blacklist for 1 year; afterwards the entry stays published as a bad
    record for 3 years."""
    today = today_local()
    needed = int(rule("blacklist.large_accidents_count_min", on=today).value)
    years = int(rule("blacklist.large_accidents_window", on=today).value)
    period = int(rule("blacklist.period", on=today).value)
    after = int(rule("credit.post_blacklist_bad_record_publication", on=today).value)
    assert (needed, years, period, after) == (2, 1, 1, 3), CREDIT_241
    start = S.add_months(today, -12 * years)  # the window's first day
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    args = dict(
        actor=reg, organisation=gc, trigger="large_accidents", reason="x", evidence=["报告"]
    )
    for dates in ([today], [start - DAY, today]):  # one, or the second a day too early
        with pytest.raises(ValidationFailed) as exc:
            services.blacklist_issue(**args, accident_dates=dates)
        assert exc.value.code == "too_few_accidents", f"{CREDIT_241}: {dates}"
    entry = services.blacklist_issue(**args, accident_dates=[start, today])
    effective_to = S.add_months(today, 12 * period) - DAY
    assert entry.effective_to == effective_to, f"{CREDIT_241}: 黑名单 {period} 年"
    assert entry.published_to == S.add_months(effective_to, 12 * after), f"{CREDIT_241}: 3 年"


@pytest.mark.rule("card.red_after_yellow_cards", "card.red_window", "card.period")
@pytest.mark.parametrize("first_days_inside", [1, 0])
def test_second_yellow_card_within_12_months_draws_a_red_card(site, first_days_inside):
    """大兴区建设工程红黄牌管理政策: a second yellow card within 12 months draws a red card; a card
    is in force for 12 months. The first yellow card issued on the window's first day counts,
    one day earlier it does not."""
    today = today_local()
    needed = int(rule("card.red_after_yellow_cards", on=today).value)
    window = int(rule("card.red_window", on=today).value)
    months = int(rule("card.period", on=today).value)
    assert (needed, window, months) == (2, 12, 12)
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    first = services.card_issue(actor=reg, organisation=gc, kind="yellow", reason="第一张")
    assert first.effective_to == S.add_months(today, months) - DAY, "黄牌有效期 12 个月"
    # issued_on > today - 12 months counts: the window's first day is the day after that
    issued = S.add_months(today, -window) + (DAY if first_days_inside else dt.timedelta())
    Sanction.objects.filter(pk=first.pk).update(issued_on=issued)
    assert not Sanction.objects.filter(organisation=gc, kind="red").exists()
    services.card_issue(actor=reg, organisation=gc, kind="yellow", reason="第二张")
    red = Sanction.objects.filter(organisation=gc, kind="red").exists()
    assert red is bool(first_days_inside), f"红黄牌政策: first yellow on {issued}"
