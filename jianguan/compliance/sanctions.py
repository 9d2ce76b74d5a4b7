"""Cards, blacklist and procurement bans: kinds, triggers, statuses and date rules.

Pure Python, no queries: the services ask here and the rule data gives the numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable


class SanctionError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


YELLOW, RED, BLACKLIST, PROCUREMENT_BAN = "yellow", "red", "blacklist", "procurement_ban"
KINDS = {
    YELLOW: "黄牌",
    RED: "红牌",
    BLACKLIST: "黑名单",
    PROCUREMENT_BAN: "禁止参加政府采购活动",
}
NUMBER_PREFIX = {YELLOW: "HP", RED: "RP", BLACKLIST: "HMD", PROCUREMENT_BAN: "JR"}

ACTIVE, REVOKED, EXPIRED, REPAIRED = "active", "revoked", "expired", "repaired"
STATUSES = {ACTIVE: "生效中", REVOKED: "申诉撤销", EXPIRED: "已到期", REPAIRED: "已信用修复"}

CARD_BASIS = "大兴区建设工程红黄牌管理政策（区级政策）"
BLACKLIST_BASIS = "《建筑市场信用管理暂行办法》（建市〔2017〕241号）"
BAN_BASIS = "《中华人民共和国政府采购法》第七十七条"

# National blacklist triggers, 建市〔2017〕241号 (RULES.md B7).
TRIGGERS = {
    "false_qualification": "利用虚假材料、以欺骗手段取得企业资质",
    "illegal_subletting": "转包、出借资质，受到行政处罚",
    "major_accident": "发生重大及以上工程质量安全事故",
    "large_accidents": "1年内累计发生2次及以上较大工程质量安全事故",
    "egregious_large_accident": "发生较大工程质量安全事故且情节恶劣",
    "unpaid_construction_money": "经法院判决或仲裁机构裁决，认定为拖欠工程款且拒不履行",
}

APPEAL_SUBMITTED, APPEAL_UPHELD, APPEAL_REVOKED = "submitted", "upheld", "revoked"
APPEAL_STATUSES = {
    APPEAL_SUBMITTED: "已提交，待复核",
    APPEAL_UPHELD: "维持原决定",
    APPEAL_REVOKED: "撤销原决定",
}


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise SanctionError(f"未知的处理类型：{kind}", "unknown_sanction_kind")


def check_trigger(trigger: str) -> str:
    if trigger not in TRIGGERS:
        raise SanctionError(
            f"未知的黑名单情形：{trigger}（须为建市〔2017〕241号规定的情形之一）",
            "unknown_trigger",
        )
    return TRIGGERS[trigger]


def large_accidents_in_window(
    dates: Iterable[dt.date], on: dt.date, window_years: int
) -> list[dt.date]:
    start = add_months(on, -12 * window_years)
    return sorted(d for d in dates if start <= d <= on)


def check_range(value: int, bounds: dict, what: str, unit: str, code: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SanctionError(f"{what}须为整数", code)
    low, high = int(bounds["min"]), int(bounds["max"])
    if not low <= value <= high:
        raise SanctionError(f"{what}须在{low}至{high}{unit}之间", code)
    return value


def current_status(status: str, effective_to: dt.date | None, on: dt.date) -> str:
    if status == ACTIVE and effective_to is not None and effective_to < on:
        return EXPIRED
    return status


def in_force(status: str, effective_from: dt.date, effective_to: dt.date | None, on: dt.date):
    return (
        status == ACTIVE and effective_from <= on and (effective_to is None or on <= effective_to)
    )


def check_appeal_window(issued_on: dt.date, window_days: int, on: dt.date) -> dt.date:
    last = issued_on + dt.timedelta(days=window_days)
    if on > last:
        raise SanctionError(
            f"申诉期限已过：须在决定作出之日起{window_days}日内（{last.isoformat()}前）提出",
            "appeal_window_passed",
        )
    return last


def check_repair(published_from: dt.date, min_months: int, on: dt.date) -> dt.date:
    earliest = add_months(published_from, min_months)
    if on < earliest:
        raise SanctionError(
            f"信用修复须在公布满{min_months}个月后申请（最早{earliest.isoformat()}）",
            "repair_too_early",
        )
    return earliest
