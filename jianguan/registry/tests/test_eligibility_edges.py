"""Exact edges of the access-standard check (issue 14 part 3: mutation testing). No database.

What an officer and a bidder read is the reason of each criterion, so each is checked word for
word: passed and failed, on the first and the last valid day of a certificate and one day
outside, grades at the minimum and one below, amounts at the minimum and one fen below; and
every refusal of a malformed or unlawful standard (条例 32) with its exact message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.registry import eligibility as e

ON = dt.date(2026, 6, 1)
DAY = dt.timedelta(days=1)
FROM = dt.date(2024, 1, 1)
TO = dt.date(2028, 1, 1)
Q = "建筑工程施工总承包"


def facts(**over) -> e.OrganisationFacts:
    return e.OrganisationFacts(**{"name": "甲公司", **over})


def only(criteria: dict, f: e.OrganisationFacts, on: dt.date = ON) -> e.Reason:
    result = e.evaluate(f, e.parse_criteria(criteria), on)
    (r,) = result.reasons
    assert result.passed is r.passed
    return r


def refused(raw) -> e.CriteriaError:
    with pytest.raises(e.CriteriaError) as err:
        e.parse_criteria(raw)
    return err.value


# --- qualification ---------------------------------------------------------------------------

QUAL = {"qualification": {"category": Q, "min_grade": "二级"}}


def _q(*quals):
    return facts(qualifications=tuple(e.QualificationFact(*q) for q in quals))


def test_qualification_valid_on_its_first_and_last_day():
    for valid_from, valid_to in ((ON, TO), (FROM, ON)):
        r = only(QUAL, _q((Q, "二级", valid_from, valid_to)))
        assert r == e.Reason(
            "qualification",
            True,
            f"具备{Q}二级资质（有效期至 {valid_to.isoformat()}），满足{Q}二级及以上",
        )


def test_the_best_current_grade_is_named():
    r = only(QUAL, _q((Q, "一级", FROM, TO), (Q, "特级", FROM, TO), (Q, "二级", FROM, TO)))
    assert r.message_zh == f"具备{Q}特级资质（有效期至 2028-01-01），满足{Q}二级及以上"


def test_no_qualification_of_the_category():
    r = only(QUAL, _q(("市政公用工程施工总承包", "特级", FROM, TO)))
    assert r == e.Reason("qualification", False, f"未取得{Q}资质，要求{Q}二级及以上")


def test_a_qualification_a_day_expired_or_a_day_early_names_the_latest():
    r = only(QUAL, _q((Q, "一级", FROM, ON - DAY), (Q, "二级", FROM, ON - 2 * DAY)))
    assert r == e.Reason(
        "qualification",
        False,
        f"{Q}一级资质已于 {(ON - DAY).isoformat()} 过期或尚未生效，要求{Q}二级及以上",
    )
    r = only(QUAL, _q((Q, "一级", ON + DAY, TO)))
    assert r.message_zh == f"{Q}一级资质已于 2028-01-01 过期或尚未生效，要求{Q}二级及以上"


def test_a_current_grade_below_the_minimum_names_the_best_current_one():
    r = only(QUAL, _q((Q, "三级", FROM, TO), (Q, "特级", FROM, ON - DAY)))
    assert r == e.Reason("qualification", False, f"{Q}资质等级为三级，低于要求的{Q}二级及以上")
    r = only(
        {"qualification": {"category": Q, "min_grade": "一级"}},
        _q((Q, "三级", FROM, TO), (Q, "二级", FROM, TO)),
    )
    assert r.message_zh == f"{Q}资质等级为二级，低于要求的{Q}一级及以上"


def test_grade_at_least():
    g = e.QUALIFICATION_GRADES
    assert e.grade_at_least("二级", "二级", g)
    assert e.grade_at_least("一级", "二级", g)
    assert not e.grade_at_least("三级", "二级", g)
    assert not e.grade_at_least("五级", "二级", g)
    assert not e.grade_at_least("二级", "五级", g)


# --- safety licence --------------------------------------------------------------------------

LIC = {"safety_licence": True}


def test_a_licence_valid_on_its_first_and_last_day_the_latest_named():
    for valid_from, valid_to in ((ON, TO), (FROM, ON)):
        r = only(LIC, facts(licences=(e.LicenceFact("安许001", valid_from, valid_to),)))
        assert r == e.Reason(
            "safety_licence", True, f"安全生产许可证 安许001 有效（至 {valid_to.isoformat()}）"
        )
    lic = (e.LicenceFact("旧", FROM, TO - DAY), e.LicenceFact("新", FROM, TO))
    assert only(LIC, facts(licences=lic)).message_zh == "安全生产许可证 新 有效（至 2028-01-01）"


def test_an_expired_licence_names_the_latest():
    lic = (e.LicenceFact("新", FROM, ON - DAY), e.LicenceFact("旧", FROM, ON - 2 * DAY))
    assert only(LIC, facts(licences=lic)) == e.Reason(
        "safety_licence",
        False,
        "安全生产许可证 新 已于 2026-05-31 过期或尚未生效（《安全生产许可证条例》第二条）",
    )
    lic = (e.LicenceFact("早", ON + DAY, TO),)
    assert only(LIC, facts(licences=lic)).passed is False


def test_no_licence():
    assert only(LIC, facts()) == e.Reason(
        "safety_licence", False, "未取得安全生产许可证（《安全生产许可证条例》第二条）"
    )


# --- registered constructor ------------------------------------------------------------------

CON = {"registered_constructor": {"min_grade": "二级", "specialty": "建筑工程"}}


def _p(name="王建华", kind="constructor", grade="二级", spec="建筑工程", to=TO, active=0):
    return e.PersonFact(name, kind, grade, spec, to, active)


def test_a_free_constructor_valid_to_the_day():
    r = only(CON, facts(persons=(_p(to=ON), _p(name="李四", grade="一级"))))
    assert r == e.Reason(
        "registered_constructor",
        True,
        "有 2 名符合要求且未在其他在建项目任职的二级及以上注册建造师（建筑工程专业）（如 王建华）",
    )


def test_no_matching_constructor():
    persons = (
        _p(kind="architect"),
        _p(grade="三级"),
        _p(spec="市政工程"),
    )
    assert only(CON, facts(persons=persons)) == e.Reason(
        "registered_constructor", False, "本单位没有二级及以上注册建造师（建筑工程专业）"
    )
    any_spec = {"registered_constructor": {"min_grade": "一级"}}
    assert only(any_spec, facts(persons=(_p(spec="市政工程"),))).message_zh == (
        "本单位没有一级及以上注册建造师"
    )
    assert only(any_spec, facts(persons=(_p(grade="一级", spec="市政工程"),))).passed


def test_every_matching_certificate_expired():
    assert only(CON, facts(persons=(_p(to=ON - DAY),))) == e.Reason(
        "registered_constructor",
        False,
        "本单位二级及以上注册建造师（建筑工程专业）的注册证书均已过期，"
        "要求二级及以上注册建造师（建筑工程专业）",
    )


def test_every_valid_constructor_busy_names_the_first_five():
    persons = tuple(_p(name=f"人{i}", active=1) for i in range(6))
    assert only(CON, facts(persons=persons)) == e.Reason(
        "registered_constructor",
        False,
        "本单位二级及以上注册建造师（建筑工程专业）（人0、人1、人2、人3、人4）"
        "均已在在建项目担任项目负责人，不得同时担任（《注册建造师管理规定》第二十一条）",
    )
    # below the district's limit of active projects a lead is still free
    busy = facts(persons=(_p(active=1),), max_active_projects=2)
    assert only(CON, busy).passed


# --- credit score, sanctions -----------------------------------------------------------------

SCORE = {"min_credit_score": "80"}


def test_credit_score_at_the_minimum_and_one_hundredth_below():
    assert only(SCORE, facts(credit_score=Decimal("80"))) == e.Reason(
        "credit_score", True, "信用评分 80，不低于要求的 80"
    )
    assert only(SCORE, facts(credit_score=Decimal("79.99"))) == e.Reason(
        "credit_score", False, "信用评分 79.99，低于要求的 80"
    )
    assert only(SCORE, facts(credit_score=None)) == e.Reason(
        "credit_score", False, "信用评分无法核验（要求不低于 80），按不合格处理"
    )


def test_sanctions():
    crit = {"no_sanctions": True}
    assert only(crit, facts(sanctions=None)) == e.Reason(
        "sanctions", False, "红牌、黑名单及政府采购禁入记录无法核验，按不合格处理"
    )
    assert only(crit, facts(sanctions=("红牌", "黑名单"))) == e.Reason(
        "sanctions", False, "存在有效的不良记录：红牌；黑名单"
    )
    assert only(crit, facts(sanctions=())) == e.Reason(
        "sanctions", True, "无有效的红牌、黑名单或政府采购禁入记录"
    )


# --- similar projects ------------------------------------------------------------------------


def _x(*items):
    return facts(experience=tuple(e.ExperienceFact(*i) for i in items))


def test_similar_projects_at_the_minimum_value_and_count():
    crit = {"similar_projects": {"min_count": 2, "min_value": "100", "project_type": "building"}}
    f = _x(("一", Decimal("100"), "building"), ("二", Decimal("100.00"), "building"))
    assert only(crit, f) == e.Reason(
        "similar_projects",
        True,
        "符合条件的类似工程业绩 2 项，满足building类类似工程业绩不少于 2 项、单项金额不低于 100.00 元",
    )
    f = _x(
        ("一", Decimal("100"), "building"),
        ("二", Decimal("99.99"), "building"),
        ("三", Decimal("500"), "road"),
    )
    assert only(crit, f) == e.Reason(
        "similar_projects",
        False,
        "符合条件的类似工程业绩仅 1 项，要求building类类似工程业绩不少于 2 项、单项金额不低于 100.00 元",
    )


def test_similar_projects_without_value_or_type():
    crit = {"similar_projects": {"min_count": 1}}
    assert only(crit, _x(("一", Decimal("0"), "road"))) == e.Reason(
        "similar_projects", True, "符合条件的类似工程业绩 1 项，满足类似工程业绩不少于 1 项"
    )
    assert (
        only(crit, _x()).message_zh == "符合条件的类似工程业绩仅 0 项，要求类似工程业绩不少于 1 项"
    )


# --- the whole result ------------------------------------------------------------------------


def test_one_failed_criterion_fails_the_whole():
    crit = e.parse_criteria({"no_sanctions": True, "min_credit_score": "80"})
    result = e.evaluate(facts(sanctions=(), credit_score=Decimal("79")), crit, ON)
    assert result.passed is False
    assert result.as_dict() == {
        "passed": False,
        "reasons": [
            {
                "criterion": "credit_score",
                "passed": False,
                "message_zh": "信用评分 79，低于要求的 80",
            },
            {
                "criterion": "sanctions",
                "passed": True,
                "message_zh": "无有效的红牌、黑名单或政府采购禁入记录",
            },
        ],
    }
    assert e.evaluate(facts(), e.Criteria(), ON) == e.Result(True, [])


# --- parsing ---------------------------------------------------------------------------------


def test_the_parsed_criteria_and_their_json():
    crit = e.parse_criteria(
        {
            "qualification": {"category": f" {Q} ", "min_grade": "特级"},
            "safety_licence": True,
            "registered_constructor": {"min_grade": "一级"},
            "min_credit_score": " 80.5 ",
            "no_sanctions": True,
            "similar_projects": {"min_count": 100, "min_value": 5, "project_type": "building"},
        }
    )
    assert crit == e.Criteria(
        qualification=e.QualificationReq(Q, "特级"),
        safety_licence=True,
        registered_constructor=e.ConstructorReq("一级", ""),
        min_credit_score=Decimal("80.5"),
        no_sanctions=True,
        similar_projects=e.ExperienceReq(100, Decimal("5.00"), "building"),
    )
    assert crit.as_json() == {
        "qualification": {"category": Q, "min_grade": "特级"},
        "safety_licence": True,
        "registered_constructor": {"min_grade": "一级", "specialty": ""},
        "min_credit_score": "80.5",
        "no_sanctions": True,
        "similar_projects": {"min_count": 100, "min_value": "5.00", "project_type": "building"},
    }
    assert e.parse_criteria({}).as_json() == {}
    assert e.parse_criteria({"min_credit_score": 0}).as_json() == {"min_credit_score": "0"}
    defaults = e.parse_criteria({"similar_projects": {"min_count": 1}}).similar_projects
    assert defaults == e.ExperienceReq(1, Decimal("0.00"), "")
    assert str(defaults.min_value) == "0.00"


@pytest.mark.parametrize(
    ("raw", "messages"),
    [
        ([], ["准入条件必须是 JSON 对象"]),
        ({"foo": 1, "bar": 2}, ["未知的准入条件：foo、bar"]),
        ({"qualification": "二级"}, ["资质条件必须是对象"]),
        ({"qualification": {"min_grade": "二级"}}, ["请填写资质类别"]),
        (
            {"qualification": {"category": Q, "min_grade": "四级"}},
            ["资质最低等级须为 特级、一级、二级、三级 之一"],
        ),
        ({"qualification": {"category": "x" * 101, "min_grade": "二级"}},
         ["资质类别必须是不超过 100 个字符的文字"]),
        ({"safety_licence": 1}, ["安全生产许可证条件必须是 true 或 false"]),
        ({"registered_constructor": []}, ["注册建造师条件必须是对象"]),
        ({"registered_constructor": {"min_grade": "三级"}}, ["注册建造师最低等级须为 一级、二级 之一"]),
        ({"registered_constructor": {"min_grade": "一级", "specialty": 5}},
         ["建造师专业必须是不超过 100 个字符的文字"]),
        ({"min_credit_score": "abc"}, ["最低信用评分必须是数字"]),
        ({"min_credit_score": True}, ["最低信用评分必须是数字"]),
        ({"min_credit_score": 80.5}, ["最低信用评分必须是数字"]),
        ({"min_credit_score": "-0.01"}, ["最低信用评分不能为负数"]),
        ({"min_credit_score": "Infinity"}, ["最低信用评分不能为负数"]),
        ({"no_sanctions": "yes"}, ["不良记录条件必须是 true 或 false"]),
        ({"similar_projects": 2}, ["类似工程业绩条件必须是对象"]),
        ({"similar_projects": {"min_count": 0}}, ["类似工程业绩数量须为 1–100 的整数"]),
        ({"similar_projects": {"min_count": 101}}, ["类似工程业绩数量须为 1–100 的整数"]),
        ({"similar_projects": {"min_count": True}}, ["类似工程业绩数量须为 1–100 的整数"]),
        ({"similar_projects": {"min_count": "2"}}, ["类似工程业绩数量须为 1–100 的整数"]),
        ({"similar_projects": {"min_count": 1, "min_value": "-1"}}, ["类似工程单项合同额不能为负数"]),
        ({"similar_projects": {"min_count": 1, "project_type": "x" * 41}},
         ["工程类型必须是不超过 40 个字符的文字"]),
        (
            {"foo": 1, "safety_licence": 1, "no_sanctions": 0},
            ["未知的准入条件：foo", "安全生产许可证条件必须是 true 或 false",
             "不良记录条件必须是 true 或 false"],
        ),
    ],
)  # fmt: skip
def test_every_malformed_criterion_is_refused_with_its_message(raw, messages):
    err = refused(raw)
    assert err.messages == messages
    assert str(err) == "；".join(messages)
    assert err.unlawful is False


def test_text_limits_are_inclusive():
    crit = e.parse_criteria(
        {
            "qualification": {"category": "x" * 100, "min_grade": "二级"},
            "similar_projects": {"min_count": 1, "project_type": "y" * 40},
        }
    )
    assert crit.qualification.category == "x" * 100
    assert crit.similar_projects.project_type == "y" * 40


def test_an_unlawful_key_or_word_is_refused_naming_where_it_is():
    err = refused({"qualification": {"category": Q, "min_grade": "二级", "Region": "大兴"}})
    assert err.unlawful is True
    problems = ["“qualification.Region”：限定投标人所在地区"]
    assert err.messages == [e.unlawful_message(problems)]
    assert str(err) == (
        "准入条件含有不合理限制，违反《中华人民共和国招标投标法实施条例》第三十二条、"
        "《北京市招标投标条例》第二十条（不得以特定行政区域或者特定行业的业绩、奖项作为加分条件"
        "或者中标条件，不得限定或者指定特定的专利、商标、品牌、原产地或者供应商，不得限定投标人的"
        "所有制形式或者组织形式）：“qualification.Region”：限定投标人所在地区"
    )
    text = "要求具有本市" + "长" * 50
    err = refused({"similar_projects": {"min_count": 1, "project_type": [text, "国有"]}})
    assert err.messages == [
        e.unlawful_message([f"“{text[:40]}”：限定本市企业或本市业绩", "“国有”：限定所有制形式"])
    ]
    assert refused({"a": {"b": {"brand": 1}}}).messages == [
        e.unlawful_message(["“a.b.brand”：限定或者指定特定品牌"])
    ]


def test_an_empty_standard_is_the_empty_criteria():
    assert e.parse_criteria({}) == e.Criteria()
    assert e.parse_criteria({"safety_licence": True}) == e.Criteria(safety_licence=True)


def test_an_empty_category_is_missing():
    assert refused({"qualification": {"category": "", "min_grade": "二级"}}).messages == [
        "请填写资质类别"
    ]


def test_unlawful_keys_inside_a_list_and_several_problems_are_all_named():
    err = refused({"a": [{"brand": 1}, {"Origin": "x"}]})
    assert str(err).endswith("：“a.brand”：限定或者指定特定品牌；“a.Origin”：限定或者指定原产地")
