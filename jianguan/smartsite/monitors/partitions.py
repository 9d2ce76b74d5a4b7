"""Monthly partitions of the monitors' readings on PostgreSQL: months, names and DDL.

Pure (no Django): the migration that partitions ``smartsite_reading`` and the hourly
``reading_partitions_ensure`` both build their statements here. Months are Beijing months, so
a day's readings (and the daily averages and reports built on them) never straddle two
partitions; the bounds carry the +08:00 offset and PostgreSQL compares them as instants.
Names and bounds are made from integers only, never from input, so they are safe to inline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TABLE = "smartsite_reading"
DEFAULT = f"{TABLE}_default"
ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)
# Copies the columns with their types, NOT NULL, defaults and checks; keys and indexes are
# added to the new table by name afterwards (a partitioned key must include "time").
_LIKE = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS"
_NAME = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"no such month: {self.year}-{self.month}")

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=ZONE)

    @property
    def end(self) -> dt.datetime:
        return self.plus(1).start

    @property
    def name(self) -> str:
        return f"{TABLE}_y{self.year:04d}m{self.month:02d}"


def month_of(moment: dt.datetime) -> Month:
    """The Beijing month an aware moment falls in."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    local = moment.astimezone(ZONE)
    return Month(local.year, local.month)


def months_ahead(moment: dt.datetime, ahead: int) -> list[Month]:
    """The moment's month and the ``ahead`` months after it."""
    if ahead < 0:
        raise ValueError("ahead must not be negative")
    first = month_of(moment)
    return [first.plus(i) for i in range(ahead + 1)]


def month_of_name(name: str) -> Month | None:
    """The month of a partition's name, or None for the default or a foreign table."""
    match = _NAME.match(name)
    return Month(int(match[1]), int(match[2])) if match else None


def parse_month(text: str) -> Month:
    """``YYYY-MM`` (as ``to_char(..., 'YYYY-MM')`` writes it)."""
    year, month = text.split("-")
    return Month(int(year), int(month))


def _bounds(month: Month) -> str:
    return f"FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"


def _q(name: str) -> str:
    return f'"{name}"'


def create_partitioned_sql(new: str, like: str = TABLE) -> str:
    return f'CREATE TABLE {_q(new)} (LIKE {_q(like)} {_LIKE} INCLUDING IDENTITY) PARTITION BY RANGE ("time")'


def create_plain_sql(new: str, like: str = TABLE) -> str:
    return f"CREATE TABLE {_q(new)} (LIKE {_q(like)} {_LIKE} INCLUDING IDENTITY)"


def default_partition_sql(parent: str = TABLE) -> str:
    return f"CREATE TABLE {_q(DEFAULT)} PARTITION OF {_q(parent)} DEFAULT"


def month_partition_sql(month: Month, parent: str = TABLE) -> str:
    return f"CREATE TABLE {_q(month.name)} PARTITION OF {_q(parent)} FOR VALUES {_bounds(month)}"


def month_from_default_sql(month: Month) -> list[str]:
    """Give a month its own partition when the default partition may hold rows of it.

    PostgreSQL refuses a new partition while the default holds rows of its range, so the month
    is built as a plain table, its rows moved out of the default into it, and then attached.
    The default is locked first so no reading of the month can land there between the move
    and the attach; inserts into the other partitions go on meanwhile. Run in one transaction.
    """
    lo, hi = month.start.isoformat(), month.end.isoformat()
    return [
        f"LOCK TABLE {_q(DEFAULT)} IN ACCESS EXCLUSIVE MODE",
        f"CREATE TABLE {_q(month.name)} (LIKE {_q(TABLE)} {_LIKE})",
        f"WITH moved AS (DELETE FROM {_q(DEFAULT)} WHERE \"time\" >= '{lo}' AND \"time\" < '{hi}'"
        f" RETURNING *) INSERT INTO {_q(month.name)} SELECT * FROM moved",
        f"ALTER TABLE {_q(TABLE)} ATTACH PARTITION {_q(month.name)} FOR VALUES {_bounds(month)}",
    ]


def sorted_unique(months: Iterable[Month]) -> list[Month]:
    return sorted(set(months))
