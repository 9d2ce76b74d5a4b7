"""The only writes of environmental alerts.

``alerts_from_readings`` is the ingest's batch hook: one query for the live alerts of the
batch's devices, one insert, one update and one ledger append per batch, so the alert exists
within the batch's own second (issue 17: an alert within seconds of the reading). Alerts and
decisions about them are ledgered; readings are not (DESIGN.md "Ledger").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, to_local, today_local
from jianguan.ledger.services import record, record_many
from jianguan.projects.models import Participant
from jianguan.projects.services.warnings import recompute_after_commit
from jianguan.smartsite import limits as limit_rules
from jianguan.smartsite.alerts import settings as alert_settings
from jianguan.smartsite.alerts import workflow
from jianguan.smartsite.alerts.models import EnvAlert
from jianguan.smartsite.monitors.models import Device

log = logging.getLogger("jianguan.smartsite.alerts")
FIELDS = ("noise_leq", "noise_la", "pm10")


def _wf(check, *args) -> None:
    try:
        check(*args)
    except workflow.AlertError as exc:
        raise Conflict(exc.message, code=exc.code) from None


def _hits(
    readings: Sequence[Any], limits: limit_rules.Limits
) -> tuple[list[tuple[Any, Any]], dict[int, Device]]:
    """(reading, exceedance) pairs in time order, and the devices of those readings. Limits
    are first judged as if every device stood at the boundary (the most limits apply), so
    only the few readings over some limit need their device read."""
    candidates = []
    noise_floor, pm10_floor = limit_rules.floors(limits)
    for reading in readings:
        la, leq = getattr(reading, "noise_la", None), getattr(reading, "noise_leq", None)
        pm10 = getattr(reading, "pm10", None)
        if not (
            (la is not None and la > noise_floor)
            or (leq is not None and leq > noise_floor)
            or (pm10 is not None and pm10_floor is not None and pm10 > pm10_floor)
        ):
            continue  # under every limit (most readings): no time zone, no rule walk
        values = {f: getattr(reading, f, None) for f in FIELDS}
        local = to_local(reading.time)
        found = limit_rules.exceedances(values, local, limits, boundary=True)
        if found:
            candidates.append((reading, values, local, found))
    if not candidates:
        return [], {}
    devices = Device.objects.only("mn", "project_id", "at_boundary").in_bulk(
        list({c[0].device_id for c in candidates})
    )
    out = []
    for reading, values, local, found in candidates:
        device = devices[reading.device_id]
        if device.project_id is None:
            continue
        if not device.at_boundary:
            found = limit_rules.exceedances(values, local, limits, boundary=False)
        out.extend((reading, exc) for exc in found)
    out.sort(key=lambda h: h[0].time)
    return out, devices


def _update(alerts: list[EnvAlert]) -> None:
    """Write the counters of the batch's live alerts: one prepared UPDATE run per alert.
    ``bulk_update`` builds a CASE expression per field and row, and resolving it cost more
    than all the rest of the ingest (a batch of 500 readings: ~0.4 s)."""
    if not alerts:
        return
    ops, q = connection.ops, connection.ops.quote_name
    stamp = ops.adapt_datetimefield_value(now())
    columns = ("status", "count", "last_at", "peak", "sustained", "updated_at")
    sets = ", ".join(f"{q(c)} = %s" for c in columns)
    rows = [
        (
            a.status,
            a.count,
            ops.adapt_datetimefield_value(a.last_at),
            a.peak,
            a.sustained,
            stamp,
            a.pk,
        )
        for a in alerts
    ]
    with connection.cursor() as cur:
        cur.executemany(f"UPDATE {q(EnvAlert._meta.db_table)} SET {sets} WHERE id = %s", rows)


def _payload(alert: EnvAlert) -> dict:
    return {
        "project_id": alert.project_id,
        "device": alert.device.mn,
        "metric": alert.metric,
        "first_at": alert.first_at,
        "last_at": alert.last_at,
        "count": alert.count,
        "peak": str(round(alert.peak, 1)),
        "limit": str(round(alert.limit, 1)),
    }


def alerts_from_readings(readings: Sequence[Any]) -> dict[str, int]:
    """Open, extend, close or mark sustained the alerts a batch of saved readings calls for."""
    day = today_local()
    limits = alert_settings.limits(day)
    hits, devices = _hits(readings, limits)
    if not hits:
        return {"opened": 0, "extended": 0, "sustained": 0}
    quiet = dt.timedelta(minutes=alert_settings.quiet_minutes(day))
    with transaction.atomic():
        hit_devices = {r.device_id for r, _ in hits}
        live = {}
        for a in EnvAlert.objects.select_for_update().filter(
            device_id__in=hit_devices, status__in=workflow.LIVE
        ):
            a.device = devices[a.device_id]  # read above; select_related would read it again
            live[(a.device_id, a.metric)] = a
        # A reading no newer than what an alert already counted is not counted again: the hook
        # may see a batch twice (the demo, a retried batch), and a late resend changes nothing.
        counted = {key: a.last_at for key, a in live.items()}
        new: list[EnvAlert] = []
        changed: dict[int, EnvAlert] = {}
        closed: list[EnvAlert] = []
        sustained: list[EnvAlert] = []
        for reading, exc in hits:
            key = (reading.device_id, exc.metric)
            if key in counted and reading.time <= counted[key]:
                continue
            alert = live.get(key)
            if alert is not None and reading.time - alert.last_at > quiet:
                alert.status = workflow.CLOSED
                closed.append(alert)
                if alert.pk:
                    changed[alert.pk] = alert
                alert = None
            if alert is None:
                device = devices[reading.device_id]
                alert = EnvAlert(
                    device=device,
                    project_id=device.project_id,
                    metric=exc.metric,
                    first_at=reading.time,
                    last_at=reading.time,
                    count=1,
                    peak=exc.value,
                    limit=exc.limit,
                    instantaneous=exc.instantaneous,
                )
                new.append(alert)
                live[key] = alert
            else:
                alert.count += 1
                alert.last_at = max(alert.last_at, reading.time)
                alert.peak = max(alert.peak, exc.value)
                if alert.pk:
                    changed[alert.pk] = alert
            if not alert.sustained and alert.count >= alert_settings.sustained_count(
                exc.metric, day
            ):
                alert.sustained = True
                sustained.append(alert)
        EnvAlert.objects.bulk_create(new)
        _update(list(changed.values()))
        items = [("smartsite.env_alert_opened", a, _payload(a), ()) for a in new]
        items += [("smartsite.env_alert_closed", a, _payload(a), ()) for a in closed if a.pk]
        items += [("smartsite.env_alert_sustained", a, _payload(a), ()) for a in sustained]
        record_many(actor=SYSTEM, items=items)
        for project_id in {a.project_id for a in sustained}:
            recompute_after_commit(project_id)
        if sustained:
            transaction.on_commit(lambda: _tell_sustained(sustained), robust=True)
    return {"opened": len(new), "extended": len(changed), "sustained": len(sustained)}


def _tell_sustained(alerts: list[EnvAlert]) -> None:
    from collections import defaultdict

    from django.urls import reverse

    from jianguan.accounts.models import Membership
    from jianguan.projects.models import Project
    from jianguan.workbench.notifications.services import notify

    # The district's regulator and the site's general contractor hear of it at once: the
    # people of every project concerned read in two queries, not two per alert.
    regulators = Membership.objects.filter(organisation__kind="regulator", is_active=True)
    reg_users = list(regulators.values_list("user_id", flat=True))
    project_ids = {a.project_id for a in alerts}
    names = dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "name"))
    gc_orgs = defaultdict(set)
    for project_id, org_id in Participant.objects.filter(
        project_id__in=project_ids, role="general_contractor", is_active=True
    ).values_list("project_id", "organisation_id"):
        gc_orgs[project_id].add(org_id)
    org_users = defaultdict(list)
    for org_id, user_id in Membership.objects.filter(
        organisation_id__in={o for orgs in gc_orgs.values() for o in orgs}, is_active=True
    ).values_list("organisation_id", "user_id"):
        org_users[org_id].append(user_id)
    for alert in alerts:
        site_users = [u for org in gc_orgs[alert.project_id] for u in org_users[org]]
        notify(
            recipients=reg_users + site_users,
            kind="smartsite.env_alert_sustained",
            title=f"持续超标：{names.get(alert.project_id, '')}，{alert.get_metric_display()}"
            f"（峰值 {alert.peak:.1f}，限值 {alert.limit:.0f}）",
            url=reverse("smartsite:env_alert", args=[alert.pk]),
            urgent=True,
        )


def alerts_close_quiet() -> int:
    """Periodic: an alert with no exceedance for the quiet period is over (已恢复正常)."""
    day = today_local()
    cutoff = now() - dt.timedelta(minutes=alert_settings.quiet_minutes(day))
    with transaction.atomic():
        quiet = list(
            EnvAlert.objects.select_for_update()
            .select_related("device")
            .filter(status__in=workflow.LIVE, last_at__lt=cutoff)
        )
        for alert in quiet:
            alert.status = workflow.CLOSED
        EnvAlert.objects.bulk_update(quiet, ["status", "updated_at"])
        record_many(
            actor=SYSTEM,
            items=[("smartsite.env_alert_closed", a, _payload(a), ()) for a in quiet],
        )
    return len(quiet)


def _site_party(actor: Actor, alert: EnvAlert) -> bool:
    return (
        actor.organisation_id is not None
        and Participant.objects.filter(
            project_id=alert.project_id,
            organisation_id=actor.organisation_id,
            role="general_contractor",
            is_active=True,
        ).exists()
    )


def _text(value: Any, label: str, limit: int = 500) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field")
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字", code="too_long")
    return text


def alert_answer(*, actor: Actor, alert: EnvAlert, answer: str) -> EnvAlert:
    """The site's contractor says what it did (洒水降尘、停止夜间作业…)."""
    if not (actor.can("smartsite.env_alerts_answer") and _site_party(actor, alert)):
        raise PermissionDenied("仅本项目施工总承包单位可反馈处置情况", code="permission_denied")
    answer = _text(answer, "处置情况")
    with transaction.atomic():
        alert = EnvAlert.objects.select_for_update().select_related("device").get(pk=alert.pk)
        _wf(workflow.check_ack, alert.status)
        alert.status, alert.answer = workflow.ACKNOWLEDGED, answer
        alert.save(update_fields=["status", "answer", "updated_at"])
        record(
            actor=actor,
            type="smartsite.env_alert_answered",
            obj=alert,
            payload={**_payload(alert), "answer": answer},
        )
    return alert


def _require_regulator(actor: Actor) -> None:
    if not (actor.is_kind("regulator") and actor.can("smartsite.env_alerts_decide")):
        raise PermissionDenied("仅监管部门可处理环境监测告警", code="permission_denied")


def alert_dismiss(*, actor: Actor, alert: EnvAlert, reason: str) -> EnvAlert:
    """The regulator finds no breach (设备故障、非施工噪声…): recorded with the reason."""
    _require_regulator(actor)
    reason = _text(reason, "不予处理的理由")
    with transaction.atomic():
        alert = EnvAlert.objects.select_for_update().select_related("device").get(pk=alert.pk)
        _wf(workflow.check_decide, alert.status)
        alert.status, alert.decision = workflow.DISMISSED, reason
        alert.save(update_fields=["status", "decision", "updated_at"])
        record(
            actor=actor,
            type="smartsite.env_alert_dismissed",
            obj=alert,
            payload={**_payload(alert), "reason": reason},
        )
    return alert


def alert_escalate(
    *, actor: Actor, alert: EnvAlert, severity: str = "general", note: str = ""
) -> EnvAlert:
    """The regulator confirms the breach: an environment finding of a special inspection today
    and its rectification order to the general contractor, through the compliance loop (the
    order's own clock, answer and re-inspection; a penalty only from there, by people)."""
    from jianguan.compliance import services as compliance

    _require_regulator(actor)
    with transaction.atomic():
        alert = (
            EnvAlert.objects.select_for_update()
            .select_related("device", "project")
            .get(pk=alert.pk)
        )
        _wf(workflow.check_decide, alert.status)
        gc = (
            Participant.objects.filter(
                project_id=alert.project_id, role="general_contractor", is_active=True
            )
            .select_related("organisation")
            .first()
        )
        if gc is None:
            raise Conflict("该项目没有在场的施工总承包单位，无法下达整改通知", code="no_contractor")
        unit = limit_rules.UNITS[alert.metric]
        words = "（瞬时声级）" if alert.instantaneous else ""
        description = (
            f"环境在线监测持续超标：{alert.get_metric_display()}{words}，设备 {alert.device}，"
            f"{to_local(alert.first_at):%m月%d日 %H:%M}至{to_local(alert.last_at):%H:%M}共 "
            f"{alert.count} 次，峰值 {alert.peak:.1f} {unit}，限值 {alert.limit:.0f} {unit}"
        )
        if note.strip():
            description = f"{description}。{note.strip()}"
        inspection = compliance.inspection_create(
            actor=actor,
            project=alert.project,
            kind="special",
            inspected_on=today_local(),
            notes="环境在线监测告警转检查发现",
        )
        order = compliance.finding_raise(
            actor=actor,
            inspection=inspection,
            type="environment",
            severity=severity,
            description=description[:500],
            responsible_organisation=gc.organisation,
            location=str(alert.device)[:200],
        )
        alert.status, alert.order, alert.decision = workflow.ESCALATED, order, note.strip()[:500]
        alert.save(update_fields=["status", "order", "decision", "updated_at"])
        record(
            actor=actor,
            type="smartsite.env_alert_escalated",
            obj=alert,
            payload={**_payload(alert), "order": order.number, "severity": severity},
        )
    return alert
