"""Access standards (准入标准): criteria parsing and eligibility evaluation. PURE: no Django.

`parse_criteria(raw)` validates the JSON of an access standard and refuses unlawful criteria
(《招标投标法实施条例》第三十二条；《北京市招标投标条例》第二十条). `evaluate(facts, criteria, on)`
checks one organisation against it and reports **every** criterion, passed or not.

Criteria JSON (every key optional)::

    {
      "qualification": {"category": "建筑工程施工总承包", "min_grade": "二级"},
      "safety_licence": true,
      "registered_constructor": {"min_grade": "一级", "specialty": "建筑工程"},
      "min_credit_score": "80",
      "no_sanctions": true,
      "similar_projects": {"min_count": 2, "min_value": "10000000.00", "project_type": "building"}
    }

Unknowable facts (no credit-score or sanction provider registered) are ``None`` and the
criterion fails closed with "无法核验".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# Qualification grades, highest first (资质等级).
QUALIFICATION_GRADES = ("特级", "一级", "二级", "三级")
# Registered-person grades, highest first.
PERSON_GRADES = ("一级", "二级")
CONSTRUCTOR = "constructor"  # certificate kind code of 注册建造师

UNLAWFUL_ARTICLES = "《中华人民共和国招标投标法实施条例》第三十二条、《北京市招标投标条例》第二十条"
# Keys that can only express a restriction the law forbids.
UNLAWFUL_KEYS = {
    "region": "限定投标人所在地区",
    "locality": "限定投标人所在地区",
    "local": "限定本地企业",
    "registered_in": "限定注册地",
    "office_in": "要求在本地设立分支机构",
    "local_awards": "以本地奖项作为条件",
    "awards": "以特定行政区域或行业的奖项作为条件",
    "regional_experience": "以特定行政区域的业绩作为条件",
    "ownership": "限定所有制形式",
    "ownership_type": "限定所有制形式",
    "organisation_form": "限定组织形式",
    "brand": "限定或者指定特定品牌",
    "brands": "限定或者指定特定品牌",
    "supplier": "限定或者指定特定供应商",
    "patent": "限定或者指定特定专利、商标",
    "trademark": "限定或者指定特定专利、商标",
    "origin": "限定或者指定原产地",
}
# Words in free-text values that reveal the same restrictions.
UNLAWFUL_WORDS = {
    "本地": "限定本地企业或本地业绩",
    "本市": "限定本市企业或本市业绩",
    "本区": "限定本区企业或本区业绩",
    "注册地": "限定注册地",
    "国有": "限定所有制形式",
    "民营": "限定所有制形式",
    "所有制": "限定所有制形式",
    "品牌": "限定或者指定特定品牌",
    "奖项": "以特定行政区域或行业的奖项作为条件",
    "长城杯": "以本地奖项作为条件",
}
KNOWN_KEYS = (
    "qualification",
    "safety_licence",
    "registered_constructor",
    "min_credit_score",
    "no_sanctions",
    "similar_projects",
)
CRITERION_LABELS = {
    "qualification": "企业资质",
    "safety_licence": "安全生产许可证",
    "registered_constructor": "注册建造师",
    "credit_score": "信用评分",
    "sanctions": "不良记录（红牌、黑名单、政府采购禁入）",
    "similar_projects": "类似工程业绩",
}


class CriteriaError(ValueError):
    """Invalid criteria; `messages` lists every problem in Chinese; `unlawful` marks 条例 32."""

    def __init__(self, messages: list[str], *, unlawful: bool = False):
        super().__init__("；".join(messages))
        self.messages = messages
        self.unlawful = unlawful


@dataclass(frozen=True)
class QualificationReq:
    category: str
    min_grade: str


@dataclass(frozen=True)
class ConstructorReq:
    min_grade: str
    specialty: str = ""


@dataclass(frozen=True)
class ExperienceReq:
    min_count: int
    min_value: Decimal = Decimal("0")
    project_type: str = ""


@dataclass(frozen=True)
class Criteria:
    qualification: QualificationReq | None = None
    safety_licence: bool = False
    registered_constructor: ConstructorReq | None = None
    min_credit_score: Decimal | None = None
    no_sanctions: bool = False
    similar_projects: ExperienceReq | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.qualification:
            out["qualification"] = {
                "category": self.qualification.category,
                "min_grade": self.qualification.min_grade,
            }
        if self.safety_licence:
            out["safety_licence"] = True
        if self.registered_constructor:
            out["registered_constructor"] = {
                "min_grade": self.registered_constructor.min_grade,
                "specialty": self.registered_constructor.specialty,
            }
        if self.min_credit_score is not None:
            out["min_credit_score"] = str(self.min_credit_score)
        if self.no_sanctions:
            out["no_sanctions"] = True
        if self.similar_projects:
            out["similar_projects"] = {
                "min_count": self.similar_projects.min_count,
                "min_value": str(self.similar_projects.min_value),
                "project_type": self.similar_projects.project_type,
            }
        return out


# --- facts about one organisation ------------------------------------------------------------


@dataclass(frozen=True)
class QualificationFact:
    category: str
    grade: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class LicenceFact:
    number: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class PersonFact:
    name: str
    kind: str
    grade: str
    specialty: str
    valid_to: dt.date
    active_projects: int = 0


@dataclass(frozen=True)
class ExperienceFact:
    name: str
    value: Decimal
    project_type: str = ""


@dataclass(frozen=True)
class OrganisationFacts:
    name: str
    qualifications: tuple[QualificationFact, ...] = ()
    licences: tuple[LicenceFact, ...] = ()
    persons: tuple[PersonFact, ...] = ()
    experience: tuple[ExperienceFact, ...] = ()
    credit_score: Decimal | None = None  # None: unknown (no provider)
    sanctions: tuple[str, ...] | None = None  # None: unknown (no provider); () = none active
    max_active_projects: int = 1


@dataclass(frozen=True)
class Reason:
    criterion: str
    passed: bool
    message_zh: str


@dataclass(frozen=True)
class Result:
    passed: bool
    reasons: list[Reason] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "reasons": [
                {"criterion": r.criterion, "passed": r.passed, "message_zh": r.message_zh}
                for r in self.reasons
            ],
        }


# --- parsing ---------------------------------------------------------------------------------


def _scan_unlawful(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            key_s = str(key)
            if key_s.lower() in UNLAWFUL_KEYS:
                found.append(f"“{path}{key_s}”：{UNLAWFUL_KEYS[key_s.lower()]}")
            _scan_unlawful(item, f"{path}{key_s}.", found)
    elif isinstance(value, list):
        for item in value:
            _scan_unlawful(item, path, found)
    elif isinstance(value, str):
        for word, why in UNLAWFUL_WORDS.items():
            if word in value:
                found.append(f"“{value[:40]}”：{why}")


def unlawful_message(problems: list[str]) -> str:
    return (
        f"准入条件含有不合理限制，违反{UNLAWFUL_ARTICLES}（不得以特定行政区域或者特定行业的业绩、"
        "奖项作为加分条件或者中标条件，不得限定或者指定特定的专利、商标、品牌、原产地或者供应商，"
        "不得限定投标人的所有制形式或者组织形式）：" + "；".join(problems)
    )


def _decimal(value: Any, label: str, errors: list[str]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        errors.append(f"{label}必须是数字")
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.append(f"{label}必须是数字")
        return None
    if not number.is_finite() or number < 0:
        errors.append(f"{label}不能为负数")
        return None
    return number


def _text(value: Any, label: str, errors: list[str], *, required: bool, limit: int = 100) -> str:
    if value is None or value == "":
        if required:
            errors.append(f"请填写{label}")
        return ""
    if not isinstance(value, str) or len(value) > limit:
        errors.append(f"{label}必须是不超过 {limit} 个字符的文字")
        return ""
    return value.strip()


def parse_criteria(raw: Any) -> Criteria:
    """Validate criteria JSON; raises CriteriaError listing every problem in Chinese."""
    if not isinstance(raw, dict):
        raise CriteriaError(["准入条件必须是 JSON 对象"])
    unlawful: list[str] = []
    _scan_unlawful(raw, "", unlawful)
    if unlawful:
        raise CriteriaError([unlawful_message(unlawful)], unlawful=True)
    errors: list[str] = []
    unknown = [str(k) for k in raw if k not in KNOWN_KEYS]
    if unknown:
        errors.append("未知的准入条件：" + "、".join(unknown))
    qualification = constructor = experience = None
    score = None
    if raw.get("qualification") is not None:
        q = raw["qualification"]
        if not isinstance(q, dict):
            errors.append("资质条件必须是对象")
        else:
            category = _text(q.get("category"), "资质类别", errors, required=True)
            grade = q.get("min_grade")
            if grade not in QUALIFICATION_GRADES:
                errors.append("资质最低等级须为 " + "、".join(QUALIFICATION_GRADES) + " 之一")
            elif category:
                qualification = QualificationReq(category, grade)
    licence = raw.get("safety_licence", False)
    if not isinstance(licence, bool):
        errors.append("安全生产许可证条件必须是 true 或 false")
    if raw.get("registered_constructor") is not None:
        c = raw["registered_constructor"]
        if not isinstance(c, dict):
            errors.append("注册建造师条件必须是对象")
        else:
            specialty = _text(c.get("specialty"), "建造师专业", errors, required=False)
            grade = c.get("min_grade")
            if grade not in PERSON_GRADES:
                errors.append("注册建造师最低等级须为 " + "、".join(PERSON_GRADES) + " 之一")
            else:
                constructor = ConstructorReq(grade, specialty)
    if raw.get("min_credit_score") is not None:
        score = _decimal(raw["min_credit_score"], "最低信用评分", errors)
    sanctions = raw.get("no_sanctions", False)
    if not isinstance(sanctions, bool):
        errors.append("不良记录条件必须是 true 或 false")
    if raw.get("similar_projects") is not None:
        e = raw["similar_projects"]
        if not isinstance(e, dict):
            errors.append("类似工程业绩条件必须是对象")
        else:
            count = e.get("min_count")
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
                errors.append("类似工程业绩数量须为 1–100 的整数")
                count = None
            value = _decimal(e.get("min_value", "0"), "类似工程单项合同额", errors)
            ptype = _text(e.get("project_type"), "工程类型", errors, required=False, limit=40)
            if count is not None and value is not None:
                experience = ExperienceReq(count, value.quantize(Decimal("0.01")), ptype)
    if errors:
        raise CriteriaError(errors)
    return Criteria(
        qualification=qualification,
        safety_licence=bool(licence),
        registered_constructor=constructor,
        min_credit_score=score,
        no_sanctions=bool(sanctions),
        similar_projects=experience,
    )


# --- evaluation ------------------------------------------------------------------------------


def grade_at_least(grade: str, minimum: str, order: tuple[str, ...]) -> bool:
    if grade not in order or minimum not in order:
        return False
    return order.index(grade) <= order.index(minimum)


def _valid(valid_from: dt.date | None, valid_to: dt.date, on: dt.date) -> bool:
    return (valid_from is None or valid_from <= on) and on <= valid_to


def _check_qualification(f: OrganisationFacts, req: QualificationReq, on: dt.date) -> Reason:
    same = [q for q in f.qualifications if q.category == req.category]
    good = [
        q
        for q in same
        if _valid(q.valid_from, q.valid_to, on)
        and grade_at_least(q.grade, req.min_grade, QUALIFICATION_GRADES)
    ]
    need = f"{req.category}{req.min_grade}及以上"
    if good:
        best = min(good, key=lambda q: QUALIFICATION_GRADES.index(q.grade))
        return Reason(
            "qualification",
            True,
            f"具备{best.category}{best.grade}资质（有效期至 {best.valid_to.isoformat()}），满足{need}",
        )
    if not same:
        return Reason("qualification", False, f"未取得{req.category}资质，要求{need}")
    current = [q for q in same if _valid(q.valid_from, q.valid_to, on)]
    if not current:
        last = max(same, key=lambda q: q.valid_to)
        return Reason(
            "qualification",
            False,
            f"{req.category}{last.grade}资质已于 {last.valid_to.isoformat()} 过期或尚未生效，要求{need}",
        )
    best = min(current, key=lambda q: QUALIFICATION_GRADES.index(q.grade))
    return Reason("qualification", False, f"{req.category}资质等级为{best.grade}，低于要求的{need}")


def _check_licence(f: OrganisationFacts, on: dt.date) -> Reason:
    good = [x for x in f.licences if _valid(x.valid_from, x.valid_to, on)]
    if good:
        best = max(good, key=lambda x: x.valid_to)
        return Reason(
            "safety_licence",
            True,
            f"安全生产许可证 {best.number} 有效（至 {best.valid_to.isoformat()}）",
        )
    if f.licences:
        last = max(f.licences, key=lambda x: x.valid_to)
        return Reason(
            "safety_licence",
            False,
            f"安全生产许可证 {last.number} 已于 {last.valid_to.isoformat()} 过期或尚未生效"
            "（《安全生产许可证条例》第二条）",
        )
    return Reason("safety_licence", False, "未取得安全生产许可证（《安全生产许可证条例》第二条）")


def _check_constructor(f: OrganisationFacts, req: ConstructorReq, on: dt.date) -> Reason:
    spec = f"（{req.specialty}专业）" if req.specialty else ""
    need = f"{req.min_grade}及以上注册建造师{spec}"
    matching = [
        p
        for p in f.persons
        if p.kind == CONSTRUCTOR
        and grade_at_least(p.grade, req.min_grade, PERSON_GRADES)
        and (not req.specialty or p.specialty == req.specialty)
    ]
    if not matching:
        return Reason("registered_constructor", False, f"本单位没有{need}")
    valid = [p for p in matching if p.valid_to >= on]
    if not valid:
        return Reason(
            "registered_constructor", False, f"本单位{need}的注册证书均已过期，要求{need}"
        )
    free = [p for p in valid if p.active_projects < f.max_active_projects]
    if not free:
        names = "、".join(p.name for p in valid[:5])
        return Reason(
            "registered_constructor",
            False,
            f"本单位{need}（{names}）均已在在建项目担任项目负责人，不得同时担任"
            "（《注册建造师管理规定》第二十一条）",
        )
    return Reason(
        "registered_constructor",
        True,
        f"有 {len(free)} 名符合要求且未在其他在建项目任职的{need}（如 {free[0].name}）",
    )


def _check_score(f: OrganisationFacts, minimum: Decimal) -> Reason:
    if f.credit_score is None:
        return Reason(
            "credit_score", False, f"信用评分无法核验（要求不低于 {minimum}），按不合格处理"
        )
    if f.credit_score >= minimum:
        return Reason("credit_score", True, f"信用评分 {f.credit_score}，不低于要求的 {minimum}")
    return Reason("credit_score", False, f"信用评分 {f.credit_score}，低于要求的 {minimum}")


def _check_sanctions(f: OrganisationFacts) -> Reason:
    if f.sanctions is None:
        return Reason("sanctions", False, "红牌、黑名单及政府采购禁入记录无法核验，按不合格处理")
    if f.sanctions:
        return Reason("sanctions", False, "存在有效的不良记录：" + "；".join(f.sanctions))
    return Reason("sanctions", True, "无有效的红牌、黑名单或政府采购禁入记录")


def _check_experience(f: OrganisationFacts, req: ExperienceReq) -> Reason:
    kind = f"{req.project_type}类" if req.project_type else ""
    value = f"、单项金额不低于 {req.min_value} 元" if req.min_value else ""
    need = f"{kind}类似工程业绩不少于 {req.min_count} 项{value}"
    good = [
        e
        for e in f.experience
        if e.value >= req.min_value and (not req.project_type or e.project_type == req.project_type)
    ]
    if len(good) >= req.min_count:
        return Reason(
            "similar_projects", True, f"符合条件的类似工程业绩 {len(good)} 项，满足{need}"
        )
    return Reason("similar_projects", False, f"符合条件的类似工程业绩仅 {len(good)} 项，要求{need}")


def evaluate(facts: OrganisationFacts, criteria: Criteria, on: dt.date) -> Result:
    """Check every criterion; the organisation passes only if each one passes."""
    reasons: list[Reason] = []
    if criteria.qualification:
        reasons.append(_check_qualification(facts, criteria.qualification, on))
    if criteria.safety_licence:
        reasons.append(_check_licence(facts, on))
    if criteria.registered_constructor:
        reasons.append(_check_constructor(facts, criteria.registered_constructor, on))
    if criteria.min_credit_score is not None:
        reasons.append(_check_score(facts, criteria.min_credit_score))
    if criteria.no_sanctions:
        reasons.append(_check_sanctions(facts))
    if criteria.similar_projects:
        reasons.append(_check_experience(facts, criteria.similar_projects))
    return Result(passed=all(r.passed for r in reasons), reasons=reasons)
