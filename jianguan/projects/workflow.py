"""Project lifecycle (台账): stages, transitions and their guards. Pure: no Django, no queries.

A transition is allowed only to the next stage, and only when every guard of the target
stage holds on the project's *facts* (a plain dict gathered by services). Apps that hang
on the project spine (contracts, compliance, …) add guards with `register_guard()` and
facts with a provider in `projects.facts`, so this module never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    APPROVAL = "approval"
    DESIGN = "design"
    TENDERING = "tendering"
    CONSTRUCTION = "construction"
    COMPLETION_ACCEPTANCE = "completion_acceptance"
    SETTLEMENT = "settlement"
    WARRANTY = "warranty"
    ARCHIVED = "archived"


STAGE_LABELS: dict[Stage, str] = {
    Stage.APPROVAL: "立项",
    Stage.DESIGN: "设计",
    Stage.TENDERING: "招标",
    Stage.CONSTRUCTION: "施工",
    Stage.COMPLETION_ACCEPTANCE: "竣工验收",
    Stage.SETTLEMENT: "结算",
    Stage.WARRANTY: "保修",
    Stage.ARCHIVED: "归档",
}
ORDER: tuple[Stage, ...] = tuple(Stage)

Facts = Mapping[str, Any]


@dataclass(frozen=True)
class Guard:
    code: str
    label: str  # Chinese, shown when the guard is unmet
    reference: str  # the article the guard comes from, or "" for platform policy
    check: Callable[[Facts], bool] = field(compare=False)

    def explain(self) -> str:
        return f"{self.label}（{self.reference}）" if self.reference else self.label


@dataclass(frozen=True)
class UnmetGuard:
    code: str
    message: str


_GUARDS: dict[Stage, dict[str, Guard]] = {stage: {} for stage in Stage}


def register_guard(stage: Stage, guard: Guard) -> None:
    """Add (or replace by code) a guard that must hold to ENTER `stage`."""
    _GUARDS[Stage(stage)][guard.code] = guard


def guards_for(stage: Stage) -> list[Guard]:
    return list(_GUARDS[Stage(stage)].values())


def next_stage(stage: Stage) -> Stage | None:
    i = ORDER.index(Stage(stage))
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


class TransitionError(ValueError):
    def __init__(self, message: str, code: str, unmet: list[UnmetGuard] | None = None):
        super().__init__(message)
        self.code = code
        self.unmet = unmet or []


def check_transition(current: Stage | str, target: Stage | str, facts: Facts) -> list[UnmetGuard]:
    """Unmet guards for moving `current` → `target`; raises for an unknown or skipped stage."""
    try:
        current, target = Stage(current), Stage(target)
    except ValueError:
        raise TransitionError("未知的项目阶段", "unknown_stage") from None
    if target != next_stage(current):
        expected = next_stage(current)
        hint = f"下一阶段应为“{STAGE_LABELS[expected]}”" if expected else "项目已归档"
        raise TransitionError(
            f"不能从“{STAGE_LABELS[current]}”直接进入“{STAGE_LABELS[target]}”：{hint}",
            "stage_skipped",
        )
    unmet = []
    for guard in guards_for(target):
        try:
            ok = bool(guard.check(facts))
        except (KeyError, TypeError, ValueError):
            ok = False  # missing facts never open a gate
        if not ok:
            unmet.append(UnmetGuard(guard.code, guard.explain()))
    return unmet


# --- dates ---------------------------------------------------------------------------------


def completion_date(signatures: Mapping[str, dt.date | None]) -> dt.date | None:
    """京质量条例 48: the completion date is the date of the LAST of the five leads' signatures."""
    required = ("owner", "surveyor", "designer", "general_contractor", "supervisor")
    dates = [signatures.get(party) for party in required]
    if any(d is None for d in dates):
        return None
    return max(d for d in dates if d is not None)


def dates_in_order(pairs: list[tuple[str, dt.date | None, dt.date | None]]) -> list[str]:
    """Problems with (label, start, end) pairs where end precedes start."""
    return [f"{label}的结束日期早于开始日期" for label, s, e in pairs if s and e and e < s]


# --- the built-in guards (law-based; numbers live in rule data) ------------------------------

FIVE_PARTIES = ("owner", "surveyor", "designer", "general_contractor", "supervisor")

register_guard(
    Stage.DESIGN,
    Guard(
        "approval_document",
        "须录入立项批复文件",
        "《政府投资条例》第九条、第十一条",
        lambda f: bool(f["approval_document"]),
    ),
)
register_guard(
    Stage.TENDERING,
    Guard(
        "design_approved",
        "须录入施工图设计文件审查意见",
        "《建设工程质量管理条例》第十一条",
        lambda f: bool(f["design_review_document"]),
    ),
)
register_guard(
    Stage.CONSTRUCTION,
    Guard(
        "construction_permit",
        "须取得施工许可证",
        "《中华人民共和国建筑法》第七条",
        lambda f: bool(f["construction_permit"]),
    ),
)
register_guard(
    Stage.CONSTRUCTION,
    Guard(
        "construction_contract",
        "须签订施工合同",
        "《中华人民共和国招标投标法》第四十六条",
        lambda f: bool(f["construction_contract_signed"]),
    ),
)
register_guard(
    Stage.CONSTRUCTION,
    Guard(
        "five_party_leads",
        "五方责任主体项目负责人须全部备案（法定代表人授权书及终身责任承诺书）",
        "《建筑工程五方责任主体项目负责人质量终身责任追究暂行办法》第四条；《北京市建设工程质量条例》第十八条",
        lambda f: set(FIVE_PARTIES) <= set(f["leads_filed"]),
    ),
)
register_guard(
    Stage.COMPLETION_ACCEPTANCE,
    Guard(
        "key_nodes_passed",
        "全部关键节点须通过联合检查",
        "",
        lambda f: f["key_nodes_total"] > 0 and f["key_nodes_pending"] == 0,
    ),
)
register_guard(
    Stage.COMPLETION_ACCEPTANCE,
    Guard(
        "no_open_findings",
        "不得有未闭合的检查问题或整改通知",
        "《北京市建设工程质量条例》第四十四条",
        lambda f: f["open_findings"] == 0,
    ),
)
register_guard(
    Stage.COMPLETION_ACCEPTANCE,
    Guard(
        "five_party_acceptance",
        "须有五方责任主体项目负责人签字的竣工验收记录",
        "《北京市建设工程质量条例》第四十八条",
        lambda f: f["completion_date"] is not None,
    ),
)
register_guard(
    Stage.SETTLEMENT,
    Guard(
        "completion_filed",
        "竣工验收文件须备案",
        "《建设工程质量管理条例》第四十九条",
        lambda f: bool(f["completion_filing"]),
    ),
)
register_guard(
    Stage.ARCHIVED,
    Guard(
        "archive_transferred",
        "工程档案须移交城建档案馆",
        "《北京市建设工程质量条例》第五十二条",
        lambda f: bool(f["archive_transfer"]),
    ),
)
register_guard(
    Stage.WARRANTY,
    Guard(
        "settlement_done",
        "须录入结算审核结论",
        "财建〔2022〕183号",
        lambda f: bool(f["settlement_document"]),
    ),
)
