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


def client_instant(value: dt.datetime, label: str) -> dt.datetime:
    """A moment sent by a client, in UTC: naive times are refused (their meaning is a guess),
    and offsets or years the database cannot hold are a clear 400, never a 500."""
    from jianguan.core.errors import ValidationFailed

    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{label}须带时区（如 +08:00）", code="naive_datetime")
    try:
        utc = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ValidationFailed(f"{label}超出可表示的范围", code="bad_datetime") from None
    if not 1900 <= utc.year <= 9000:
        raise ValidationFailed(f"{label}超出可表示的范围", code="bad_datetime")
    return utc
