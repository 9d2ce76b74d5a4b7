"""The alert thresholds of a day, from rule data, kept for a minute: the ingest asks for them on
every batch (five rule lookups each) and rule data changes by the day, not by the second."""

from __future__ import annotations

import datetime as dt
import time

from jianguan.rules.lookup import rule_value
from jianguan.smartsite.limits import Limits, parse_hhmm

TTL_SECONDS = 60
_CACHE: dict[tuple[str, dt.date], tuple[float, object]] = {}


def _cached(name: str, day: dt.date, build):
    hit = _CACHE.get((name, day))
    if hit is not None and time.monotonic() - hit[0] < TTL_SECONDS:
        return hit[1]
    value = build()
    _CACHE[(name, day)] = (time.monotonic(), value)
    return value


def forget() -> None:
    """Tests and the rules pages call this after rule data changes."""
    _CACHE.clear()


def _number(code: str, day: dt.date) -> float | None:
    try:
        return float(rule_value(code, on=day))
    except Exception:  # a district without the rule: no such alert, never a guess
        return None


def limits(day: dt.date) -> Limits:
    def build() -> Limits:
        night = rule_value("noise.night_period", on=day)
        return Limits(
            noise_day=float(rule_value("noise.day_limit", on=day)),
            noise_night=float(rule_value("noise.night_limit", on=day)),
            night_max_excess=float(rule_value("noise.night_max_excess", on=day)),
            night_start=parse_hhmm(night["start"]),
            night_end=parse_hhmm(night["end"]),
            pm10=_number("dust.pm10_site_limit", day),
        )

    return _cached("limits", day, build)


def quiet_minutes(day: dt.date) -> int:
    return int(_cached("quiet", day, lambda: rule_value("smartsite.alert_quiet_minutes", on=day)))


def sustained_count(metric: str, day: dt.date) -> int:
    """PM10: one more exceedance than a day allows; noise: the district's count in one alert."""
    if metric == "pm10":
        allowed = _cached(
            "pm10_day", day, lambda: rule_value("dust.pm10_exceedances_per_day", on=day)
        )
        return int(allowed) + 1
    return int(
        _cached("noise_count", day, lambda: rule_value("smartsite.noise_sustained_count", on=day))
    )
