"""Fixed-window rate limits shared by every web process (issue 17: device endpoints).

A per-process cache would let each of granian's workers grant the whole allowance again, so
the count is one upsert in the database: atomic on PostgreSQL and SQLite (3.35+) alike, one
statement per request, no read-modify-write race. Old windows are swept by the chronograph.
"""

from __future__ import annotations

import time

from django.db import connection

from jianguan.core.errors import DomainError
from jianguan.core.models import RateCounter

KEEP_MINUTES = 10  # windows older than this are swept; a window only counts while current


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def _now_minute() -> int:
    return int(time.time() // 60)


def hit(bucket: str, *, per_minute: int, message: str = "请求过于频繁，请稍后再试") -> int:
    """Count one request of ``bucket`` in the current minute; over the limit, 429."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, minute, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (bucket, minute) DO UPDATE "
            f"SET count = {table}.count + 1 RETURNING count",
            [bucket[:150], _now_minute()],
        )
        count = cursor.fetchone()[0]
    if count > per_minute:
        raise RateLimited(message, code="rate_limited")
    return count


def counters_sweep() -> int:
    """Drop the windows no request can count in any more (chronograph, every few minutes)."""
    deleted, _ = RateCounter.objects.filter(minute__lt=_now_minute() - KEEP_MINUTES).delete()
    return deleted
