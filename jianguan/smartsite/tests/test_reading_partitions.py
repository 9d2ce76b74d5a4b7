"""Readings partitioned by Beijing month on PostgreSQL: the pure month arithmetic and DDL, the
migration (partitioned, reversible, ids continuing), ingest landing in the month's partition, a
reading of a month without one waiting in DEFAULT until the hourly job moves it, duplicates
still refused. On SQLite the table stays plain and the job does nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jianguan.core import periodic
from jianguan.core.actor import SYSTEM
from jianguan.core.bulk import insert_rows
from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.smartsite.monitors import partitions
from jianguan.smartsite.monitors.models import Reading
from jianguan.smartsite.monitors.partitions import Month
from jianguan.smartsite.monitors.services import READING_FIELDS, Incoming, readings_ingest
from jianguan.smartsite.monitors.services_partitions import reading_partitions_ensure
from jianguan.smartsite.tests.monitors_helpers import MN1, build_monitors

CHINA = ZoneInfo("Asia/Shanghai")
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="partitioning is PostgreSQL's; on SQLite the readings table stays plain",
)


# --- the pure helper --------------------------------------------------------------------


def test_a_month_runs_from_beijing_midnight_to_the_next_months():
    december = Month(2026, 12)
    assert december.start == dt.datetime(2026, 12, 1, tzinfo=CHINA)
    assert december.end == dt.datetime(2027, 1, 1, tzinfo=CHINA)
    # 2026-12-01 00:00 Beijing is 2026-11-30 16:00 UTC
    assert partitions.month_of(dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)) == december
    last_second = dt.datetime(2026, 11, 30, 15, 59, 59, tzinfo=dt.UTC)
    assert partitions.month_of(last_second) == Month(2026, 11)
    assert Month(2027, 2).end == dt.datetime(2027, 3, 1, tzinfo=CHINA)


def test_december_is_followed_by_january_of_the_next_year():
    assert Month(2026, 12).plus(1) == Month(2027, 1)
    assert Month(2027, 1).plus(-1) == Month(2026, 12)
    assert Month(2026, 11).plus(14) == Month(2028, 1)
    mid_december = dt.datetime(2026, 12, 15, 12, tzinfo=CHINA)
    assert partitions.months_ahead(mid_december, 2) == [
        Month(2026, 12),
        Month(2027, 1),
        Month(2027, 2),
    ]
    assert partitions.months_ahead(mid_december, 0) == [Month(2026, 12)]


def test_partition_names_read_back_to_their_month():
    assert Month(2027, 1).name == "smartsite_reading_y2027m01"
    assert partitions.month_of_name("smartsite_reading_y2027m01") == Month(2027, 1)
    assert partitions.month_of_name(partitions.DEFAULT) is None
    assert partitions.month_of_name("smartsite_rawframe") is None
    assert partitions.parse_month("2025-06") == Month(2025, 6)


def test_impossible_months_and_naive_times_are_refused():
    with pytest.raises(ValueError):
        Month(2026, 13)
    with pytest.raises(ValueError):
        Month(2026, 0)
    with pytest.raises(ValueError):
        partitions.month_of(dt.datetime(2026, 12, 1))
    with pytest.raises(ValueError):
        partitions.months_ahead(timezone.now(), -1)


def test_the_ddl_bounds_are_beijing_month_starts():
    sql = partitions.month_partition_sql(Month(2026, 12))
    assert sql == (
        'CREATE TABLE "smartsite_reading_y2026m12" PARTITION OF "smartsite_reading" FOR VALUES '
        "FROM ('2026-12-01T00:00:00+08:00') TO ('2027-01-01T00:00:00+08:00')"
    )
    lock, create, move, attach = partitions.month_from_default_sql(Month(2027, 1))
    assert lock.startswith('LOCK TABLE "smartsite_reading_default"')
    assert create.startswith('CREATE TABLE "smartsite_reading_y2027m01" (LIKE')
    assert (
        'DELETE FROM "smartsite_reading_default" WHERE "time" >= \'2027-01-01T00:00:00+08:00\''
        in move
    )
    assert "\"time\" < '2027-02-01T00:00:00+08:00'" in move
    assert attach.endswith("FROM ('2027-01-01T00:00:00+08:00') TO ('2027-02-01T00:00:00+08:00')")


# --- the service on either database -----------------------------------------------------


@pytest.fixture
def site(db):
    return build_monitors()


def _ingest(when: dt.datetime, pm10: float = 50.0):
    payload = {"time": when.isoformat(), "period": "rtd", "pm10": pm10}
    item = Incoming(source="http", text=str(payload), mn=MN1, payload=payload)
    return readings_ingest(actor=SYSTEM, items=[item])


def _where(reading_id: int) -> str:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tableoid::regclass::text FROM smartsite_reading WHERE id = %s", [reading_id]
        )
        return cur.fetchone()[0]


def _partitioned() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'smartsite_reading'::regclass"
        )
        return cur.fetchone() is not None


def test_ensure_needs_the_grant_and_a_sensible_horizon(site, make_persona):
    nobody = make_persona("gc_staff_parts", "general_contractor", ["staff"])
    with pytest.raises(PermissionDenied):
        reading_partitions_ensure(actor=nobody)
    with pytest.raises(ValidationFailed) as e:
        reading_partitions_ensure(actor=SYSTEM, months_ahead=-1)
    assert e.value.code == "bad_months_ahead"


def test_ensure_is_an_hourly_job(site):
    job = next(j for j in periodic.jobs() if j.name == "smartsite.reading_partitions_ensure")
    assert job.every_seconds == 3600
    job.run()  # this month and the next two exist after the migration: nothing to make
    assert reading_partitions_ensure(actor=SYSTEM) == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's behaviour")
def test_on_sqlite_the_job_makes_nothing_and_readings_are_stored(site):
    far = dt.datetime(2031, 7, 31, 23, 59, tzinfo=CHINA)
    assert _ingest(far).outcomes == ["saved"]
    assert reading_partitions_ensure(actor=SYSTEM, now=far) == []
    assert Reading.objects.get().time == far


# --- PostgreSQL ------------------------------------------------------------------------


@ON_POSTGRES
def test_after_migrate_the_readings_are_partitioned_by_month(site):
    assert _partitioned()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
            "WHERE c.conrelid = 'smartsite_reading'::regclass AND c.contype = 'p'"
        )
        assert sorted(r[0] for r in cur.fetchall()) == ["id", "time"]
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'smartsite_reading'::regclass"
        )
        names = {r[0] for r in cur.fetchall()}
    assert partitions.DEFAULT in names
    assert {m.name for m in partitions.months_ahead(timezone.now(), 2)} <= names
    # raw frames stay a plain table: their purge deletes rows as before
    with connection.cursor() as cur:
        cur.execute("SELECT relkind FROM pg_class WHERE relname = 'smartsite_rawframe'")
        assert cur.fetchone()[0] == "r"


@ON_POSTGRES
def test_ingest_lands_in_the_months_partition(site):
    reading_partitions_ensure(actor=SYSTEM)
    now = timezone.now().astimezone(CHINA).replace(microsecond=0)
    assert _ingest(now).outcomes == ["saved"]
    reading = Reading.objects.get()
    assert _where(reading.pk) == partitions.month_of(now).name
    assert reading.time == now and reading.pm10 == 50.0


@ON_POSTGRES
def test_a_far_reading_waits_in_default_until_its_month_is_made(site):
    far = dt.datetime(2031, 7, 31, 23, 59, tzinfo=CHINA)  # the month's last Beijing minute
    next_month = dt.datetime(2031, 8, 1, 0, 0, tzinfo=CHINA)
    assert _ingest(far, pm10=61.0).outcomes == ["saved"]
    assert _ingest(next_month, pm10=62.0).outcomes == ["saved"]
    july = Reading.objects.get(time=far)
    august = Reading.objects.get(time=next_month)
    assert _where(july.pk) == _where(august.pk) == partitions.DEFAULT

    made = reading_partitions_ensure(actor=SYSTEM, months_ahead=0, now=far)
    assert made == ["smartsite_reading_y2031m07"]
    assert _where(july.pk) == "smartsite_reading_y2031m07"  # moved, same id
    assert _where(august.pk) == partitions.DEFAULT  # another month stays
    moved = Reading.objects.get(pk=july.pk)
    assert (moved.time, moved.pm10, moved.device_id) == (far, 61.0, site["d1"].pk)
    assert Reading.objects.count() == 2
    # the new partition has the parent's keys: a resent copy is still refused
    assert _ingest(far, pm10=99.0).outcomes == ["duplicate"]
    assert reading_partitions_ensure(actor=SYSTEM, months_ahead=0, now=far) == []


@ON_POSTGRES
def test_a_duplicate_is_refused_by_the_partitioned_unique_key(site):
    now = timezone.now().replace(microsecond=0)
    _ingest(now, pm10=50.0)
    row = Reading(
        device_id=site["d1"].pk, time=now, period="rtd", received_at=now, source="http", pm10=99.0
    )
    insert_rows(Reading, READING_FIELDS, [row], ignore_conflicts=True)  # ON CONFLICT DO NOTHING
    assert list(Reading.objects.values_list("pm10", flat=True)) == [50.0]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Reading, READING_FIELDS, [row])


@ON_POSTGRES
def test_the_migration_reverses_and_ids_continue(site):
    old = dt.datetime(2025, 3, 10, 8, tzinfo=CHINA)
    now = timezone.now().replace(microsecond=0)
    _ingest(old, pm10=40.0)
    _ingest(now, pm10=41.0)
    before = sorted(Reading.objects.values_list("id", "time", "pm10"))

    call_command("migrate", "smartsite", "0006", verbosity=0)
    assert not _partitioned()
    assert sorted(Reading.objects.values_list("id", "time", "pm10")) == before
    _ingest(now + dt.timedelta(seconds=1), pm10=42.0)
    assert Reading.objects.get(pm10=42.0).pk > max(b[0] for b in before)

    call_command("migrate", "smartsite", verbosity=0)
    assert _partitioned()
    assert Reading.objects.count() == 3
    assert _where(Reading.objects.get(pm10=40.0).pk) == "smartsite_reading_y2025m03"
    _ingest(now + dt.timedelta(seconds=2), pm10=43.0)
    assert Reading.objects.get(pm10=43.0).pk > Reading.objects.get(pm10=42.0).pk


@ON_POSTGRES
def test_a_busy_default_partition_is_left_for_the_next_hour(site, monkeypatch):
    import psycopg

    from jianguan.smartsite.monitors import services_partitions

    monkeypatch.setattr(services_partitions, "LOCK_TIMEOUT", "200ms")
    far = dt.datetime(2032, 3, 5, tzinfo=CHINA)
    other = psycopg.connect(**connection.get_connection_params())
    try:
        # a long report reading the default partition in another session
        other.execute("LOCK TABLE smartsite_reading_default IN ACCESS SHARE MODE")
        assert reading_partitions_ensure(actor=SYSTEM, months_ahead=0, now=far) == []
    finally:
        other.close()
    assert reading_partitions_ensure(actor=SYSTEM, months_ahead=0, now=far) == [
        "smartsite_reading_y2032m03"
    ]
