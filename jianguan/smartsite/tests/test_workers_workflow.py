"""The pure rules of placement and attendance (no database)."""

from __future__ import annotations

import datetime as dt

from jianguan.smartsite.workers import workflow

BASE = dict(
    age=30,
    min_age=16,
    min_age_reference="《中华人民共和国劳动法》第十五条",
    has_contract=True,
    employer_blacklisted=[],
    already_placed=False,
)


def test_nothing_stands_in_the_way():
    assert workflow.placement_refusals(**BASE) == []


def test_every_refusal_is_listed_with_its_code():
    refusals = workflow.placement_refusals(
        **{
            **BASE,
            "age": 15,
            "has_contract": False,
            "employer_blacklisted": ["HMD-1（拖欠工资）"],
            "already_placed": True,
        }
    )
    assert [r.code for r in refusals] == [
        "worker_under_age",
        "no_contract",
        "employer_blacklisted",
        "already_placed",
    ]
    assert "未满16周岁" in refusals[0].message and "劳动法" in refusals[0].message
    assert "第二十八条" in refusals[1].message


def test_the_minimum_age_is_inclusive():
    assert workflow.placement_refusals(**{**BASE, "age": 16}) == []


def test_a_contract_covers_its_term_once_signed():
    start, end = dt.date(2026, 3, 1), dt.date(2026, 6, 30)
    assert workflow.contract_covers(start, end, True, dt.date(2026, 3, 1))
    assert workflow.contract_covers(start, end, True, dt.date(2026, 6, 30))
    assert not workflow.contract_covers(start, end, True, dt.date(2026, 7, 1))
    assert not workflow.contract_covers(start, end, True, dt.date(2026, 2, 28))
    assert not workflow.contract_covers(start, end, False, dt.date(2026, 4, 1))
    assert workflow.contract_covers(start, None, True, dt.date(2030, 1, 1))


def test_work_minutes():
    t = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)
    assert workflow.work_minutes(t, t + dt.timedelta(hours=9, minutes=30)) == 570
    assert workflow.work_minutes(t, None) == 0
    assert workflow.work_minutes(None, t) == 0
    assert workflow.work_minutes(t, t - dt.timedelta(minutes=1)) == 0


def test_every_code_has_a_chinese_label():
    for table in (
        workflow.TRADES,
        workflow.CERTIFICATE_KINDS,
        workflow.TRAINING_KINDS,
        workflow.PLACEMENT_STATUSES,
        workflow.DIRECTIONS,
        workflow.SOURCES,
        workflow.ALERT_REASONS,
        workflow.ALERT_STATUSES,
    ):
        assert all(label and not label.isascii() for label in table.values())
    assert workflow.SPECIAL_TRADES <= workflow.TRADES.keys()
    assert workflow.TRADE_BY_LABEL["钢筋工"] == "rebar_worker"
