"""Early warning (预警) rules: pure definitions and evaluation. No Django, no queries.

A warning rule has a code, a Chinese label and a function
``check(facts, today, thresholds) -> (level, reason_zh) | None``:

* ``facts`` is the plain dict the warnings service gathers for one project (see FACT KEYS below);
  apps that hang on the project spine add facts through ``jianguan.projects.facts``;
* ``today`` is the local date the evaluation is for;
* ``thresholds`` maps rule-data codes (``warning.schedule_slip_days`` …) to their values,
  e.g. ``{"blue": 7, "yellow": 15, "orange": 30, "red": 60}``. The numbers live in rule data
  (``jianguan/rules/data/daxing.json``), never here. A rule whose threshold is missing is
  skipped rather than guessed.

Levels are 1 蓝 … 4 红 (``WarningLevel`` in models.py); the reason says *why*, in Chinese, with
the figures and the threshold that was reached, so that "why is this red?" always has an answer.

FACT KEYS (all optional; a missing fact never raises a warning):
    stage: str                      current stage code
    stages: list[dict]              {"stage", "planned_end", "actual_end"} for each stage
    key_nodes: list[dict]           {"code", "name", "planned_date", "status"}
    construction_permit: str
    budget: Decimal                 approved budget (概算)
    contract_value: Decimal | None  signed contract value (contracts app; None until known)
    variations_value: Decimal|None  approved variations and site instructions
    credentials: list[dict]         {"organisation", "kind", "name", "expires_on"} of participants
    findings: list[dict]            open inspection findings {"text", "raised_on", "node"}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

BLUE, YELLOW, ORANGE, RED = 1, 2, 3, 4
LEVEL_KEYS = ("blue", "yellow", "orange", "red")  # index + 1 == level
LEVEL_LABELS = {
    0: "正常",
    BLUE: "蓝色预警",
    YELLOW: "黄色预警",
    ORANGE: "橙色预警",
    RED: "红色预警",
}
COLOUR = {BLUE: "蓝色", YELLOW: "黄色", ORANGE: "橙色", RED: "红色"}

STAGE_LABELS = {
    "approval": "立项",
    "design": "设计",
    "tendering": "招标",
    "construction": "施工",
    "completion_acceptance": "竣工验收",
    "settlement": "结算",
    "warranty": "保修",
    "archived": "归档",
}
# Stages of work whose overrun is a schedule slip; the others wait on an approval or a filing.
WORK_STAGES = frozenset({"design", "construction"})
APPROVAL_STAGES = frozenset(
    {"approval", "tendering", "completion_acceptance", "settlement", "warranty"}
)

AFTER_COMPLETION = frozenset({"settlement", "warranty", "archived"})

Facts = Mapping[str, Any]
Thresholds = Mapping[str, Any]
Result = tuple[int, str]


@dataclass(frozen=True)
class WarningRule:
    code: str
    label: str  # Chinese
    check: Callable[[Facts, dt.date, Thresholds], Result | None] = field(compare=False)
    thresholds: tuple[str, ...] = ()  # rule-data codes this rule needs
    reference: str = ""  # the article behind the rule, where there is one


@dataclass(frozen=True)
class Raised:
    rule_code: str
    level: int
    reason: str


_RULES: dict[str, WarningRule] = {}


def register_rule(rule: WarningRule) -> WarningRule:
    """Add (or replace by code) a warning rule; other apps may register their own."""
    _RULES[rule.code] = rule
    return rule


def rules() -> list[WarningRule]:
    return list(_RULES.values())


def rule_label(code: str) -> str:
    rule = _RULES.get(code)
    return rule.label if rule else code


def threshold_codes() -> set[str]:
    return {code for rule in _RULES.values() for code in rule.thresholds}


def evaluate(facts: Facts, today: dt.date, thresholds: Thresholds) -> list[Raised]:
    """Every registered rule on one project's facts: the warnings that should be active."""
    out = []
    for rule in _RULES.values():
        if any(thresholds.get(code) is None for code in rule.thresholds):
            continue  # no rule data in force: never guess a number
        try:
            result = rule.check(facts, today, thresholds)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            result = None  # malformed facts never raise (or crash) a warning
        if result is None:
            continue
        level, reason = result
        if level in COLOUR:
            out.append(Raised(rule.code, int(level), reason[:500]))
    return out


def max_level(raised: list[Raised]) -> int:
    return max((r.level for r in raised), default=0)


# --- thresholds --------------------------------------------------------------------------------


def level_reached(value: Any, levels: Mapping[str, Any], *, descending: bool = False) -> int:
    """The highest level whose threshold `value` reaches (0 when none).

    Ascending thresholds (days late, cost ratio): reached when ``value >= threshold``.
    Descending ones (days left before an expiry): reached when ``value <= threshold``.
    """
    reached = 0
    for index, key in enumerate(LEVEL_KEYS, 1):
        limit = levels.get(key)
        if limit is None:
            continue
        if (value <= limit) if descending else (value >= limit):
            reached = index
    return reached


def _limit_text(levels: Mapping[str, Any], level: int, unit: str) -> str:
    return f"{COLOUR[level]}预警阈值 {levels[LEVEL_KEYS[level - 1]]}{unit}"


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --- 1. schedule slip ------------------------------------------------------------------------

SLIP = "warning.schedule_slip_days"


def _current_stage_row(facts: Facts) -> dict | None:
    stage = facts.get("stage")
    return next((s for s in facts.get("stages") or () if s.get("stage") == stage), None)


def check_schedule_slip(facts: Facts, today: dt.date, thresholds: Thresholds) -> Result | None:
    levels = thresholds[SLIP]
    late: list[tuple[int, str]] = []
    row = _current_stage_row(facts)
    if row and row["stage"] in WORK_STAGES and row.get("actual_end") is None:
        planned = _date(row.get("planned_end"))
        if planned and today > planned:
            days = (today - planned).days
            label = STAGE_LABELS.get(row["stage"], row["stage"])
            late.append((days, f"{label}阶段计划于 {planned.isoformat()} 完成，已滞后 {days} 天"))
    nodes = () if facts.get("stage") in AFTER_COMPLETION else facts.get("key_nodes") or ()
    for node in nodes:
        planned = _date(node.get("planned_date"))
        if node.get("status") == "passed" or planned is None or today <= planned:
            continue
        days = (today - planned).days
        late.append(
            (days, f"关键节点“{node['name']}”计划于 {planned.isoformat()} 通过，已滞后 {days} 天")
        )
    if not late:
        return None
    late.sort(key=lambda item: -item[0])
    days, text = late[0]
    level = level_reached(days, levels)
    if not level:
        return None
    more = f"；另有 {len(late) - 1} 项滞后" if len(late) > 1 else ""
    return level, f"{text}（{_limit_text(levels, level, ' 天')}）{more}"


# --- 2. cost overrun -------------------------------------------------------------------------

COST = "warning.cost_overrun_factor"


def _wan(amount: Decimal) -> str:
    return f"{(amount / 10000).quantize(Decimal('0.01')):,} 万元"


def check_cost_overrun(facts: Facts, today: dt.date, thresholds: Thresholds) -> Result | None:
    levels = thresholds[COST]
    contract = facts.get("contract_value")
    budget = facts.get("budget")
    if contract is None or not budget or Decimal(budget) <= 0:
        return None
    variations = Decimal(facts.get("variations_value") or 0)
    total = Decimal(contract) + variations
    factor = total / Decimal(budget)
    level = level_reached(factor, {k: Decimal(v) for k, v in levels.items()})
    if not level:
        return None
    limit = Decimal(levels[LEVEL_KEYS[level - 1]]) * 100
    parts = f"合同价款 {_wan(Decimal(contract))}"
    if variations:
        parts += f" 加变更、签证 {_wan(variations)}，合计 {_wan(total)}"
    return level, (
        f"{parts}，达到批复概算 {_wan(Decimal(budget))} 的 {factor * 100:.1f}%"
        f"（{COLOUR[level]}预警阈值 {limit:.0f}%）"
    )


# --- 3. construction without permit ------------------------------------------------------------


def check_no_permit(facts: Facts, today: dt.date, thresholds: Thresholds) -> Result | None:
    if facts.get("stage") != "construction" or facts.get("construction_permit"):
        return None
    return RED, "项目处于施工阶段，但未录入施工许可证（《中华人民共和国建筑法》第七条、第六十四条）"


# --- 4. credentials of participants -------------------------------------------------------------

CREDENTIAL = "warning.credential_expiry_days"


def check_credentials(facts: Facts, today: dt.date, thresholds: Thresholds) -> Result | None:
    levels = thresholds[CREDENTIAL]
    worst: tuple[int, int, str] | None = None  # (level, days_left, text)
    count = 0
    for item in facts.get("credentials") or ():
        expires = _date(item.get("expires_on"))
        if expires is None:
            continue
        left = (expires - today).days
        level = RED if left < 0 else level_reached(left, levels, descending=True)
        if not level:
            continue
        count += 1
        what = f"{item.get('organisation', '')}的{item.get('name') or item.get('kind', '证照')}"
        if left < 0:
            text = f"{what}已于 {expires.isoformat()} 过期"
        elif left == 0:
            text = f"{what}于今日（{expires.isoformat()}）到期"
        else:
            text = f"{what}将于 {expires.isoformat()} 到期（剩余 {left} 天）"
        if worst is None or (level, -left) > (worst[0], -worst[1]):
            worst = (level, left, text)
    if worst is None:
        return None
    level, left, text = worst
    limit = "已过期" if left < 0 else _limit_text(levels, level, " 天")
    more = f"；另有 {count - 1} 项证照到期或即将到期" if count > 1 else ""
    return level, f"{text}（{limit}）{more}"


# --- 5. overdue rectification --------------------------------------------------------------------

RECTIFICATION = "warning.rectification_overdue_days"


def check_rectification(facts: Facts, today: dt.date, thresholds: Thresholds) -> Result | None:
    levels = thresholds[RECTIFICATION]
    open_items = []
    for item in facts.get("findings") or ():
        raised = _date(item.get("raised_on"))
        if raised is not None:
            open_items.append(((today - raised).days, item))
    if not open_items:
        return None
    open_items.sort(key=lambda pair: -pair[0])
    days, item = open_items[0]
    level = level_reached(days, levels)
    if not level:
        return None
    node = f"（{item['node']}）" if item.get("node") else ""
    text = str(item.get("text", ""))[:60]
    more = f"；共 {len(open_items)} 项问题未闭合" if len(open_items) > 1 else ""
    return level, (
        f"检查问题“{text}”{node}已 {days} 天未整改闭合（{_limit_text(levels, level, ' 天')}）{more}"
    )


# --- 6. approvals waiting beyond their time limit ---------------------------------------------

APPROVAL = "warning.approval_overdue_days"


def check_approval_wait(facts: Facts, today: dt.date, thresholds: Thresholds) -> Result | None:
    levels = thresholds[APPROVAL]
    row = _current_stage_row(facts)
    if not row or row["stage"] not in APPROVAL_STAGES or row.get("actual_end") is not None:
        return None
    planned = _date(row.get("planned_end"))
    if planned is None or today <= planned:
        return None
    days = (today - planned).days
    level = level_reached(days, levels)
    if not level:
        return None
    label = STAGE_LABELS.get(row["stage"], row["stage"])
    return level, (
        f"{label}阶段计划于 {planned.isoformat()} 办结，已超期 {days} 天仍未进入下一阶段"
        f"（{_limit_text(levels, level, ' 天')}）"
    )


register_rule(
    WarningRule("schedule_slip", "进度滞后", check_schedule_slip, (SLIP,), "大兴区预警政策")
)
register_rule(
    WarningRule(
        "cost_overrun", "投资超概算", check_cost_overrun, (COST,), "《政府投资条例》第二十三条"
    )
)
register_rule(
    WarningRule(
        "no_construction_permit",
        "未取得施工许可擅自施工",
        check_no_permit,
        (),
        "《中华人民共和国建筑法》第七条、第六十四条",
    )
)
register_rule(
    WarningRule(
        "credential_expiry",
        "参建单位资质、证照或保险到期",
        check_credentials,
        (CREDENTIAL,),
        "《建筑业企业资质管理规定》；《安全生产许可证条例》",
    )
)
register_rule(
    WarningRule(
        "rectification_overdue",
        "整改逾期",
        check_rectification,
        (RECTIFICATION,),
        "《北京市建设工程质量条例》第四十四条",
    )
)
register_rule(
    WarningRule(
        "approval_overdue", "审批办理超期", check_approval_wait, (APPROVAL,), "大兴区预警政策"
    )
)
