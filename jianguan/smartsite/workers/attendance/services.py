"""Writes for attendance: gate devices and their keys, entry and exit events (from a gate or
the labour officer), the per-worker-per-day rows a payroll reads, and refused-entry alerts.

An event for a person who is not registered, has no signed labour contract covering the day
or is not placed on the site is refused (保障农民工工资支付条例 第二十八条: nobody without a
labour contract and real-name registration may enter the site) and raises an alert with its
ledger entry; the alert is committed even though the gate's request is answered with an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, to_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.smartsite.workers import crypto, idcard, workflow
from jianguan.smartsite.workers.blacklist.services import person_blacklist
from jianguan.smartsite.workers.models import (
    AttendanceDay,
    AttendanceEvent,
    EntryAlert,
    GateDevice,
    Placement,
    Worker,
)
from jianguan.smartsite.workers.services import covering_contract

KEY_PREFIX = "gk_"


class EntryRefused(DomainError):
    """409: the request is understood and authorised, the person's state forbids the entry."""

    status = 409
    code = "entry_refused"


def key_hash(key: str) -> str:
    # The key is 32 random bytes: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(key.encode()).hexdigest()


def device_actor(device: GateDevice) -> Actor:
    """The gate acts as itself in the ledger (no person, no organisation)."""
    return Actor(username=f"gate:{device.serial}", display_name=device.name)


@transaction.atomic
def gate_device_register(
    *, actor: Actor, project: Project, name: str, serial: str
) -> tuple[GateDevice, str]:
    """The key is shown once, here; only its hash is kept."""
    require(actor, "smartsite.devices_manage")
    if not Participant.objects.filter(
        project=project,
        organisation_id=actor.organisation_id,
        role="general_contractor",
        is_active=True,
    ).exists():
        raise PermissionDenied(
            "只有本项目的施工总承包单位可以登记闸机", code="not_general_contractor"
        )
    name, serial = (name or "").strip(), (serial or "").strip()
    if not name or not serial or len(name) > 60 or len(serial) > 60:
        raise ValidationFailed("请填写闸机名称和序列号（各不超过60字）", code="bad_device")
    if GateDevice.objects.filter(serial=serial).exists():
        raise ValidationFailed(f"序列号 {serial} 的闸机已登记", code="duplicate_device")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    device = GateDevice.objects.create(
        project=project, name=name, serial=serial, key_prefix=key[:10], key_hash=key_hash(key)
    )
    record(
        actor=actor,
        type="smartsite.gate_device_registered",
        obj=device,
        payload={"project": project.code, "name": name, "serial": serial},
    )
    return device, key


def gate_device_by_key(key: str) -> GateDevice | None:
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return (
        GateDevice.objects.filter(key_hash=key_hash(key), is_active=True)
        .select_related("project")
        .first()
    )


@dataclass(frozen=True)
class Outcome:
    event: AttendanceEvent | None
    refusal: workflow.Refusal | None
    alert: EntryAlert | None


def _check(
    worker: Worker | None, project: Project, day: dt.date, index: str = ""
) -> workflow.Refusal | None:
    # The blacklist first, by identity: a listed person is refused whether registered or not.
    listed = person_blacklist(worker.id_number_index if worker else index, day)
    if listed:
        who = worker.name if worker else "此人"
        return workflow.Refusal("worker_blacklisted", f"{who}已被列入黑名单，不得进场：{listed[0]}")
    if worker is None:
        code = "worker_not_registered"
        return workflow.Refusal(
            code, "此人未实名登记，不得进场（《保障农民工工资支付条例》第二十八条）"
        )
    if covering_contract(worker, project, day) is None:
        code = "no_contract"
        return workflow.Refusal(
            code,
            f"{worker.name}未签订本项目的劳动合同，不得进场（《保障农民工工资支付条例》第二十八条）",
        )
    if not Placement.objects.filter(
        worker=worker, project=project, status=workflow.ACTIVE
    ).exists():
        return workflow.Refusal("not_placed", f"{worker.name}尚未办理本项目进场登记")
    return None


def _accept(
    *,
    worker: Worker,
    project: Project,
    direction: str,
    at: dt.datetime,
    source: str,
    device: GateDevice | None,
    recorded_by: str,
) -> AttendanceEvent:
    event = AttendanceEvent.objects.create(
        worker=worker,
        project=project,
        device=device,
        direction=direction,
        at=at,
        source=source,
        recorded_by=recorded_by,
    )
    day = to_local(at).date()
    row, _ = AttendanceDay.objects.select_for_update().get_or_create(
        worker=worker,
        project=project,
        day=day,
        defaults={"employer_id": worker.employer_id, "trade": worker.trade},
    )
    if direction == workflow.IN and (row.first_in is None or at < row.first_in):
        row.first_in = at
    if direction == workflow.OUT and (row.last_out is None or at > row.last_out):
        row.last_out = at
    row.events += 1
    row.minutes = workflow.work_minutes(row.first_in, row.last_out)
    row.save()
    return event


def _alert(
    *,
    actor: Actor,
    refusal: workflow.Refusal,
    project: Project,
    device: GateDevice | None,
    worker: Worker | None,
    index: str,
    masked: str,
    person_name: str,
    at: dt.datetime,
) -> EntryAlert:
    alert = EntryAlert.objects.create(
        project=project,
        device=device,
        worker=worker,
        reason=refusal.code,
        person_masked=masked,
        person_index=index,
        person_name=(worker.name if worker else person_name)[:50],
        at=at,
    )
    transaction.on_commit(lambda: _tell_employer(alert), robust=True)
    record(
        actor=actor,
        type="smartsite.entry_refused",
        obj=alert,
        payload={
            "project": project.code,
            "reason": refusal.code,
            "person_index": index,
            "person_masked": masked,
            "device": device.serial if device else None,
            "at": at,
        },
    )
    return alert


def _tell_employer(alert: EntryAlert) -> None:
    """The refused worker's employer (a labour subcontractor, usually) hears of it at once; for
    a person nobody registered, the site's labour subcontractors, who bring the labour on site.
    The general contractor and the regulator have it on their to-do lists."""
    from django.urls import reverse

    from jianguan.smartsite.notices import people_of
    from jianguan.workbench.notifications.services import notify

    if alert.worker is not None:
        firms = [alert.worker.employer_id]
        who = alert.worker.name
        url = reverse("smartsite:worker", args=[alert.project_id, alert.worker_id])
    else:
        firms = list(
            Participant.objects.filter(
                project_id=alert.project_id, role="labour_subcontractor", is_active=True
            ).values_list("organisation_id", flat=True)
        )
        who = f"{alert.person_name or '未识别姓名'}（{alert.person_masked}）"
        url = reverse("smartsite:project", args=[alert.project_id])
    notify(
        recipients=people_of(firms),
        kind="smartsite.entry_refused",
        title=f"{alert.get_reason_display()}：{alert.project.name}，{who}"
        f"（{to_local(alert.at):%m-%d %H:%M}）",
        url=url,
    )


def gate_event_record(
    *,
    device: GateDevice,
    id_number: str,
    direction: str,
    at: dt.datetime | None = None,
    person_name: str = "",
) -> AttendanceEvent:
    """An event pushed by a gate; a refusal raises EntryRefused after its alert is committed."""
    if direction not in workflow.DIRECTIONS:
        raise ValidationFailed("方向只能是 in（进场）或 out（出场）", code="bad_direction")
    received = now()
    at = at or received
    if at > received + dt.timedelta(minutes=5):
        raise ValidationFailed("事件时间晚于服务器时间", code="event_in_future")
    number = idcard.normalise(id_number)
    if not idcard.is_valid(number):
        raise ValidationFailed("身份证号无效", code="bad_id_number")
    project = device.project
    index = crypto.blind_index(number)
    with transaction.atomic():
        worker = Worker.objects.filter(id_number_index=index).first()
        refusal = _check(worker, project, to_local(at).date(), index)
        GateDevice.objects.filter(pk=device.pk).update(last_seen_at=received)
        if refusal is not None:
            _alert(
                actor=device_actor(device),
                refusal=refusal,
                project=project,
                device=device,
                worker=worker,
                index=index,
                masked=idcard.mask(number),
                person_name=person_name,
                at=at,
            )
            event = None
        else:
            event = _accept(
                worker=worker,
                project=project,
                direction=direction,
                at=at,
                source=workflow.GATE,
                device=device,
                recorded_by=device.name,
            )
    if refusal is not None:
        raise EntryRefused(refusal.message, code=refusal.code)
    return event


@transaction.atomic
def attendance_record_manual(
    *, actor: Actor, project: Project, worker: Worker, direction: str, at: dt.datetime
) -> AttendanceEvent:
    """劳资专管员补录 (a gate out of order): the same checks as a gate, refused without alert
    (the officer is told at once)."""
    require(actor, "smartsite.workers_manage")
    if (
        actor.organisation_id != worker.employer_id
        and not Participant.objects.filter(
            project=project,
            organisation_id=actor.organisation_id,
            role="general_contractor",
            is_active=True,
        ).exists()
    ):
        raise PermissionDenied(
            "只能为本单位或本单位总承包项目上的工人补录考勤", code="not_employer"
        )
    if direction not in workflow.DIRECTIONS:
        raise ValidationFailed("方向只能是进场或出场", code="bad_direction")
    if at > now() + dt.timedelta(minutes=5):
        raise ValidationFailed("不能补录未来的考勤", code="event_in_future")
    refusal = _check(worker, project, to_local(at).date())
    if refusal is not None:
        raise EntryRefused(refusal.message, code=refusal.code)
    event = _accept(
        worker=worker,
        project=project,
        direction=direction,
        at=at,
        source=workflow.MANUAL,
        device=None,
        recorded_by=actor.display_name or actor.username,
    )
    # A person's word, not a gate's: it counts for wages and the payment claim's labour check,
    # so who said so is ledgered (a gate's own events are device data, like readings).
    record(
        actor=actor,
        type="smartsite.attendance_recorded_manually",
        obj=event,
        payload={
            "project": project.code,
            "worker_id_index": worker.id_number_index,
            "worker_name": worker.name,
            "direction": direction,
            "at": at,
        },
    )
    return event


@transaction.atomic
def entry_alert_close(*, actor: Actor, alert: EntryAlert, note: str) -> EntryAlert:
    require(actor, "smartsite.alerts_handle")
    if alert.status != workflow.ALERT_OPEN:
        raise ValidationFailed("该告警已处理", code="alert_closed")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("请填写处理说明", code="note_required")
    alert.status = workflow.ALERT_CLOSED
    alert.closed_by = actor.display_name or actor.username
    alert.closed_note = note[:300]
    alert.save(update_fields=["status", "closed_by", "closed_note", "updated_at"])
    record(
        actor=actor,
        type="smartsite.entry_alert_closed",
        obj=alert,
        payload={"note": alert.closed_note},
    )
    return alert
