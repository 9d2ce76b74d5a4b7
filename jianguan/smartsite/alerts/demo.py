"""Demo: dust and noise monitors on the demo district's sites under construction, with the last
24 hours of minute readings sent over HTTP JSON (through the real ingest), one site that broke
the night noise limit last night (a sustained alert the contractor has answered and the
regulator has still to decide) and one with a dusty afternoon. Idempotent."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import now, to_local
from jianguan.projects.models import Participant, Project
from jianguan.smartsite.alerts import services, workflow
from jianguan.smartsite.alerts.models import EnvAlert
from jianguan.smartsite.monitors.models import Device
from jianguan.smartsite.monitors.services import Incoming, device_register, readings_ingest

STEP = dt.timedelta(minutes=10)


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _values(rnd: random.Random, local: dt.datetime, *, noisy_night: bool, dusty: bool) -> dict:
    hour = local.hour + local.minute / 60
    working = 7 <= hour < 19
    noise = (58 + 6 * math.sin((hour - 7) / 12 * math.pi) if working else 45) + rnd.uniform(-2, 2)
    if noisy_night and (local.hour == 23 or local.hour < 1):
        noise = 60 + rnd.uniform(0, 6)  # concrete pour running past 22:00
    pm10 = 45 + 15 * math.sin(hour / 24 * 2 * math.pi) + rnd.uniform(-5, 5)
    if dusty and 14 <= local.hour < 16:
        pm10 = 95 + rnd.uniform(0, 40)  # earthworks in wind, spraying late
    return {
        "time": local.isoformat(),
        "period": "min",
        "pm10": round(pm10, 1),
        "pm25": round(pm10 * 0.55, 1),
        "noise_leq": round(noise, 1),
        "noise_la": round(noise + rnd.uniform(0, 4), 1),
        "wind_speed": round(rnd.uniform(0.5, 4.5), 1),
        "temperature": round(2 + 6 * math.sin((hour - 9) / 24 * 2 * math.pi), 1),
        "humidity": round(rnd.uniform(30, 55), 1),
    }


def seed() -> dict[str, object]:
    owner = _actor("owner")
    if owner is None or Device.objects.exclude(mn__startswith="MATRIX").exists():
        return {"skipped": True}
    sites = list(Project.objects.filter(stage="construction").order_by("code")[:4])
    if not sites:
        return {"skipped": "no site under construction"}
    end = now().replace(second=0, microsecond=0)
    readings = 0
    for i, project in enumerate(sites):
        device, _key = device_register(
            actor=SYSTEM,
            project=project,
            mn=f"DX{project.pk:04d}MON{i + 1:02d}",
            name="东侧场界扬尘噪声监测点",
        )
        rnd = random.Random(project.pk)
        items = []
        moment = end - dt.timedelta(hours=24)
        while moment <= end:
            payload = _values(rnd, to_local(moment), noisy_night=i == 0, dusty=i == 1)
            items.append(
                Incoming(
                    source="http",
                    text=json.dumps(payload, ensure_ascii=False),
                    mn=device.mn,
                    payload=payload,
                    received_at=moment,
                )
            )
            moment += STEP
        result = readings_ingest(actor=SYSTEM, items=items)
        readings += len(result.readings)
        services.alerts_from_readings(result.readings)
    answered = _answer_the_night(sites[0])
    return {
        "sites": len(sites),
        "readings": readings,
        "alerts": EnvAlert.objects.count(),
        "answered": answered,
    }


def _answer_the_night(project: Project) -> int:
    gc = Participant.objects.filter(
        project=project, role="general_contractor", is_active=True
    ).first()
    if gc is None:
        return 0
    member = User.objects.filter(
        memberships__organisation_id=gc.organisation_id, memberships__is_active=True
    ).first()
    if member is None:
        return 0
    alert = EnvAlert.objects.filter(
        project=project, metric="noise_night", sustained=True, status=workflow.OPEN
    ).first()
    if alert is None:
        return 0
    services.alert_answer(
        actor=actor_for(member),
        alert=alert,
        answer="当晚混凝土浇筑超过22:00，已停止夜间浇筑并调整为次日白天施工，泵车移至北侧远离住宅",
    )
    return 1
