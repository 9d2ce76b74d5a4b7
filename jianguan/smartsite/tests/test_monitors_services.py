"""Devices and the ingest service: readings stored in bulk, impossible values refused with a
reason (the rest kept), unknown MNs and bad traffic quarantined, duplicates ignored, the
batch hook called, raw records purged after the rule-data retention."""

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite import hj212
from jianguan.smartsite.monitors import hooks, readings
from jianguan.smartsite.monitors.models import Device, QuarantinedFrame, RawFrame, Reading
from jianguan.smartsite.monitors.services import (
    Incoming,
    device_register,
    device_set_status,
    raw_records_purge,
    readings_ingest,
)
from jianguan.smartsite.tests.monitors_helpers import MN1, MN2, build_monitors, upload


@pytest.fixture
def site(db):
    return build_monitors()


def frame_item(text, **kw):
    try:
        parsed = hj212.parse(text)
    except hj212.FrameError:
        return Incoming(source="hj212", text=text, error="malformed", **kw)
    return Incoming(source="hj212", text=text, mn=parsed["mn"] or "", parsed=parsed, **kw)


def test_register_writes_ledger_and_refuses_duplicates(site, make_persona):
    assert LedgerEntry.objects.filter(type="smartsite.device_registered").count() == 2
    assert site["d1"].key_hash and site["key1"] not in site["d1"].key_hash
    with pytest.raises(Conflict) as e:
        device_register(actor=SYSTEM, project=site["project"], mn=MN1)
    assert e.value.code == "device_exists"
    with pytest.raises(ValidationFailed):
        device_register(actor=SYSTEM, project=site["project"], mn="bad;mn")
    with pytest.raises(ValidationFailed):
        device_register(actor=SYSTEM, project=site["project"], mn="X1", crc_variants=("crc32",))
    nobody = make_persona("gc_staff", "general_contractor", ["staff"])
    with pytest.raises(PermissionDenied):
        device_register(actor=nobody, project=site["project"], mn="X2")


def test_ingest_frame_reading_and_raw(site):
    calls = []
    hooks.register_batch_hook(calls.append)
    try:
        result = readings_ingest(actor=SYSTEM, items=[frame_item(upload())])
    finally:
        hooks.unregister_batch_hook(calls.append)
    assert result.outcomes == ["saved"] and result.durable == [True]
    r = Reading.objects.get()
    assert r.device == site["d1"] and r.period == "rtd" and r.source == "hj212"
    assert r.pm10 == pytest.approx(68.4) and r.noise_la == pytest.approx(63.8)
    assert r.time == dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC)  # 09:30 China time
    assert RawFrame.objects.get().text == upload()
    assert Device.objects.get(pk=site["d1"].pk).last_seen_at is not None


def test_impossible_values_rejected_rest_kept(site):
    text = upload(
        **{"a34002-Rtd": Decimal("-5"), "LA-Rtd": Decimal("300"), "a01001-Rtd": Decimal("12.5")}
    )
    result = readings_ingest(actor=SYSTEM, items=[frame_item(text)])
    assert result.outcomes == ["saved"]
    assert result.rejected == [{"pm10": "below_range", "noise_la": "above_range"}]
    r = Reading.objects.get()
    assert r.pm10 is None and r.noise_la is None and r.temperature == 12.5
    assert r.rejected == {"pm10": "below_range", "noise_la": "above_range"}


@pytest.mark.rule("smartsite.valid_data_flags")
def test_data_flags_other_than_n_are_refused(site):
    # HJ 212-2017 6.6.4: N normal; M maintenance, C calibration… are not valid data.
    text = upload(
        **{"a34002-Rtd": Decimal("70"), "a34002-Flag": "M", "LA-Rtd": Decimal("60"), "LA-Flag": "N"}
    )
    readings_ingest(actor=SYSTEM, items=[frame_item(text)])
    r = Reading.objects.get()
    assert r.pm10 is None and r.rejected == {"pm10": "flag_M"} and r.noise_la == 60


def test_unknown_quarantined_bad_crc_password_malformed(site):
    device_set_status(actor=SYSTEM, device=site["d2"], status="quarantined", reason="疑似篡改")
    items = [
        frame_item(upload("UNKNOWN-MN-1")),
        frame_item(upload(MN2, pw="")),
        frame_item(upload()[:-6] + "0000\r\n"),
        frame_item(upload(pw="654321")),
        frame_item("##0010garbage"),
        frame_item(upload(time="20261123093100")),
    ]
    result = readings_ingest(actor=SYSTEM, items=items)
    assert result.outcomes == [
        "unknown_mn",
        "quarantined_device",
        "bad_crc",
        "bad_password",
        "malformed",
        "saved",
    ]
    assert result.durable == [False, False, False, False, False, True]
    assert Reading.objects.count() == 1
    assert QuarantinedFrame.objects.count() == 5
    unknown = Device.objects.get(mn="UNKNOWN-MN-1")
    assert unknown.status == "unknown" and unknown.project is None
    # the unknown device can be claimed by a project; its MN is then accepted
    device, _key = device_register(actor=SYSTEM, project=site["project"], mn="UNKNOWN-MN-1")
    assert device.pk == unknown.pk and device.status == "active"
    assert readings_ingest(actor=SYSTEM, items=[frame_item(upload("UNKNOWN-MN-1"))]).outcomes == [
        "saved"
    ]


def test_modbus_crc_accepted_only_where_configured(site):
    segment = upload(MN2, pw="")[6:-6]
    crc = hj212.crc_modbus(segment.encode())
    modbus_frame = f"##{len(segment):04d}{segment}{crc:04X}"
    other = modbus_frame.replace(MN2, "ZZZZ-TEST-0002")
    device_register(actor=SYSTEM, project=site["project"], mn="ZZZZ-TEST-0002")
    result = readings_ingest(actor=SYSTEM, items=[frame_item(modbus_frame), frame_item(other)])
    assert result.outcomes[0] == "saved"
    assert result.outcomes[1] == "bad_crc"


def test_pm_unit_scaling(site):
    readings_ingest(
        actor=SYSTEM, items=[frame_item(upload(MN2, pw="", **{"a34002-Rtd": Decimal("0.068")}))]
    )
    assert Reading.objects.get().pm10 == pytest.approx(68.0)


def test_duplicates_first_copy_wins(site):
    first = readings_ingest(
        actor=SYSTEM,
        items=[frame_item(upload()), frame_item(upload(**{"a34002-Rtd": Decimal("1")}))],
    )
    assert first.outcomes == ["saved", "duplicate"]
    again = readings_ingest(actor=SYSTEM, items=[frame_item(upload())])
    assert again.outcomes == ["duplicate"] and again.durable == [True]
    assert Reading.objects.get().pm10 == pytest.approx(68.4)
    assert RawFrame.objects.count() == 3  # every copy's raw bytes are kept


def test_json_items_and_non_reading_commands(site):
    items = [
        Incoming(
            source="http",
            text="{}",
            mn=MN1,
            payload={"time": "2026-11-23T09:30:00+08:00", "pm10": 80, "noise_leq": 71.5},
        ),
        Incoming(source="mqtt", text="{}", mn=MN1, payload={"pm10": 80}),
        frame_item(upload(cn="9014")),
    ]
    result = readings_ingest(actor=SYSTEM, items=items)
    assert result.outcomes == ["saved", "no_time", "raw"]
    assert Reading.objects.get().noise_leq == 71.5


def test_minute_record_uses_avg_and_noise_data(site):
    text = upload(
        cn="2051",
        **{"a34002-Avg": Decimal("66.9"), "a34002-Max": Decimal("81"), "Leq-Data": Decimal("62.7")},
    )
    readings_ingest(actor=SYSTEM, items=[frame_item(text)])
    r = Reading.objects.get()
    assert (r.period, r.pm10, r.noise_leq) == ("min", 66.9, 62.7)


@pytest.mark.rule("smartsite.raw_record_retention")
def test_raw_records_purged_after_retention(site):
    # 5 years (rule data; 噪声污染防治法 42 keeps raw records, 排污许可管理条例 21 by analogy)
    now = dt.datetime(2031, 11, 23, 12, 0, tzinfo=dt.UTC)
    old = dt.datetime(2026, 11, 23, 11, 59, tzinfo=dt.UTC)  # one minute past 5 years
    kept = dt.datetime(2026, 11, 23, 12, 1, tzinfo=dt.UTC)
    items = [
        frame_item(upload(), received_at=old),
        frame_item(upload(time="20261123093100"), received_at=kept),
    ]
    items.append(frame_item(upload("UNKNOWN-X"), received_at=old))
    readings_ingest(actor=SYSTEM, items=items)
    assert raw_records_purge(actor=SYSTEM, now=now) == 2
    assert list(RawFrame.objects.values_list("received_at", flat=True)) == [kept]
    assert Reading.objects.count() == 2  # readings are not raw records


def test_readings_pure_edges():
    with pytest.raises(readings.ReadingError):
        readings.parse_time("2026-13-01")
    assert readings.check("humidity", "abc") == (None, "not_a_number")
    assert readings.check("humidity", float("nan")) == (None, "not_a_number")
    assert readings.check("humidity", True) == (None, "not_a_number")
    assert readings.check("wind_direction", 360) == (360.0, None)
    with pytest.raises(readings.ReadingError):
        readings.from_json({"time": "20261123093000", "period": "week"})
    with pytest.raises(readings.ReadingError):
        readings.from_json([1, 2])
    assert readings.from_cp({"DataTime": "20261123093000"}, cn="2061").period == "hour"
