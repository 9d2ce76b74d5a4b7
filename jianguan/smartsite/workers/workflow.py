"""Workers, contracts, placements and attendance: codes with their Chinese labels and the
checks a placement and a gate event must pass. Pure Python, no queries: the services gather
the facts and ask here; the numbers (minimum age) come from rule data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

# 工种: the trades of the construction worker occupational standards most sites use (a choices
# table, not law: a district may add its own).
TRADES: dict[str, str] = {
    "general_labourer": "普工",
    "rebar_worker": "钢筋工",
    "formwork_carpenter": "模板工（木工）",
    "concrete_worker": "混凝土工",
    "mason": "砌筑工",
    "plasterer": "抹灰工",
    "scaffolder": "架子工",
    "electrician": "电工",
    "welder": "焊工",
    "plumber": "管道工",
    "painter": "油漆工",
    "waterproofer": "防水工",
    "tower_crane_operator": "塔式起重机司机",
    "signaller": "信号司索工",
    "machine_operator": "机械操作工",
    "other": "其他",
}
TRADE_BY_LABEL = {label: code for code, label in TRADES.items()}
# Trades that are 特种作业 (special operations): they need a valid operation certificate.
SPECIAL_TRADES = frozenset(
    {"electrician", "welder", "scaffolder", "tower_crane_operator", "signaller"}
)

CERTIFICATE_KINDS = {
    "special_operation": "特种作业操作证",
    "skill": "职业技能等级证书",
    "other": "其他证书",
}
TRAINING_KINDS = {
    "three_level": "三级安全教育",
    "pre_job": "岗前培训",
    "special": "专项安全培训",
    "skill": "技能培训",
}

# Placement (进场) and exit.
ACTIVE, LEFT = "active", "left"
PLACEMENT_STATUSES = {ACTIVE: "在场", LEFT: "已退场"}

# Attendance.
IN, OUT = "in", "out"
DIRECTIONS = {IN: "进场", OUT: "出场"}
GATE, MANUAL = "gate", "manual"
SOURCES = {GATE: "闸机", MANUAL: "劳资专管员补录"}

# Alerts: a refused entry.
ALERT_REASONS = {
    "worker_not_registered": "未实名登记人员试图进场",
    "no_contract": "未签订劳动合同人员试图进场",
    "not_placed": "未办理进场人员试图进场",
    "worker_blacklisted": "黑名单人员试图进场",
}
ALERT_OPEN, ALERT_CLOSED = "open", "closed"
ALERT_STATUSES = {ALERT_OPEN: "待处理", ALERT_CLOSED: "已处理"}

# A person's blacklist entry (失信名单): on what the regulator lists it. The article of the
# decision is entered with each entry; these are the kinds of list, not the law's numbers.
BLACKLIST_BASES = {
    "wage_default_list": "拖欠农民工工资失信联合惩戒对象名单（《保障农民工工资支付条例》）",
    "real_name_fraud": "冒用他人身份或提供虚假实名制信息（《建筑工人实名制管理办法（试行）》）",
    "district_credit_list": "大兴区失信人员名单",
    "other_decision": "其他依法作出的列入决定",
}
BLACKLIST_STATUSES = {
    "pending": "尚未生效",
    "in_force": "在列",
    "expired": "已到期",
    "lifted": "已移出",
}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def contract_covers(start: dt.date, end: dt.date | None, signed: bool, on: dt.date) -> bool:
    """A labour contract lets its worker on site on `on` once signed and while in its term."""
    return signed and start <= on and (end is None or on <= end)


def blacklist_in_force(
    valid_from: dt.date, valid_until: dt.date | None, lifted_on: dt.date | None, on: dt.date
) -> bool:
    """An entry bars its person from `valid_from` through `valid_until` (open-ended when
    none), until the day it is lifted."""
    if lifted_on is not None and lifted_on <= on:
        return False
    return valid_from <= on and (valid_until is None or on <= valid_until)


def blacklist_status(
    valid_from: dt.date, valid_until: dt.date | None, lifted_on: dt.date | None, on: dt.date
) -> str:
    if lifted_on is not None and lifted_on <= on:
        return BLACKLIST_STATUSES["lifted"]
    if on < valid_from:
        return BLACKLIST_STATUSES["pending"]
    if valid_until is not None and valid_until < on:
        return BLACKLIST_STATUSES["expired"]
    return BLACKLIST_STATUSES["in_force"]


def check_blacklist_term(valid_from: dt.date, valid_until: dt.date | None) -> Refusal | None:
    if valid_until is not None and valid_until < valid_from:
        return Refusal("bad_blacklist_term", "截止日期不能早于列入日期")
    return None


def placement_refusals(
    *,
    age: int,
    min_age: int,
    min_age_reference: str,
    has_contract: bool,
    employer_blacklisted: list[str],
    already_placed: bool,
    person_blacklisted: Sequence[str] = (),
) -> list[Refusal]:
    """Why a worker may not be placed on a site; empty when nothing stands in the way.

    - the person on the blacklist (《保障农民工工资支付条例》、《建筑工人实名制管理办法（试行）》
      and the district's 失信 list), matched by identity, listed first: it decides the code;
    - under the minimum working age (劳动法 第十五条; the age from rule data);
    - without a signed labour contract covering the day (保障农民工工资支付条例 第二十八条:
      nobody without a labour contract and real-name registration may enter the site);
    - employer on the blacklist (建市〔2017〕241号: a blacklisted firm's people are not
      placed through it);
    - already on this site.
    """
    out = [
        Refusal("worker_blacklisted", f"该工人已被列入黑名单，不得进场：{line}")
        for line in person_blacklisted
    ]
    if age < min_age:
        out.append(
            Refusal("worker_under_age", f"未满{min_age}周岁，不得招用（{min_age_reference}）")
        )
    if not has_contract:
        out.append(
            Refusal(
                "no_contract",
                "未与用工单位签订覆盖进场日期的劳动合同，不得进场（《保障农民工工资支付条例》第二十八条）",
            )
        )
    for line in employer_blacklisted:
        out.append(Refusal("employer_blacklisted", f"用工单位被列入黑名单：{line}"))
    if already_placed:
        out.append(Refusal("already_placed", "该工人已在本项目在场，无需重复进场"))
    return out


def work_minutes(first_in: dt.datetime | None, last_out: dt.datetime | None) -> int:
    """Minutes between the day's first entry and last exit (0 until both are known)."""
    if first_in is None or last_out is None or last_out <= first_in:
        return 0
    return int((last_out - first_in).total_seconds() // 60)
