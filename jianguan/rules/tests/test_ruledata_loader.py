"""Tests of the rule data validator and loader (no database, no Django); the data files
themselves are tested in test_ruledata.py."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jianguan.rules.ruledata import (
    UNITS,
    RuleDataError,
    RuleSpec,
    convert_value,
    load_rule_file,
    load_rule_files,
    validate,
)

# --------------------------------------------------------------------------- validator


def make(**overrides) -> RuleSpec:
    fields = {
        "code": "bid_bond.ratio_max",
        "name": "投标保证金最高比例",
        "value": Decimal("0.02"),
        "unit": "ratio",
        "reference": "《中华人民共和国招标投标法实施条例》第二十六条",
        "effective_from": date(2019, 3, 2),
        "effective_to": None,
        "verified": True,
        "note": "",
        "region": "national",
        "source": "national.json",
    }
    fields.update(overrides)
    return RuleSpec(**fields)


def test_validate_accepts_a_good_rule():
    assert validate([make()]) == []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"unit": "fortnight"}, "unknown unit"),
        ({"code": "BidBond.Ratio"}, "bad code"),
        ({"code": "bid_bond"}, "bad code"),
        ({"code": "bid_bond..ratio"}, "bad code"),
        ({"name": "  "}, "empty name"),
        ({"reference": ""}, "empty reference"),
        ({"effective_to": date(2019, 3, 1)}, "is after effective_to"),
        ({"value": Decimal("1.5")}, "outside [0, 1]"),
        ({"value": {"min": Decimal("0.1"), "max": Decimal("2")}}, "outside [0, 1]"),
        ({"value": {"min": Decimal("0.5"), "max": Decimal("0.1")}}, "greater than max"),
        ({"value": 0.02}, "JSON float"),
        ({"value": "two percent"}, "not a decimal string"),
        ({"region": "beijing"}, "does not match file"),
        ({"region": "shanghai", "source": "shanghai.json"}, "unknown region"),
        ({"unit": "day", "value": "5"}, "must be an integer"),
        ({"unit": "day", "value": True}, "must be an integer"),
        ({"unit": "day", "value": -1}, "negative"),
        ({"unit": "bool", "value": 1}, "not true/false"),
        ({"unit": "text", "value": ""}, "non-empty string"),
        ({"unit": "time_range", "value": {"start": "22:00"}}, "start and end"),
        ({"unit": "time_range", "value": {"start": "24:00", "end": "06:00"}}, "not HH:MM"),
        ({"unit": "year", "value": {"min": 1, "upto": 3}}, "exactly the keys"),
    ],
)
def test_validate_reports_problem(overrides, fragment):
    problems = validate([make(**overrides)])
    assert any(fragment in p for p in problems), problems


def test_validate_reports_overlapping_periods_for_same_code_and_region():
    old = make(effective_from=date(2012, 2, 1), effective_to=date(2019, 3, 2))
    new = make(effective_from=date(2019, 3, 2))
    problems = validate([old, new])
    assert len(problems) == 1
    assert "overlap" in problems[0]


def test_validate_accepts_consecutive_versions_and_other_regions():
    old = make(effective_from=date(2012, 2, 1), effective_to=date(2019, 3, 1))
    new = make(effective_from=date(2019, 3, 2))
    beijing = make(region="beijing", source="beijing.json")
    assert validate([old, new, beijing]) == []
    assert old.is_effective_on(date(2019, 3, 1))
    assert not old.is_effective_on(date(2019, 3, 2))
    assert new.is_effective_on(date(2019, 3, 2))


def test_validate_reports_open_ended_period_followed_by_another():
    problems = validate([make(), make(effective_from=date(2024, 1, 1))])
    assert any("overlap" in p for p in problems)


def test_units_cover_the_documented_list():
    documented = {
        "day",
        "working_day",
        "month",
        "year",
        "hour",
        "ratio",
        "count",
        "db_a",
        "ug_m3",
        "time_range",
        "points",
        "yuan",
        "bool",
        "text",
        "season",
    }
    assert documented <= UNITS


# --------------------------------------------------------------------------- loader


def write(path: Path, document) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def raw_rule(**overrides):
    data = {
        "code": "noise.night_limit",
        "name": "夜间噪声限值",
        "value": "55",
        "unit": "db_a",
        "reference": "《建筑施工场界环境噪声排放标准》（GB 12523-2011）",
        "effective_from": "2012-07-01",
        "effective_to": None,
        "verified": True,
    }
    data.update(overrides)
    return data


def test_loader_converts_decimal_strings_and_ranges(tmp_path):
    write(
        tmp_path / "national.json",
        {
            "region": "national",
            "rules": [
                raw_rule(),
                raw_rule(code="fine.ratio", unit="ratio", value={"min": "0.005", "max": "0.01"}),
                raw_rule(code="share.min", unit="ratio", value="2/3"),
                raw_rule(code="period.days", unit="day", value=5, note="说明"),
            ],
        },
    )
    specs = load_rule_files(tmp_path)
    values = {s.code: s.value for s in specs}
    assert values["noise.night_limit"] == Decimal("55")
    assert values["fine.ratio"] == {"min": Decimal("0.005"), "max": Decimal("0.01")}
    assert values["share.min"] == Fraction(2, 3)
    assert values["period.days"] == 5
    assert {s.note for s in specs} == {"", "说明"}
    assert validate(specs) == []


def test_convert_value_is_the_single_conversion_for_database_values():
    assert convert_value("0.02", "ratio") == Decimal("0.02")
    assert convert_value("2/3", "ratio") == Fraction(2, 3)
    assert convert_value({"min": "1", "max": "3"}, "yuan") == {"min": 1, "max": 3}
    assert convert_value("22:00", "text") == "22:00"
    assert convert_value(5, "day") == 5
    assert convert_value(True, "bool") is True


def test_loader_reports_region_mismatch_between_header_and_file_name(tmp_path):
    write(tmp_path / "beijing.json", {"region": "national", "rules": [raw_rule()]})
    problems = validate(load_rule_files(tmp_path))
    assert any("does not match file" in p for p in problems)


def test_loader_reports_unknown_region_file(tmp_path):
    write(tmp_path / "shanghai.json", {"region": "shanghai", "rules": [raw_rule()]})
    problems = validate(load_rule_files(tmp_path))
    assert any("unknown region" in p for p in problems)


def test_loader_rejects_float_values_via_validate(tmp_path):
    path = write(
        tmp_path / "national.json",
        {"region": "national", "rules": [raw_rule(unit="ratio", value=0.02)]},
    )
    problems = validate(load_rule_file(path))
    assert any("JSON float" in p for p in problems)


@pytest.mark.parametrize(
    ("rule_overrides", "fragment"),
    [
        ({"effective_from": None}, "effective_from"),
        ({"effective_from": "2012-13-01"}, "not an ISO date"),
        ({"verified": "yes"}, "verified"),
        ({"efective_to": None}, "unknown keys"),
    ],
)
def test_loader_raises_on_structural_errors(tmp_path, rule_overrides, fragment):
    path = write(
        tmp_path / "national.json",
        {"region": "national", "rules": [raw_rule(**rule_overrides)]},
    )
    with pytest.raises(RuleDataError, match=fragment):
        load_rule_file(path)


def test_loader_raises_on_missing_key_and_bad_json(tmp_path):
    data = raw_rule()
    del data["reference"]
    path = write(tmp_path / "national.json", {"region": "national", "rules": [data]})
    with pytest.raises(RuleDataError, match="missing keys: reference"):
        load_rule_file(path)
    broken = tmp_path / "beijing.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(RuleDataError, match="cannot read"):
        load_rule_file(broken)


def test_loader_raises_on_missing_directory(tmp_path):
    with pytest.raises(RuleDataError, match="not found"):
        load_rule_files(tmp_path / "nowhere")
