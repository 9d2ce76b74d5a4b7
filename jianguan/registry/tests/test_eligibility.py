"""Pure eligibility: every criterion passes and fails, and every reason is reported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.registry import eligibility as e

ON = dt.date(2026, 6, 1)
PAST = dt.date(2024, 1, 1)
FUTURE = dt.date(2028, 1, 1)

ALL = {
    "qualification": {"category": "建筑工程施工总承包", "min_grade": "二级"},
    "safety_licence": True,
    "registered_constructor": {"min_grade": "一级", "specialty": "建筑工程"},
    "min_credit_score": "80",
    "no_sanctions": True,
    "similar_projects": {"min_count": 2, "min_value": "1000000"},
}


def good(**over) -> e.OrganisationFacts:
    base = dict(
        name="甲公司",
        qualifications=(e.QualificationFact("建筑工程施工总承包", "一级", PAST, FUTURE),),
        licences=(e.LicenceFact("安许001", PAST, FUTURE),),
        persons=(e.PersonFact("王建华", "constructor", "一级", "建筑工程", FUTURE, 0),),
        experience=(
            e.ExperienceFact("一小", Decimal("2000000"), "building"),
            e.ExperienceFact("二小", Decimal("3000000"), "building"),
        ),
        credit_score=Decimal("90"),
        sanctions=(),
    )
    base.update(over)
    return e.OrganisationFacts(**base)


def run(facts, criteria=ALL):
    return e.evaluate(facts, e.parse_criteria(criteria), ON)


def reason(result, criterion):
    (found,) = [r for r in result.reasons if r.criterion == criterion]
    return found


def test_all_pass_and_every_criterion_reported():
    result = run(good())
    assert result.passed
    assert [r.criterion for r in result.reasons] == [
        "qualification",
        "safety_licence",
        "registered_constructor",
        "credit_score",
        "sanctions",
        "similar_projects",
    ]
    assert all(r.passed and r.message_zh for r in result.reasons)


def test_all_fail_and_every_failure_is_listed():
    facts = e.OrganisationFacts(name="空壳公司")
    result = run(facts)
    assert not result.passed
    assert len(result.reasons) == 6 and not any(r.passed for r in result.reasons)
    assert "无法核验" in reason(result, "credit_score").message_zh
    assert "无法核验" in reason(result, "sanctions").message_zh


@pytest.mark.parametrize(
    "quals, text",
    [
        ((), "未取得建筑工程施工总承包资质"),
        ((e.QualificationFact("建筑工程施工总承包", "三级", PAST, FUTURE),), "低于要求"),
        ((e.QualificationFact("建筑工程施工总承包", "特级", PAST, dt.date(2026, 5, 31)),), "过期"),
        ((e.QualificationFact("市政公用工程施工总承包", "一级", PAST, FUTURE),), "未取得"),
    ],
)
def test_qualification_fails(quals, text):
    r = reason(run(good(qualifications=quals)), "qualification")
    assert not r.passed and text in r.message_zh


def test_qualification_grade_order():
    assert e.grade_at_least("特级", "一级", e.QUALIFICATION_GRADES)
    assert e.grade_at_least("二级", "二级", e.QUALIFICATION_GRADES)
    assert not e.grade_at_least("三级", "二级", e.QUALIFICATION_GRADES)


def test_licence_expired_and_missing():
    expired = good(licences=(e.LicenceFact("安许001", PAST, dt.date(2026, 5, 1)),))
    r = reason(run(expired), "safety_licence")
    assert not r.passed and "过期" in r.message_zh and "安全生产许可证条例" in r.message_zh
    r = reason(run(good(licences=())), "safety_licence")
    assert not r.passed and "未取得" in r.message_zh


def test_constructor_grade_specialty_expiry_and_busy():
    second = (e.PersonFact("李", "constructor", "二级", "建筑工程", FUTURE, 0),)
    assert not reason(run(good(persons=second)), "registered_constructor").passed
    other = (e.PersonFact("李", "constructor", "一级", "市政公用工程", FUTURE, 0),)
    assert not reason(run(good(persons=other)), "registered_constructor").passed
    expired = (e.PersonFact("李", "constructor", "一级", "建筑工程", PAST, 0),)
    r = reason(run(good(persons=expired)), "registered_constructor")
    assert not r.passed and "过期" in r.message_zh
    busy = (e.PersonFact("李", "constructor", "一级", "建筑工程", FUTURE, 1),)
    r = reason(run(good(persons=busy)), "registered_constructor")
    assert not r.passed and "第二十一条" in r.message_zh
    safety = (e.PersonFact("李", "safety_officer", "", "", FUTURE, 0),)
    assert not reason(run(good(persons=safety)), "registered_constructor").passed


def test_credit_score():
    assert not reason(run(good(credit_score=Decimal("79.9"))), "credit_score").passed
    assert reason(run(good(credit_score=Decimal("80"))), "credit_score").passed
    assert not reason(run(good(credit_score=None)), "credit_score").passed


def test_sanctions():
    r = reason(run(good(sanctions=("红牌（至 2026-12-31）",))), "sanctions")
    assert not r.passed and "红牌" in r.message_zh
    assert not reason(run(good(sanctions=None)), "sanctions").passed


def test_similar_projects_count_value_and_type():
    few = good(experience=(e.ExperienceFact("一小", Decimal("2000000")),))
    r = reason(run(few), "similar_projects")
    assert not r.passed and "仅 1 项" in r.message_zh
    small = good(
        experience=(
            e.ExperienceFact("一小", Decimal("999999")),
            e.ExperienceFact("二小", Decimal("2000000")),
        )
    )
    assert not reason(run(small), "similar_projects").passed
    typed = {"similar_projects": {"min_count": 2, "project_type": "road"}}
    assert not run(good(), typed).passed
    assert run(good(), {"similar_projects": {"min_count": 2, "project_type": "building"}}).passed


def test_empty_criteria_pass():
    assert run(good(), {}).passed


@pytest.mark.parametrize(
    "criteria",
    [
        {"region": "大兴区"},
        {
            "qualification": {
                "category": "建筑工程施工总承包",
                "min_grade": "二级",
                "locality": "北京",
            }
        },
        {"local_awards": ["长城杯"]},
        {"ownership": "国有企业"},
        {"brand": "某品牌"},
        {"similar_projects": {"min_count": 1, "project_type": "本市业绩"}},
    ],
)
def test_unlawful_criteria_refused_with_articles(criteria):
    with pytest.raises(e.CriteriaError) as caught:
        e.parse_criteria(criteria)
    assert caught.value.unlawful
    assert "第三十二条" in str(caught.value) and "北京市招标投标条例》第二十条" in str(caught.value)


@pytest.mark.parametrize(
    "criteria, text",
    [
        ([], "JSON 对象"),
        ({"qualification": {"category": "x", "min_grade": "四级"}}, "资质最低等级"),
        ({"min_credit_score": "abc"}, "最低信用评分"),
        ({"similar_projects": {"min_count": 0}}, "1–100"),
        ({"foo": 1}, "未知的准入条件"),
        ({"safety_licence": "yes"}, "true 或 false"),
    ],
)
def test_invalid_criteria(criteria, text):
    with pytest.raises(e.CriteriaError) as caught:
        e.parse_criteria(criteria)
    assert not caught.value.unlawful and text in str(caught.value)


def test_parse_round_trip():
    parsed = e.parse_criteria(ALL)
    assert e.parse_criteria(parsed.as_json()) == parsed


def test_module_is_pure():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(e.__file__).read_text(encoding="utf-8"))
    names = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert "django" not in names and "jianguan" not in names
