"""Reads of alerts and of the live state of the sites: scoped to the projects the actor sees."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Max, QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.timeutil import now, to_local, today_local
from jianguan.projects.models import Project
from jianguan.projects.selectors import project_get_visible_to, project_list_visible_to
from jianguan.smartsite import limits as limit_rules
from jianguan.smartsite.alerts import settings as alert_settings
from jianguan.smartsite.alerts import workflow
from jianguan.smartsite.alerts.models import EnvAlert
from jianguan.smartsite.monitors import workflow as device_workflow
from jianguan.smartsite.monitors.models import Device, Reading

VALUES = ("pm25", "pm10", "noise_la", "noise_leq", "wind_speed", "temperature", "humidity")
STALE = dt.timedelta(minutes=30)  # a site silent this long shows grey: the device is down


def _require(actor: Actor) -> None:
    if not actor.can("smartsite.view"):
        raise PermissionDenied("无权查看智慧工地", code="permission_denied")


def visible_projects(actor: Actor) -> QuerySet[Project]:
    _require(actor)
    return project_list_visible_to(actor=actor)


def alerts_visible_to(*, actor: Actor) -> QuerySet[EnvAlert]:
    ids = visible_projects(actor).values("pk")
    return EnvAlert.objects.filter(project_id__in=ids).select_related("project", "device", "order")


def alert_get(*, actor: Actor, pk: int) -> EnvAlert:
    if not 0 < pk < 2**62:
        raise NotFound("告警不存在", code="alert_not_found")
    alert = alerts_visible_to(actor=actor).filter(pk=pk).first()
    if alert is None:
        raise NotFound("告警不存在或无权查看", code="alert_not_found")
    return alert


def project_for(*, actor: Actor, pk: int) -> Project:
    _require(actor)
    return project_get_visible_to(actor=actor, pk=pk)


def live_alerts(*, actor: Actor, limit: int = 50) -> list[EnvAlert]:
    qs = alerts_visible_to(actor=actor).filter(status__in=workflow.LIVE)
    return list(qs.order_by("-last_at", "-pk")[:limit])


def to_decide(*, actor: Actor) -> QuerySet[EnvAlert]:
    """Sustained alerts nobody has decided on yet: the regulator's to-do."""
    return alerts_visible_to(actor=actor).filter(
        sustained=True, status__in=workflow.DECIDE_FROM, decision=""
    )


def _latest(devices: list[Device]) -> dict[int, Reading]:
    times = dict(
        Reading.objects.filter(device__in=devices)
        .values("device_id")
        .annotate(t=Max("time"))
        .values_list("device_id", "t")
    )
    if not times:
        return {}
    rows = Reading.objects.filter(device_id__in=list(times), time__in=set(times.values()))
    return {r.device_id: r for r in rows if times.get(r.device_id) == r.time}


def sites(*, actor: Actor) -> list[dict]:
    """Every visible site with monitors: its latest values and the map colour they earn."""
    devices = list(
        Device.objects.filter(
            project__in=visible_projects(actor), status=device_workflow.ACTIVE
        ).select_related("project")
    )
    latest = _latest(devices)
    limits = alert_settings.limits(today_local())
    live = defaultdict(int)
    for project_id in EnvAlert.objects.filter(
        project__in={d.project_id for d in devices}, status__in=workflow.LIVE
    ).values_list("project_id", flat=True):
        live[project_id] += 1
    rank = {"red": 3, "yellow": 2, "green": 1, "grey": 0}
    out: dict[int, dict] = {}
    moment = now()
    for device in devices:
        reading = latest.get(device.pk)
        values = {k: getattr(reading, k) for k in VALUES} if reading else {}
        if reading is None or moment - reading.time > STALE:
            level = "grey"
        else:
            level = limit_rules.level_of(values, to_local(reading.time), limits)
        p = device.project
        site = out.setdefault(
            p.pk,
            {
                "project": p,
                "lat": float(p.latitude),
                "lon": float(p.longitude),
                "level": "grey",
                "devices": [],
                "alerts": live[p.pk],
            },
        )
        site["devices"].append({"device": device, "reading": reading, "level": level, **values})
        if rank[level] > rank[site["level"]]:
            site["level"] = level
    return sorted(out.values(), key=lambda s: (-rank[s["level"]], s["project"].code))


def series(project: Project, *, hours: int = 24, bucket_minutes: int = 5) -> dict:
    """The last ``hours`` of a site's readings per device, averaged into buckets for the chart."""
    since = now() - dt.timedelta(hours=hours)
    rows = (
        Reading.objects.filter(device__project=project, time__gte=since)
        .order_by("time")
        .values_list(
            "device_id",
            "device__name",
            "device__mn",
            "time",
            "pm10",
            "pm25",
            "noise_leq",
            "noise_la",
        )
    )
    step = bucket_minutes * 60
    acc: dict[tuple[int, int], list] = {}
    names: dict[int, str] = {}
    for device_id, name, mn, time, pm10, pm25, leq, la in rows.iterator():
        names[device_id] = name or mn
        key = (device_id, int(time.timestamp()) // step)
        slot = acc.setdefault(key, [0, 0.0, 0, 0.0, 0, 0.0, 0])
        if pm10 is not None:
            slot[0] += 1
            slot[1] += pm10
        if pm25 is not None:
            slot[2] += 1
            slot[3] += pm25
        noise = leq if leq is not None else la
        if noise is not None:
            slot[4] += 1
            slot[5] = max(slot[5], noise) if slot[4] > 1 else noise
    out: dict[int, dict] = {
        d: {"name": n, "pm10": [], "pm25": [], "noise": []} for d, n in names.items()
    }
    for (device_id, slot_no), slot in sorted(acc.items(), key=lambda kv: kv[0][1]):
        t = to_local(dt.datetime.fromtimestamp(slot_no * step, tz=dt.UTC)).strftime(
            "%Y-%m-%d %H:%M"
        )
        series_ = out[device_id]
        if slot[0]:
            series_["pm10"].append([t, round(slot[1] / slot[0], 1)])
        if slot[2]:
            series_["pm25"].append([t, round(slot[3] / slot[2], 1)])
        if slot[4]:
            series_["noise"].append([t, round(slot[5], 1)])
    limits = alert_settings.limits(today_local())
    return {
        "devices": list(out.values()),
        "limits": {
            "pm10": limits.pm10,
            "noise_day": limits.noise_day,
            "noise_night": limits.noise_night,
        },
    }
