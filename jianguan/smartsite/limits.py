"""Whether a site reading exceeds its limit, and which. Pure: no Django, no queries.

The numbers come from rule data (``noise.*``, ``dust.*``), passed in as ``Limits``:

* noise at the site boundary, GB 12523-2011 第4章: the equivalent level Leq at most 70 dB(A) by
  day and 55 at night, and at night the maximum level at most 15 dB(A) above the night limit;
* night is 22:00–06:00 unless the city shifts it (噪声污染防治法 第八十八条), so the period is
  a rule too and may wrap midnight;
* PM10 at the site's monitoring point: a district-configurable limit, since Beijing's own site
  limit is not yet confirmed (RULES.md B8).

A device that sends no Leq (real-time frames often carry only the instantaneous LA) has its LA
checked against the Leq limit: stricter than the standard's 20-minute Leq, which is why such an
alert says "瞬时声级" and stays an alert for people to judge, never a penalty by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

METRICS = {
    "noise_day": "昼间噪声超标",
    "noise_night": "夜间噪声超标",
    "noise_night_max": "夜间最大声级超标",
    "pm10": "PM10 超标",
}
UNITS = {"noise_day": "dB(A)", "noise_night": "dB(A)", "noise_night_max": "dB(A)", "pm10": "μg/m³"}


@dataclass(frozen=True)
class Limits:
    noise_day: float
    noise_night: float
    night_max_excess: float
    night_start: dt.time
    night_end: dt.time
    pm10: float | None = None  # None: the district has not set one, no PM10 alerts


@dataclass(frozen=True)
class Exceedance:
    metric: str
    value: float
    limit: float
    instantaneous: bool = False  # an LA reading judged against the Leq limit


def parse_hhmm(text: str) -> dt.time:
    hours, minutes = str(text).split(":")
    return dt.time(int(hours), int(minutes))


def is_night(at: dt.time, start: dt.time, end: dt.time) -> bool:
    """``at`` within [start, end), the period wrapping midnight when start > end."""
    if start <= end:
        return start <= at < end
    return at >= start or at < end


def floors(limits: Limits) -> tuple[float, float | None]:
    """(the lowest noise level any noise limit starts above, the PM10 limit): a reading whose
    noise values and PM10 are at or under these exceeds nothing, wherever and whenever it was
    measured: a cheap test before :func:`exceedances`, for the many readings under every limit."""
    night_max = limits.noise_night + limits.night_max_excess
    return min(limits.noise_day, limits.noise_night, night_max), limits.pm10


def exceedances(
    values: Mapping[str, float | None], local: dt.datetime, limits: Limits, *, boundary: bool = True
) -> list[Exceedance]:
    """The limits this reading breaks. ``local`` is the reading's Beijing wall-clock time;
    ``boundary`` is False for a device not at the site boundary (noise limits do not apply)."""
    out: list[Exceedance] = []
    leq, la = values.get("noise_leq"), values.get("noise_la")
    if boundary and (leq is not None or la is not None):
        level, instantaneous = (leq, False) if leq is not None else (la, True)
        if is_night(local.time(), limits.night_start, limits.night_end):
            if level > limits.noise_night:
                out.append(Exceedance("noise_night", level, limits.noise_night, instantaneous))
            ceiling = limits.noise_night + limits.night_max_excess
            if la is not None and la > ceiling:
                out.append(Exceedance("noise_night_max", la, ceiling))
        elif level > limits.noise_day:
            out.append(Exceedance("noise_day", level, limits.noise_day, instantaneous))
    pm10 = values.get("pm10")
    if limits.pm10 is not None and pm10 is not None and pm10 > limits.pm10:
        out.append(Exceedance("pm10", pm10, limits.pm10))
    return out


def level_of(values: Mapping[str, float | None], local: dt.datetime, limits: Limits) -> str:
    """The live map's colour for a site's latest reading: "red" over a limit, "yellow" within
    10 % of one, else "green"; "grey" when it carries nothing to judge."""
    if not any(values.get(k) is not None for k in ("noise_leq", "noise_la", "pm10")):
        return "grey"
    if exceedances(values, local, limits):
        return "red"
    near = Limits(
        limits.noise_day * 0.9,
        limits.noise_night * 0.9,
        limits.night_max_excess,
        limits.night_start,
        limits.night_end,
        limits.pm10 * 0.9 if limits.pm10 is not None else None,
    )
    return "yellow" if exceedances(values, local, near) else "green"
