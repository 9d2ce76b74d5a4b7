"""Monitor writes: device registration and status, the ingest of a batch, retention.

The ingest is one function for the three paths (HJ 212 TCP, MQTT, HTTP): a batch of
:class:`Incoming` items is written in one transaction with ``bulk_create`` (raw frames,
readings, quarantined frames), and the batch hooks (alerting) run after it commits. The TCP
server acknowledges a frame only after this function has returned (the batch is durable).
Readings are not ledger entries (DESIGN.md "Ledger"); registering a device and changing its
status are decisions and are.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.bulk import insert_new, insert_rows
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule_value
from jianguan.smartsite import hj212
from jianguan.smartsite.monitors import hooks, readings, workflow
from jianguan.smartsite.monitors.models import Device, QuarantinedFrame, RawFrame, Reading

BATCH_SIZE = 500
# The columns the ingest writes (core.bulk.insert_rows: no ORM per object; half the cost)
RAW_FIELDS = ("device_id", "received_at", "source", "text", "crc_ok", "peer")
READING_KEY = ("device_id", "period", "time")  # the model's smartsite_reading_once
READING_FIELDS = (
    "device_id",
    "time",
    "period",
    "received_at",
    "source",
    *readings.FIELDS,
    "rejected",
)
#: Reading's concrete fields in order: the ingest builds readings positionally.
_READING_ORDER = ("id", *READING_FIELDS)
assert tuple(f.attname for f in Reading._meta.concrete_fields) == _READING_ORDER
_DEVICE_FIELDS = ("pk", "mn", "status", "password", "crc_variants", "pm_unit", "last_seen_at")
#: A device's last-seen time is refreshed at most this often (one UPDATE per device a batch
#: would dominate the ingest with 1,000 devices).
LAST_SEEN_EVERY = dt.timedelta(seconds=30)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def device_by_key(key: str) -> SimpleNamespace | None:
    """The registered device a key belongs to (HTTP ingest), as the plain row
    :func:`readings_ingest` takes in ``devices``; None for an unknown or malformed key."""
    if not 16 <= len(key) <= 200:
        return None
    sql, columns = _by_key_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_key(key), workflow.UNKNOWN])
        row = cursor.fetchone()
    if row is None:
        return None
    values = {}
    for (name, col, converters), value in zip(columns, row, strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        values[name] = value
    return SimpleNamespace(**values)


@functools.cache
def _by_key_statement(vendor: str) -> tuple[str, tuple]:
    """The lookup's SQL, compiled by the ORM once per backend, and each column's converters
    (as the ORM applies them): building the query for every request was a third of an HTTP
    ingest request's time."""
    query = (
        Device.objects.filter(key_hash="")
        .exclude(status=workflow.UNKNOWN)
        .values_list(*_DEVICE_FIELDS)[:1]
        .query
    )
    sql, params = query.sql_with_params()
    assert list(params) == ["", workflow.UNKNOWN], params  # the order execute() passes them
    columns = []
    for name in _DEVICE_FIELDS:
        field = Device._meta.pk if name == "pk" else Device._meta.get_field(name)
        col = field.get_col(Device._meta.db_table)
        converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        columns.append((name, col, tuple(converters)))
    return sql, tuple(columns)


# --- devices ----------------------------------------------------------------------------


def may_manage(actor: Actor, project: Any) -> bool:
    """The district's regulator, or the project's own owner (噪声污染防治法第四十二条: the
    client installs the monitors): an owner's grant reaches its own projects only."""
    if not actor.can("smartsite.monitors_manage"):
        return False
    if actor.is_system or actor.is_kind("regulator"):
        return True
    from jianguan.projects.models import Participant

    return (
        Participant.objects.filter(
            project=project, organisation_id=actor.organisation_id, role="owner", is_active=True
        ).exists()
        or getattr(project, "owner_id", None) == actor.organisation_id
    )


def _require_own_project(actor: Actor, project: Any) -> None:
    if not may_manage(actor, project):
        raise PermissionDenied(
            "仅监管部门或本项目建设单位可登记和管理监测设备", code="not_project_owner"
        )


def device_register(
    *,
    actor: Actor,
    project: Any,
    mn: str,
    name: str = "",
    kind: str = "dust_noise",
    password: str = "",
    pm_unit: str = "ug_m3",
    crc_variants: Sequence[str] = ("hj212",),
    at_boundary: bool = True,
) -> tuple[Device, str]:
    """Register a monitor on a project (or claim an MN heard before as unknown).

    Returns the device and its HTTP key, shown once: only its SHA-256 is stored.
    """
    require(actor, "smartsite.monitors_manage")
    _require_own_project(actor, project)
    mn = (mn or "").strip()
    if not 1 <= len(mn) <= 32 or not mn.isascii() or not mn.isprintable() or ";" in mn:
        raise ValidationFailed("设备编号（MN）须为 1–32 个可打印 ASCII 字符", code="bad_mn")
    if kind not in workflow.DEVICE_KIND:
        raise ValidationFailed("未知的设备类型", code="bad_device_kind")
    if pm_unit not in workflow.PM_UNIT:
        raise ValidationFailed("未知的颗粒物单位", code="bad_pm_unit")
    bad = [v for v in crc_variants if v not in hj212.CRC_VARIANTS]
    if bad or not crc_variants:
        raise ValidationFailed("未知的校验码算法", code="bad_crc_variant")
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(mn=mn).first()
        if device is not None and device.status != workflow.UNKNOWN:
            raise Conflict(f"设备编号 {mn} 已登记", code="device_exists")
        device = device or Device(mn=mn)
        device.project = project
        device.name, device.kind, device.password = name, kind, password
        device.pm_unit, device.crc_variants = pm_unit, list(crc_variants)
        device.at_boundary, device.status, device.key_hash = (
            at_boundary,
            workflow.ACTIVE,
            hash_key(key),
        )
        device.save()
        record(
            actor=actor,
            type="smartsite.device_registered",
            obj=device,
            payload={"mn": mn, "project": project.code, "kind": kind, "name": name},
        )
    return device, key


def device_set_status(*, actor: Actor, device: Device, status: str, reason: str) -> Device:
    """Quarantine, retire or reactivate a device; the reason goes on the ledger."""
    require(actor, "smartsite.monitors_manage")
    if device.project_id is not None:
        _require_own_project(actor, device.project)
    if status not in (workflow.ACTIVE, workflow.QUARANTINED, workflow.RETIRED):
        raise ValidationFailed("不能设为该状态", code="bad_device_status")
    if device.status == workflow.UNKNOWN:
        raise ValidationFailed("未登记的设备须先登记到项目", code="device_unknown")
    if not reason.strip():
        raise ValidationFailed("请填写原因", code="reason_required")
    with transaction.atomic():
        old = device.status
        device.status = status
        device.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            type="smartsite.device_status_changed",
            obj=device,
            payload={"mn": device.mn, "from": old, "to": status, "reason": reason.strip()},
        )
    return device


# --- ingest -----------------------------------------------------------------------------


@dataclass
class Incoming:
    """One thing a device sent: an HJ 212 frame (``parsed`` from :func:`hj212.parse`, or
    ``error`` when it could not be read) or a JSON reading (``payload``)."""

    source: str
    text: str
    mn: str = ""
    parsed: Mapping[str, Any] | None = None
    payload: Mapping[str, Any] | None = None
    error: str = ""
    peer: str = ""
    received_at: dt.datetime | None = None


@dataclass
class BatchResult:
    #: per item: "saved", "duplicate", "raw" (kept, no reading in it), or a quarantine reason
    outcomes: list[str] = field(default_factory=list)
    #: per item: {field: reason} of refused values (only for saved readings)
    rejected: list[dict[str, str]] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)

    @property
    def durable(self) -> list[bool]:
        """Whether each item is safely stored (the TCP server acknowledges only those)."""
        return [o in ("saved", "duplicate", "raw") for o in self.outcomes]


_valid_flags_cache: dict[dt.date, tuple[str, ...]] = {}


def valid_flags(on: dt.date) -> tuple[str, ...]:
    """The data flags that count as valid (rule ``smartsite.valid_data_flags``), once a day."""
    if on not in _valid_flags_cache:
        try:
            text = str(rule_value("smartsite.valid_data_flags", on=on))
        except NotFound:
            # Rule data not loaded (a fresh database before `seed`): HJ 212-2017's own
            # meaning of N rather than a listener that stores nothing.
            hooks.log.error("rule smartsite.valid_data_flags missing; counting only N as valid")
            text = "N"
        _valid_flags_cache.clear()
        _valid_flags_cache[on] = tuple(f.strip() for f in text.split(",") if f.strip())
    return _valid_flags_cache[on]


def _safe_text(text: str) -> str:
    # Non-UTF-8 bytes arrive as lone surrogates (surrogateescape) and PostgreSQL refuses NUL.
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _crc_ok(item: Incoming, device: Any) -> bool:
    assert item.parsed is not None
    if item.parsed.get("crc_ok"):
        return True
    variants = [v for v in device.crc_variants or () if v in hj212.CRC_VARIANTS]
    if not variants or variants == ["hj212"]:
        return False
    try:
        return bool(hj212.parse(item.text, crc_variants=variants)["crc_ok"])
    except hj212.FrameError:
        return False


def _reading_of(item: Incoming, device: Any, flags: tuple[str, ...]):
    if item.parsed is not None:
        return readings.from_cp(
            item.parsed.get("cp") or {},
            cn=item.parsed.get("cn"),
            pm_unit=device.pm_unit,
            valid_flags=flags,
        )
    return readings.from_json(item.payload or {}, pm_unit=device.pm_unit)


def _verdict(item: Incoming, device: Any) -> str | None:
    """The quarantine reason for an item, or None when it may be stored as the device's."""
    if item.error:
        return item.error
    if device is None or device.status == workflow.UNKNOWN:
        return "unknown_mn"
    if device.status == workflow.QUARANTINED:
        return "quarantined_device"
    if device.status == workflow.RETIRED:
        return "retired_device"
    if item.parsed is not None:
        if not _crc_ok(item, device):
            return "bad_crc"
        if device.password and item.parsed.get("pw") != device.password:
            return "bad_password"
    return None


def readings_ingest(
    *,
    actor: Actor,
    items: Sequence[Incoming],
    devices: Mapping[str, SimpleNamespace] | None = None,
) -> BatchResult:
    """Write one batch: raw frames, readings (first copy wins), quarantined traffic.

    ``devices`` ({mn: row of :func:`device_by_key`}) spares the lookup when the caller has
    just read every device of the batch (HTTP ingest: the one that authenticated)."""
    now = timezone.now()
    result = BatchResult()
    if not items:
        return result
    mns = {item.mn for item in items if item.mn}
    if devices is None or not mns <= devices.keys():
        # Plain rows, not model instances: building 500 Device objects a batch cost a sixth
        # of the ingest; readings and raw frames only need the id.
        devices = {
            row["mn"]: SimpleNamespace(**row)
            for row in Device.objects.filter(mn__in=mns).values(*_DEVICE_FIELDS)
        }
    flags = valid_flags(timezone.localdate(now))
    raws, quarantined, new_readings, seen = [], [], [], {}
    for item in items:
        received = item.received_at or now
        device = devices.get(item.mn)
        reason = _verdict(item, device)
        if reason is None:
            assert device is not None
            raws.append(
                SimpleNamespace(  # written by insert_rows: no model instance needed
                    device_id=device.pk,
                    received_at=received,
                    source=item.source,
                    text=_safe_text(item.text),
                    crc_ok=True if item.parsed is not None else None,
                    peer=item.peer[:64],
                )
            )
            seen[device.pk] = device
            try:
                parsed = _reading_of(item, device, flags)
            except readings.ReadingError as exc:
                reason = exc.code if exc.code in workflow.QUARANTINE_REASON else "malformed"
                detail = str(exc)
            else:
                if parsed is None:
                    result.outcomes.append("raw")
                    result.rejected.append({})
                    continue
                values = parsed.values
                # positional, in the model's field order (_READING_ORDER): a keyword
                # Reading(...) looks up the defaults of the missing fields one by one
                reading = Reading(
                    None,
                    device.pk,
                    parsed.time,
                    parsed.period,
                    received,
                    item.source,
                    *[values.get(name) for name in readings.FIELDS],
                    parsed.rejected,
                )
                new_readings.append(reading)
                result.outcomes.append("saved")
                result.rejected.append(parsed.rejected)
                continue
        else:
            detail = workflow.QUARANTINE_REASON.get(reason, "")
        quarantined.append(
            QuarantinedFrame(
                received_at=received,
                mn=_safe_text(item.mn)[:64],
                source=item.source,
                reason=reason,
                detail=detail[:200],
                text=_safe_text(item.text),
                peer=item.peer[:64],
            )
        )
        result.outcomes.append(reason)
        result.rejected.append({})
    # No savepoint inside a caller's transaction (the HTTP request's, with its rate count):
    # nothing here is retried on its own, and on PostgreSQL a savepoint and its release are
    # two more round trips a batch.
    with transaction.atomic(savepoint=False):
        unknown = [mn for mn in mns if mn not in devices and len(mn) <= 32]
        if unknown:
            # An MN heard but never registered becomes an "unknown" device the regulator
            # can see and a project can claim; its frames stay in quarantine.
            Device.objects.bulk_create(
                [Device(mn=mn, status=workflow.UNKNOWN) for mn in unknown],
                ignore_conflicts=True,
            )
        insert_rows(RawFrame, RAW_FIELDS, raws)
        QuarantinedFrame.objects.bulk_create(quarantined, batch_size=BATCH_SIZE)
        saved = _insert_readings(new_readings)
        stale = [
            pk
            for pk, d in seen.items()
            if not d.last_seen_at or now - d.last_seen_at > LAST_SEEN_EVERY
        ]
        if stale:
            Device.objects.filter(pk__in=stale).update(last_seen_at=now)
        transaction.on_commit(lambda: hooks.run_batch_hooks(saved))
    saved_ids = {id(r) for r in saved}
    index = 0
    for position, outcome in enumerate(result.outcomes):
        if outcome == "saved":
            reading = new_readings[index]
            index += 1
            if id(reading) not in saved_ids:
                result.outcomes[position] = "duplicate"
    result.readings = saved
    return result


def readings_ingest_from_listener(items: Sequence[Incoming]) -> list[bool]:
    """:func:`readings_ingest` for the long-lived listeners (HJ 212, MQTT), from their one
    writer thread: whether each item is durable. The thread keeps its connection; one that
    failed is checked and replaced before the next batch (a batch that failed is retried).
    Django's ``close_old_connections`` would also close it once ``CONN_MAX_AGE`` ran out: a
    new connection for every batch was a twentieth of the listener's time."""
    if connection.connection is not None and connection.errors_occurred:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()
    return readings_ingest(actor=SYSTEM, items=items).durable


def _insert_readings(new: list[Reading]) -> list[Reading]:
    """Insert, skipping a (device, period, time) already stored or repeated in the batch."""
    if not new:
        return []
    unique: dict[tuple, Reading] = {}
    for reading in new:
        unique.setdefault((reading.device_id, reading.period, reading.time), reading)
    fresh = list(unique.values())
    # The database says which were new (a resend after a reconnect is not), in the insert
    # itself: reading the batch's seconds back first cost a tenth of the ingest.
    return [fresh[i] for i in insert_new(Reading, READING_FIELDS, fresh, key=READING_KEY)]


def raw_records_purge(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Delete raw and quarantined frames older than the retention in rule data."""
    require(actor, "smartsite.monitors_manage")
    now = now or timezone.now()
    years = int(rule_value("smartsite.raw_record_retention", on=timezone.localdate(now)))
    cutoff = (
        now.replace(year=now.year - years)
        if not (now.month == 2 and now.day == 29)
        else (now.replace(year=now.year - years, day=28))
    )
    with transaction.atomic():
        raw, _ = RawFrame.objects.filter(received_at__lt=cutoff).delete()
        quarantined, _ = QuarantinedFrame.objects.filter(received_at__lt=cutoff).delete()
    return raw + quarantined
