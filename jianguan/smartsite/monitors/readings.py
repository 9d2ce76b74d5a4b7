"""From what a device sent to the values of one reading (pure: no Django, no queries).

HJ 212 data areas (``cp`` of :func:`jianguan.smartsite.hj212.parse`) and JSON objects (MQTT,
HTTP) become a :class:`ParsedReading`: its time (aware, from China local time), its period,
the accepted values and the refused ones with a reason. A refused value never sinks the
record: the other values are kept (issue 17, "nothing lost that was valid").

The plausibility bounds below are physics, not law: they only catch values no instrument can
measure (a negative concentration, 300 dB). Legal limits (noise 70/55 dB(A), PM10) are rule
data and belong to alerting.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")  # HJ 212 times are China local time without a zone

#: Reading field → HJ 212 factor codes (2017 Appendix B, HJ 524; vendor aliases after).
FACTORS: dict[str, tuple[str, ...]] = {
    "pm25": ("a34004",),
    "pm10": ("a34002",),
    "tsp": ("a34001",),
    "noise_la": ("LA", "La"),
    "noise_leq": ("Leq",),
    "wind_speed": ("a01007",),
    "wind_direction": ("a01008",),
    "temperature": ("a01001",),
    "humidity": ("a01002",),
}
FIELDS = tuple(FACTORS)
PARTICULATES = frozenset({"pm25", "pm10", "tsp"})

#: (lowest, highest) a real instrument can report. Particulates in µg/m³ after the device's
#: unit is applied; noise up to 194 dB, the loudest undistorted sound in air; wind up to the
#: highest gust recorded (113 m/s); air temperature within the recorded extremes on Earth.
BOUNDS: dict[str, tuple[float, float]] = {
    "pm25": (0.0, 50000.0),
    "pm10": (0.0, 50000.0),
    "tsp": (0.0, 100000.0),
    "noise_la": (0.0, 194.0),
    "noise_leq": (0.0, 194.0),
    "wind_speed": (0.0, 113.0),
    "wind_direction": (0.0, 360.0),
    "temperature": (-90.0, 60.0),
    "humidity": (0.0, 100.0),
}

#: HJ 212 command → period of the record (2017 §6.6: 2011 real-time, 2051 minute, 2061 hour,
#: 2031 day). DataTime of minute/hour/day records is the *start* of the interval.
PERIOD_BY_CN = {"2011": "rtd", "2051": "min", "2061": "hour", "2031": "day"}
_SUFFIXES = {
    "rtd": ("-Rtd", "-Data", "-Avg"),
    "min": ("-Avg", "-Data", "-Rtd"),
    "hour": ("-Avg", "-Data", "-Rtd"),
    "day": ("-Avg", "-Data", "-DayData", "-Rtd"),
}
_PM_SCALE = {"ug_m3": 1.0, "mg_m3": 1000.0, "ng_m3": 0.001}
#: period -> {CP key: (field, rank, factor code)}; a lower rank is preferred (FACTORS order of
#: the codes, then the period's order of suffixes).
_RANKS: dict[str, dict[str, tuple[str, int, str]]] = {
    period: {
        code + suffix: (name, c * len(suffixes) + s, code)
        for name, codes in FACTORS.items()
        for c, code in enumerate(codes)
        for s, suffix in enumerate(suffixes)
    }
    for period, suffixes in _SUFFIXES.items()
}


class ReadingError(ValueError):
    """The record as a whole cannot be read (no time, unknown period): ``code`` says why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ParsedReading:
    time: dt.datetime
    period: str
    values: dict[str, float] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)


def parse_time(text: str) -> dt.datetime:
    """``YYYYMMDDhhmmss`` (or with milliseconds) in China local time, or ISO 8601."""
    text = str(text).strip()
    try:
        if text.isdigit() and len(text) in (14, 17):
            # int slices, not strptime (a tenth of the cost; this runs once per reading)
            return dt.datetime(
                int(text[0:4]),
                int(text[4:6]),
                int(text[6:8]),
                int(text[8:10]),
                int(text[10:12]),
                int(text[12:14]),
                tzinfo=CHINA,
            )
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ReadingError(f"数据时间格式无效：{text[:40]}", code="bad_time") from None
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


def _number(raw: object) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, Decimal):  # what the HJ 212 parser gives: no detour through text
        try:
            value = float(raw)
        except ValueError:  # a signalling NaN
            return None
    else:
        try:
            value = float(Decimal(str(raw).strip()))
        except (InvalidOperation, ValueError):
            return None
    return value if math.isfinite(value) else None


def check(name: str, raw: object, *, pm_unit: str = "ug_m3") -> tuple[float | None, str | None]:
    """(value, None) when plausible, else (None, reason)."""
    value = _number(raw)
    if value is None:
        return None, "not_a_number"
    if name in PARTICULATES:
        value *= _PM_SCALE.get(pm_unit, 1.0)
    low, high = BOUNDS[name]
    if value < low:
        return None, "below_range"
    if value > high:
        return None, "above_range"
    return value, None


def from_cp(
    cp: Mapping[str, object],
    *,
    cn: str | None,
    pm_unit: str = "ug_m3",
    valid_flags: Iterable[str] = ("N",),
) -> ParsedReading | None:
    """The reading in an HJ 212 data area, or ``None`` when the command carries no reading."""
    period = PERIOD_BY_CN.get(cn or "")
    if period is None:
        return None
    if "DataTime" not in cp:
        raise ReadingError("数据区缺少 DataTime", code="no_time")
    reading = ParsedReading(time=parse_time(str(cp["DataTime"])), period=period)
    valid = frozenset(valid_flags)
    # The keys of this record that name a factor: a few lookups per record, not one per
    # factor code and suffix (this runs once per reading). The best-ranked key of a field
    # wins: its first code, then that code's first suffix for the period.
    chosen: dict[str, tuple[int, str, str]] = {}
    ranks = _RANKS[period]
    for key in cp:
        found = ranks.get(key)
        if found is not None and cp[key] is not None:
            name, rank, code = found
            if name not in chosen or rank < chosen[name][0]:
                chosen[name] = (rank, key, code)
    for name in FIELDS:
        if name not in chosen:
            continue
        _rank, key, code = chosen[name]
        raw = cp[key]
        flag = cp.get(code + "-Flag")
        if flag is not None and str(flag) not in valid:
            reading.rejected[name] = f"flag_{flag}"  # 2017 data flags: only N is valid
            continue
        value, reason = check(name, raw, pm_unit=pm_unit)
        if reason:
            reading.rejected[name] = reason
        else:
            reading.values[name] = value
    return reading


def from_json(payload: Mapping[str, object], *, pm_unit: str = "ug_m3") -> ParsedReading:
    """A JSON reading: ``{"time": "...", "period": "rtd", "pm10": 68.4, ...}``.

    Unknown keys are ignored (``mn`` and vendor keys travel with it); a known field with an
    impossible or non-numeric value is refused with its reason.
    """
    if not isinstance(payload, Mapping):
        raise ReadingError("每条数据必须是 JSON 对象", code="not_an_object")
    if "time" not in payload:
        raise ReadingError("缺少数据时间 time", code="no_time")
    period = payload.get("period", "rtd")
    if period not in _SUFFIXES:
        raise ReadingError(f"未知的数据类型：{str(period)[:20]}", code="bad_period")
    reading = ParsedReading(time=parse_time(str(payload["time"])), period=str(period))
    for name in FIELDS:
        if name in payload and payload[name] is not None:
            value, reason = check(name, payload[name], pm_unit=pm_unit)
            if reason:
                reading.rejected[name] = reason
            else:
                reading.values[name] = value
    return reading
