"""The only writes of daily logs. Each runs in one transaction with its ledger entry: a log is
written as a draft by its organisation, signed by its author (the SM3 of the canonical content,
photos' SM3 included, goes into the ledger) and never edited after; a correction is an addendum
referring to the signed log. A supervisor's log may raise a finding through compliance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction

from jianguan.collab.dailylogs import selectors, workflow
from jianguan.collab.dailylogs.models import DailyLog, DailyLogPhoto
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Project

TEXT_MAX = 5000


def _wf(call, *args):
    try:
        return call(*args)
    except workflow.Invalid as exc:
        code = exc.code
        if code in ("log_signed", "already_signed"):
            raise Conflict(str(exc), code=code) from None
        raise ValidationFailed(str(exc), code=code) from None


def _content(
    *,
    weather_am: str = "",
    weather_pm: str = "",
    temp_min: int | None = None,
    temp_max: int | None = None,
    wind: str = "",
    manpower: Iterable[Mapping[str, Any]] = (),
    equipment: Iterable[Mapping[str, Any]] = (),
    work_done: str = "",
    issues: str = "",
) -> dict:
    _wf(workflow.check_weather, weather_am or "", "上午")
    _wf(workflow.check_weather, weather_pm or "", "下午")
    _wf(workflow.check_temperatures, temp_min, temp_max)
    for text, what in ((work_done, "工作内容"), (issues, "存在问题")):
        if len(text or "") > TEXT_MAX:
            raise ValidationFailed(f"{what}最多 {TEXT_MAX} 字", code="text_too_long")
    return {
        "weather_am": weather_am or "",
        "weather_pm": weather_pm or "",
        "temp_min": temp_min,
        "temp_max": temp_max,
        "wind": (wind or "").strip()[:40],
        "manpower": _wf(workflow.manpower_rows, list(manpower or ()), selectors.trades()),
        "equipment": _wf(workflow.equipment_rows, list(equipment or ())),
        "work_done": (work_done or "").strip(),
        "issues": (issues or "").strip(),
    }


def _ledger_ref(log: DailyLog) -> dict:
    return {"project": log.project.code, "kind": log.kind, "log_date": log.log_date}


@transaction.atomic
def log_create(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    log_date: dt.date,
    addendum_of: DailyLog | None = None,
    prefill: bool = True,
    **fields: Any,
) -> DailyLog:
    """A draft log. Manpower left out (None) is prefilled from the day's attendance."""
    _wf(workflow.check_kind, kind)
    selectors.require_writer(actor, project, kind)
    _wf(workflow.check_date, log_date, today_local())
    if addendum_of is not None:
        if addendum_of.project_id != project.pk or addendum_of.status != workflow.SIGNED:
            raise ValidationFailed("补充记录只能针对本项目已签署的日志", code="bad_addendum")
        if addendum_of.organisation_id != actor.organisation_id:
            raise PermissionDenied("只能为本单位的日志写补充记录", code="not_log_writer")
        kind, log_date = addendum_of.kind, addendum_of.log_date
    if fields.get("manpower") is None:
        fields["manpower"] = selectors.attendance_manpower(project, log_date) if prefill else []
    content = _content(**fields)
    duplicate = DailyLog.objects.filter(
        project=project,
        kind=kind,
        organisation_id=actor.organisation_id,
        log_date=log_date,
        addendum_of__isnull=True,
    ).exists()
    if duplicate and addendum_of is None:
        raise Conflict(
            f"本单位 {log_date:%Y-%m-%d} 的{workflow.KINDS[kind]}已存在，请打开原日志修改或写补充记录",
            code="duplicate_log",
        )
    try:
        with transaction.atomic():
            log = DailyLog.objects.create(
                project=project,
                kind=kind,
                log_date=log_date,
                organisation_id=actor.organisation_id,
                author_id=actor.user_id,
                addendum_of=addendum_of,
                **content,
            )
    except IntegrityError:  # a concurrent request wrote the same day first
        raise Conflict("该日日志已存在", code="duplicate_log") from None
    record(
        actor=actor,
        type="dailylogs.addendum_created" if addendum_of else "dailylogs.log_created",
        obj=log,
        payload={**_ledger_ref(log), "addendum_of": addendum_of.pk if addendum_of else None},
    )
    return log


def _author_check(actor: Actor, log: DailyLog) -> None:
    if log.author_id != actor.user_id:
        raise PermissionDenied("只有日志的填写人可以修改或签署", code="not_author")


@transaction.atomic
def log_update(*, actor: Actor, log: DailyLog, **fields: Any) -> DailyLog:
    log = DailyLog.objects.select_for_update().select_related("project").get(pk=log.pk)
    _author_check(actor, log)
    _wf(workflow.check_editable, log.status)
    current = {k: getattr(log, k) for k in _content()}
    content = _content(**{**current, **{k: v for k, v in fields.items() if v is not None}})
    for key, value in content.items():
        setattr(log, key, value)
    log.save()
    record(actor=actor, type="dailylogs.log_updated", obj=log, payload=_ledger_ref(log))
    return log


@transaction.atomic
def log_photo_add(*, actor: Actor, log: DailyLog, photo, caption: str = "") -> DailyLogPhoto:
    log = DailyLog.objects.select_for_update().select_related("project").get(pk=log.pk)
    _author_check(actor, log)
    _wf(workflow.check_editable, log.status)
    if log.photos.count() >= uploads.MAX_FILES:
        raise ValidationFailed(f"每篇日志最多 {uploads.MAX_FILES} 张照片", code="too_many_files")
    ext = uploads.check(photo, "现场照片", uploads.PHOTO_TYPES, uploads.MAX_PHOTO_BYTES)
    digest = uploads.sm3(photo)
    photo.name = f"log-{log.pk}-{digest[:12]}{ext}"  # the client's file name is not trusted
    item = DailyLogPhoto.objects.create(
        log=log,
        file=photo,
        sm3=digest,
        caption=(caption or "").strip()[:100],
        uploaded_by_id=actor.user_id,
    )
    record(
        actor=actor,
        type="dailylogs.photo_added",
        obj=log,
        payload={**_ledger_ref(log), "photo": item.pk},
        files=[{"name": f"photo-{item.pk}", "sm3": digest}],
    )
    return item


def signed_content(log: DailyLog) -> dict:
    """What the signature covers: the log's content, its identity and its photos' SM3."""
    return {
        "project": log.project.code,
        "kind": log.kind,
        "log_date": log.log_date.isoformat(),
        "organisation": log.organisation.credit_code,
        "author": log.author.username,
        "addendum_of": log.addendum_of_id,
        **{k: getattr(log, k) for k in _content()},
        "photos": [p.sm3 for p in log.photos.order_by("pk")],
    }


@transaction.atomic
def log_sign(*, actor: Actor, log: DailyLog) -> DailyLog:
    log = (
        DailyLog.objects.select_for_update()
        .select_related("project", "organisation", "author")
        .get(pk=log.pk)
    )
    _author_check(actor, log)
    _wf(workflow.check_signable, log.status)
    log.content_sm3 = workflow.content_sm3(signed_content(log))
    log.status, log.signed_at = workflow.SIGNED, now()
    log.save()
    record(
        actor=actor,
        type="dailylogs.log_signed",
        obj=log,
        payload={**_ledger_ref(log), "content_sm3": log.content_sm3},
    )
    return log


@transaction.atomic
def log_finding_raise(
    *,
    actor: Actor,
    log: DailyLog,
    type: str,
    severity: str,
    description: str,
    responsible_organisation,
    location: str = "",
):
    """The supervisor's log raises a finding: an inspection on the log's day by the supervisor
    and its rectification order (compliance), linked to the log."""
    from jianguan.compliance.services import finding_raise, inspection_create

    if log.kind != workflow.SUPERVISION:
        raise ValidationFailed("只有监理日志可以提出检查问题", code="not_supervision_log")
    if log.organisation_id != actor.organisation_id:
        raise PermissionDenied("只能在本单位的监理日志中提出问题", code="not_log_writer")
    log = DailyLog.objects.select_for_update().select_related("project").get(pk=log.pk)
    if log.finding_order_id:
        raise Conflict("该监理日志已提出过问题", code="finding_exists")
    inspection = inspection_create(
        actor=actor,
        project=log.project,
        kind="routine",
        inspected_on=log.log_date,
        notes=f"监理日志 {log.log_date:%Y-%m-%d} 提出",
    )
    order = finding_raise(
        actor=actor,
        inspection=inspection,
        type=type,
        severity=severity,
        description=description,
        responsible_organisation=responsible_organisation,
        location=location,
    )
    log.finding_order_id = order.pk
    log.save(update_fields=["finding_order_id", "updated_at"])
    record(
        actor=actor,
        type="dailylogs.finding_raised",
        obj=log,
        payload={**_ledger_ref(log), "order": order.number},
    )
    return order
