"""Compliance rules without a database: risk matrix, rectification states, due dates.

Pure Python: no Django, no queries. Numbers of policy (score thresholds, due days) come in
as arguments from rule data; nothing here hard-codes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum


class WorkflowError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# --- risk matrix -------------------------------------------------------------------------------


class RiskLevel(StrEnum):
    LOW = "low"
    GENERAL = "general"
    MAJOR = "major"
    SERIOUS = "serious"


RISK_LABELS = {
    RiskLevel.LOW: "低风险",
    RiskLevel.GENERAL: "一般风险",
    RiskLevel.MAJOR: "较大风险",
    RiskLevel.SERIOUS: "重大风险",
}
HIGH_LEVELS = frozenset({RiskLevel.MAJOR, RiskLevel.SERIOUS})
# rule-data codes of the minimum score of each level above 低
RISK_THRESHOLD_CODES = {
    RiskLevel.GENERAL: "risk.level_general_min_score",
    RiskLevel.MAJOR: "risk.level_major_min_score",
    RiskLevel.SERIOUS: "risk.level_serious_min_score",
}


def risk_score(likelihood: int, impact: int) -> int:
    for value, label in ((likelihood, "可能性"), (impact, "后果严重程度")):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise WorkflowError(f"{label}须为 1 至 5 的整数", "bad_risk_value")
    return likelihood * impact


def risk_level(score: int, thresholds: Mapping[RiskLevel, int]) -> RiskLevel:
    """The level whose minimum score `score` reaches (thresholds from rule data)."""
    level = RiskLevel.LOW
    for candidate in (RiskLevel.GENERAL, RiskLevel.MAJOR, RiskLevel.SERIOUS):
        if score >= thresholds[candidate]:
            level = candidate
    return level


def overall_level(scores: Iterable[int], thresholds: Mapping[RiskLevel, int]) -> RiskLevel:
    """The overall level is that of the highest-scoring item (the worst risk dominates)."""
    return risk_level(max(scores, default=0), thresholds)


def needs_emergency_plan(level: str) -> bool:
    return level in HIGH_LEVELS


def risk_ready_for_construction(level: str | None, has_plan: bool, responsible: str) -> bool:
    """较大/重大 risk needs an emergency plan and a named responsible person before work starts."""
    if level is None or not needs_emergency_plan(level):
        return True
    return has_plan and bool((responsible or "").strip())


# --- inspections and findings ------------------------------------------------------------------

INSPECTION_KINDS = {"routine": "日常检查", "special": "专项检查", "joint": "联合检查"}
FINDING_TYPES = {"safety": "安全", "quality": "质量", "environment": "环境", "labour": "劳务"}
SEVERITIES = {"general": "一般", "major": "较大", "serious": "重大"}
DUE_DAY_CODES = {
    "general": "rectification.due_days_general",
    "major": "rectification.due_days_major",
    "serious": "rectification.due_days_serious",
}


def check_choice(value: str, choices: Mapping[str, str], what: str, code: str) -> str:
    if value not in choices:
        raise WorkflowError(f"未知的{what}：须为{'、'.join(choices.values())}之一", code)
    return value


def due_date(inspected_on: dt.date, days: int) -> dt.date:
    """Calendar days from the inspection day (rule data gives the days per severity)."""
    return inspected_on + dt.timedelta(days=int(days))


def check_due_date(inspected_on: dt.date, due_on: dt.date) -> dt.date:
    if due_on < inspected_on:
        raise WorkflowError("整改期限不得早于检查日期", "due_before_inspection")
    return due_on


def may_stop_work(severity: str) -> bool:
    return severity == "serious"


# --- rectification orders ----------------------------------------------------------------------


class OrderStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    PASSED = "passed"
    FAILED = "failed"


ORDER_LABELS = {
    OrderStatus.OPEN: "待整改",
    OrderStatus.ANSWERED: "已回复待复查",
    OrderStatus.PASSED: "复查通过",
    OrderStatus.FAILED: "复查不通过",
}
# A failed re-inspection sends the order back to the contractor, who answers again.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.ANSWERED}),
    OrderStatus.ANSWERED: frozenset({OrderStatus.PASSED, OrderStatus.FAILED}),
    OrderStatus.FAILED: frozenset({OrderStatus.ANSWERED}),
    OrderStatus.PASSED: frozenset(),
}
CLOSED = frozenset({OrderStatus.PASSED})


def check_order_transition(current: str, target: str) -> OrderStatus:
    try:
        current_s, target_s = OrderStatus(current), OrderStatus(target)
    except ValueError:
        raise WorkflowError("未知的整改状态", "unknown_status") from None
    if target_s not in TRANSITIONS[current_s]:
        raise WorkflowError(
            f"整改通知单当前为“{ORDER_LABELS[current_s]}”，不能变为“{ORDER_LABELS[target_s]}”",
            "bad_transition",
        )
    return target_s


def is_overdue(status: str, due_on: dt.date, today: dt.date) -> bool:
    return status not in CLOSED and today > due_on


def consecutive_failures(results_newest_first: Iterable[str]) -> int:
    """Failed re-inspections in a row, counted back from the newest until a pass."""
    count = 0
    for result in results_newest_first:
        if result != "failed":
            break
        count += 1
    return count
