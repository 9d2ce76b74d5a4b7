"""core.bulk.insert_rows, the ingest's writer: what it stores reads back exactly as the ORM
would have stored it (times in UTC, JSON, floats, nulls), a duplicate is skipped only when
asked, and nothing is written for nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from jianguan.core.bulk import insert_new, insert_rows
from jianguan.smartsite.monitors.models import RawFrame, Reading
from jianguan.smartsite.monitors.services import RAW_FIELDS, READING_FIELDS, READING_KEY
from jianguan.smartsite.tests.monitors_helpers import build_monitors

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")


def _reading(device, minute: int, **values) -> Reading:
    return Reading(
        device_id=device.pk,
        time=dt.datetime(2026, 11, 23, 8, minute, tzinfo=CHINA),
        period="rtd",
        received_at=dt.datetime(2026, 11, 23, 0, minute, 5, tzinfo=dt.UTC),
        source="tcp",
        rejected=values.pop("rejected", {}),
        **values,
    )


def test_rows_read_back_as_written():
    d1 = build_monitors()["d1"]
    rows = [
        _reading(d1, 0, pm10=68.4, noise_la=63.8),
        _reading(d1, 1, pm25=12.5, rejected={"pm10": "below_range"}),
    ]
    assert insert_rows(Reading, READING_FIELDS, rows) == 2
    first, second = Reading.objects.filter(device=d1).order_by("time")
    assert first.time == dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC)  # 08:00 Beijing
    assert first.received_at == dt.datetime(2026, 11, 23, 0, 0, 5, tzinfo=dt.UTC)
    assert (first.pm10, first.noise_la, first.pm25) == (68.4, 63.8, None)
    assert first.rejected == {}
    assert second.rejected == {"pm10": "below_range"}
    # the ORM finds them by time, as it would rows it wrote itself
    at = dt.datetime(2026, 11, 23, 8, 1, tzinfo=CHINA)
    assert Reading.objects.get(device=d1, time=at).pm25 == 12.5


def test_duplicates_are_skipped_only_when_asked():
    d1 = build_monitors()["d1"]
    insert_rows(Reading, READING_FIELDS, [_reading(d1, 0, pm10=50.0)])
    again = [_reading(d1, 0, pm10=99.0), _reading(d1, 2, pm10=51.0)]
    insert_rows(Reading, READING_FIELDS, again, ignore_conflicts=True)
    assert sorted(Reading.objects.values_list("pm10", flat=True)) == [50.0, 51.0]  # first stands
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Reading, READING_FIELDS, [_reading(d1, 0, pm10=1.0)])
    assert Reading.objects.count() == 2


def test_any_object_with_the_attributes_will_do_and_none_writes_nothing():
    d1 = build_monitors()["d1"]
    raw = SimpleNamespace(
        device_id=d1.pk,
        received_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        source="http",
        text='{"pm10": 1}',
        crc_ok=None,
        peer="127.0.0.1",
    )
    assert insert_rows(RawFrame, RAW_FIELDS, [raw]) == 1
    assert RawFrame.objects.get().text == '{"pm10": 1}'
    assert insert_rows(RawFrame, RAW_FIELDS, []) == 0
    assert RawFrame.objects.count() == 1


def test_insert_new_says_which_were_new():
    monitors = build_monitors()
    d1, d2 = monitors["d1"], monitors["d2"]
    insert_rows(Reading, READING_FIELDS, [_reading(d1, 0, pm10=50.0)])
    offered = [
        _reading(d2, 0, pm10=1.0),  # same time, other device: new
        _reading(d1, 0, pm10=99.0),  # stored already (a resend): skipped
        _reading(d1, 1, pm10=51.0),
    ]
    offered[2].time = offered[2].time.astimezone(dt.UTC)  # the same instant in any zone
    assert insert_new(Reading, READING_FIELDS, offered, key=READING_KEY) == [0, 2]
    assert Reading.objects.get(device=d1, time=offered[1].time).pm10 == 50.0
    assert insert_new(Reading, READING_FIELDS, offered, key=READING_KEY) == []
    assert Reading.objects.count() == 3


def test_insert_new_splits_a_batch_over_the_parameter_limit(monkeypatch):
    from jianguan.core import bulk

    d1 = build_monitors()["d1"]
    monkeypatch.setattr(bulk, "MAX_PARAMS", len(READING_FIELDS) * 2)  # two rows a statement
    offered = [_reading(d1, minute, pm10=float(minute)) for minute in range(5)]
    insert_rows(Reading, READING_FIELDS, offered[3:4])
    assert insert_new(Reading, READING_FIELDS, offered, key=READING_KEY) == [0, 1, 2, 4]
    assert Reading.objects.count() == 5


def test_a_column_of_mixed_python_types_is_written():
    # PostgreSQL gets a binary array per column, which is of one type: an int among floats
    d1 = build_monitors()["d1"]
    offered = [_reading(d1, 0, pm10=50), _reading(d1, 1, pm10=51.5), _reading(d1, 2)]
    assert insert_new(Reading, READING_FIELDS, offered, key=READING_KEY) == [0, 1, 2]
    stored = list(Reading.objects.order_by("time").values_list("pm10", flat=True))
    assert stored == [50.0, 51.5, None]
