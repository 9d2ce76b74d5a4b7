"""Upkeep of the readings' monthly partitions on PostgreSQL (migration 0007 made them).

The hourly job gives the coming months their partitions before their readings arrive; until
then a reading lands in the DEFAULT partition, and is moved into its month's partition when
that is made. Partitions are storage, not decisions: no ledger entry (DESIGN.md "Ledger").
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import OperationalError, connections, router, transaction
from django.utils import timezone

from jianguan.core.actor import Actor
from jianguan.core.errors import ValidationFailed
from jianguan.core.permissions import require
from jianguan.smartsite.monitors import partitions
from jianguan.smartsite.monitors.models import Reading

log = logging.getLogger(__name__)
# Giving a month its own partition locks the DEFAULT partition; waiting behind a long report
# would queue every reader of the readings behind the job. Better to try again next hour.
LOCK_TIMEOUT = "5s"
LOCK_NOT_AVAILABLE = "55P03"


def _partitions(cursor) -> set[str] | None:
    """Names of the readings' partitions, or None when the table is not partitioned."""
    cursor.execute(
        "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [partitions.TABLE]
    )
    if cursor.fetchone() is None:
        return None
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [partitions.TABLE],
    )
    return {row[0] for row in cursor.fetchall()}


def reading_partitions_ensure(
    *, actor: Actor, months_ahead: int = 2, now: dt.datetime | None = None
) -> list[str]:
    """Create this month's partition and the next ``months_ahead`` months' where missing,
    moving their readings out of the DEFAULT partition. Returns the partitions made (none on
    SQLite, or while another session holds the readings' tables)."""
    require(actor, "smartsite.monitors_manage")
    if months_ahead < 0:
        raise ValidationFailed("提前创建分区的月份数不能为负数", code="bad_months_ahead")
    connection = connections[router.db_for_write(Reading)]
    if connection.vendor != "postgresql":
        return []
    made: list[str] = []
    for month in partitions.months_ahead(now or timezone.now(), months_ahead):
        try:
            if _month_ensure(connection, month):
                made.append(month.name)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            log.warning("readings partition %s not made: tables busy; next hour", month.name)
            break
    return made


def _month_ensure(connection, month: partitions.Month) -> bool:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        existing = _partitions(cursor)
        if existing is None or month.name in existing:
            return False
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        if partitions.DEFAULT in existing:
            for sql in partitions.month_from_default_sql(month):
                cursor.execute(sql)
        else:
            cursor.execute(partitions.month_partition_sql(month))
    return True
