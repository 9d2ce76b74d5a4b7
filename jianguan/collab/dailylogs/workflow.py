"""Daily logs (施工日志, 监理日志): kinds, statuses, the checks of a log's content and its
canonical signed form. Pure Python: no Django, no queries (tested on its own)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

CONSTRUCTION = "construction"
SUPERVISION = "supervision"
KINDS = {CONSTRUCTION: "施工日志", SUPERVISION: "监理日志"}
# Which project role writes which log: the general contractor its 施工日志, the supervisor its 监理日志.
WRITER_ROLE = {CONSTRUCTION: "general_contractor", SUPERVISION: "supervisor"}

DRAFT = "draft"
SIGNED = "signed"
STATUS = {DRAFT: "草稿", SIGNED: "已签署"}

WEATHER = {
    "sunny": "晴",
    "cloudy": "多云",
    "overcast": "阴",
    "light_rain": "小雨",
    "rain": "中到大雨",
    "snow": "雪",
    "fog": "雾",
    "haze": "霾",
    "windy": "大风",
}
MAX_ROWS = 50
MAX_COUNT = 10_000
TEMP_RANGE = (-40, 50)


class Invalid(ValueError):
    """A refused log content: ``code`` is the stable machine code, the message is Chinese."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise Invalid(f"未知的日志类型：{kind}", "unknown_kind")
    return kind


def check_weather(value: str, what: str) -> str:
    if value and value not in WEATHER:
        raise Invalid(f"未知的{what}天气：{value}", "unknown_weather")
    return value


def check_temperatures(low: int | None, high: int | None) -> None:
    for t in (low, high):
        if t is not None and not TEMP_RANGE[0] <= t <= TEMP_RANGE[1]:
            raise Invalid("气温须在 -40 至 50 摄氏度之间", "bad_temperature")
    if low is not None and high is not None and low > high:
        raise Invalid("最低气温不得高于最高气温", "bad_temperature")


def check_date(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise Invalid("日志日期不得晚于今天", "future_date")


def manpower_rows(rows: Iterable[Mapping[str, Any]], trades: Mapping[str, str]) -> list[dict]:
    """Manpower by trade (工种 → 人数): known trades, positive counts, each trade once."""
    out: dict[str, dict] = {}
    for row in rows:
        trade, count = str(row.get("trade") or ""), row.get("count")
        if trade not in trades:
            raise Invalid(f"未知的工种：{trade[:30]}", "unknown_trade")
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            raise Invalid(f"{trades[trade]}人数须为 0 至 {MAX_COUNT} 的整数", "bad_count")
        if trade in out:
            raise Invalid(f"工种重复：{trades[trade]}", "duplicate_trade")
        out[trade] = {
            "trade": trade,
            "count": count,
            "from_attendance": bool(row.get("from_attendance")),
        }
    if len(out) > MAX_ROWS:
        raise Invalid(f"工种最多 {MAX_ROWS} 行", "too_many_rows")
    return list(out.values())


def equipment_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict]:
    out = []
    for row in rows:
        name, count = str(row.get("name") or "").strip(), row.get("count")
        if not name or len(name) > 60:
            raise Invalid("机械设备名称须为 1 至 60 个字", "bad_equipment")
        if type(count) is not int or not 0 < count <= MAX_COUNT:
            raise Invalid(f"{name}台数须为 1 至 {MAX_COUNT} 的整数", "bad_count")
        out.append({"name": name, "count": count})
    if len(out) > MAX_ROWS:
        raise Invalid(f"机械设备最多 {MAX_ROWS} 行", "too_many_rows")
    return out


def may_edit(status: str) -> bool:
    return status == DRAFT


def check_editable(status: str) -> None:
    if not may_edit(status):
        raise Invalid("日志已签署，不可修改；如需更正请另写补充记录", "log_signed")


def check_signable(status: str) -> None:
    if status != DRAFT:
        raise Invalid("日志已签署", "already_signed")


def canonical(content: Mapping[str, Any]) -> bytes:
    """The signed form: sorted keys, no spaces, UTF-8 (dates as ISO strings)."""
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def content_sm3(content: Mapping[str, Any]) -> str:
    return hashlib.new("sm3", canonical(content)).hexdigest()


def previous_workday(today: dt.date, is_workday) -> dt.date:
    """The last working day before ``today`` (``is_workday`` from the calendar)."""
    day = today - dt.timedelta(days=1)
    for _ in range(30):
        if is_workday(day):
            return day
        day -= dt.timedelta(days=1)
    return today - dt.timedelta(days=1)
