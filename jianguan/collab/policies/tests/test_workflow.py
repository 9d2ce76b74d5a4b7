"""The pure rules of policy push: transitions, dates, tags, targeting, percentages."""

import datetime as dt

import pytest

from jianguan.collab.policies import workflow as wf


def test_transitions():
    wf.check_transition(wf.DRAFT, wf.PUBLISHED)
    wf.check_transition(wf.PUBLISHED, wf.REPEALED)
    for cur, target in (
        (wf.DRAFT, wf.REPEALED),
        (wf.PUBLISHED, wf.PUBLISHED),
        (wf.REPEALED, wf.PUBLISHED),
    ):
        with pytest.raises(wf.Invalid) as exc:
            wf.check_transition(cur, target)
        assert exc.value.code == "bad_transition"
    with pytest.raises(wf.Invalid):
        wf.check_editable(wf.PUBLISHED)


def test_dates_and_tags():
    d = dt.date(2026, 1, 1)
    wf.check_dates(d, d, None)
    with pytest.raises(wf.Invalid):
        wf.check_dates(d, d - dt.timedelta(days=1), None)
    with pytest.raises(wf.Invalid):
        wf.check_dates(d, d, d)
    assert wf.clean_tags([" 安全 ", "安全", "", "质量"]) == ["安全", "质量"]
    with pytest.raises(wf.Invalid):
        wf.clean_tags(["长" * 21])
    with pytest.raises(wf.Invalid):
        wf.clean_tags([str(i) for i in range(11)])


def test_targeting():
    assert wf.targeted("general_contractor", 1, [], [])
    assert not wf.targeted("regulator", 1, [], [])
    assert wf.targeted("supervisor", 1, ["supervisor"], [])
    assert not wf.targeted("owner", 1, ["supervisor"], [])
    assert wf.targeted("owner", 2, [], [2])
    assert not wf.targeted("supervisor", 3, ["supervisor"], [2])
    assert wf.percent(1, 3) == "33%" and wf.percent(0, 0) == "—"
