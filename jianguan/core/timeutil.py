"""Time helpers: store UTC, show Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """The server's trusted clock, in UTC."""
    return timezone.now()


def today_local() -> dt.date:
    return now().astimezone(SHANGHAI).date()


def to_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(SHANGHAI)


def iso_utc(value: dt.datetime) -> str:
    """UTC ISO 8601 with millisecond precision and a trailing Z."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
