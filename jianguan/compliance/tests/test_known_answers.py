"""Known answers for the credit score (issue 14): worked examples written out by hand in
vectors/credit_score.json (re-checked by vectors/check_credit_score.py with exact fractions,
which imports nothing from jianguan). No expectation is derived from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from jianguan.compliance import credit

VECTOR = json.loads((Path(__file__).parent / "vectors" / "credit_score.json").read_text("utf-8"))
EXAMPLES = VECTOR["examples"]


def _date(s: str | None) -> dt.date | None:
    return None if s is None else dt.date.fromisoformat(s)


def _entries(ex: dict) -> list[credit.Entry]:
    return [
        credit.Entry(
            record_id=e["record_id"],
            kind=e["kind"],
            points=e["points"],
            occurred_on=_date(e["occurred_on"]),
            recorded_on=_date(e["recorded_on"]),
            expires_on=_date(e["expires_on"]),
            ends_on=_date(e["ends_on"]),
        )
        for e in ex["entries"]
    ]


def _params(ex: dict) -> credit.Params:
    p = ex["params"]
    return credit.Params(base=p["base"], floor=p["floor"], cap=p["cap"], decay=p["decay"])


@pytest.mark.parametrize("ex", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_score(ex):
    on, exp = _date(ex["on"]), ex["expected"]
    assert credit.score(_entries(ex), on, _params(ex)) == (
        exp["score"],
        exp["good"],
        exp["bad"],
        exp["count"],
    )
    assert str(credit.from_centi(exp["score"])) == exp["score_points"]


@pytest.mark.parametrize("ex", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_explain_traces_each_contribution(ex):
    on, exp = _date(ex["on"]), ex["expected"]
    breakdown = credit.explain(_entries(ex), on, _params(ex))
    lines = {e.record_id: c for e, c in breakdown.lines}
    want = {e["record_id"]: e["contribution"] for e in ex["entries"] if e["contribution"]}
    assert lines == want
    assert (breakdown.total, breakdown.good, breakdown.bad, breakdown.clamp) == (
        exp["score"],
        exp["good"],
        exp["bad"],
        exp["clamp"],
    )
    for e, entry in zip(ex["entries"], _entries(ex), strict=True):
        assert credit.contribution(entry, on, ex["params"]["decay"]) == e["contribution"]


def test_daily_digest():
    d = VECTOR["digest"]
    assert credit.digest([tuple(s) for s in d["scores"]]) == d["sha256"]


def test_points_match_the_rule_data():
    """The 'rule' the worked examples cite is what the district rule data says today."""
    rules = {
        r["code"]: r["value"]
        for r in json.loads(
            (Path(credit.__file__).parents[1] / "rules" / "data" / "daxing.json").read_text("utf-8")
        )["rules"]
    }
    assert credit.to_centi(rules["credit.base_score"]) == 80000
    assert credit.to_centi(rules["credit.min_score"]) == 0
    assert credit.to_centi(rules["credit.max_score"]) == 100000
    for ex in EXAMPLES[:1] + EXAMPLES[2:]:
        for e in ex["entries"]:
            sign = credit.KINDS[e["kind"]].sign
            assert e["points"] == sign * credit.to_centi(rules[f"credit.points.{e['kind']}"])
