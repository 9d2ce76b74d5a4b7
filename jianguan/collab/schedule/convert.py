"""Between the stored schedule and the engine's plain data: local wall-clock times (what MS
Project files and the engine speak) and the database's UTC instants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from jianguan.collab.schedule.engine.model import (
    CalendarSpec,
    LinkSpec,
    ProjectSpec,
    TaskSpec,
)
from jianguan.collab.schedule.models import Schedule

LOCAL = ZoneInfo("Asia/Shanghai")


def aware(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.replace(tzinfo=LOCAL)


def naive(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(LOCAL).replace(tzinfo=None)


def calendar_row(spec: CalendarSpec) -> dict:
    return {
        "uid": spec.uid,
        "name": spec.name[:200],
        "week": [[list(iv) for iv in day] for day in spec.week],
        "exceptions": {
            d.isoformat(): [list(iv) for iv in ivs] for d, ivs in sorted(spec.exceptions.items())
        },
    }


def calendar_spec(row) -> CalendarSpec:
    return CalendarSpec(
        uid=row.uid,
        name=row.name,
        week=tuple(tuple(tuple(iv) for iv in day) for day in row.week),
        exceptions={
            dt.date.fromisoformat(d): tuple(tuple(iv) for iv in ivs)
            for d, ivs in row.exceptions.items()
        },
    )


def spec_from_db(schedule: Schedule) -> ProjectSpec:
    """The stored schedule as the engine's plain data (one query per table)."""
    acts = list(schedule.activities.order_by("seq"))
    uid_of = {a.pk: a.uid for a in acts}
    links: dict[int, list[LinkSpec]] = {}
    for lk in schedule.links.order_by("pk"):
        links.setdefault(lk.succ_id, []).append(
            LinkSpec(uid_of[lk.pred_id], lk.type, lk.lag_minutes, lk.elapsed, lk.lag_format)
        )
    tasks = [
        TaskSpec(
            uid=a.uid,
            name=a.name,
            id=a.seq,
            outline_level=a.outline_level,
            summary=a.summary,
            milestone=a.milestone,
            duration=a.duration_minutes,
            elapsed=a.elapsed,
            calendar_uid=a.calendar_uid or None,
            constraint=a.constraint,
            constraint_date=naive(a.constraint_date),
            percent_complete=a.percent_complete,
            actual_start=naive(a.actual_start),
            actual_finish=naive(a.actual_finish),
            start=naive(a.planned_start),
            finish=naive(a.planned_finish),
            baseline_start=naive(a.baseline_start),
            baseline_finish=naive(a.baseline_finish),
            baseline_duration=a.baseline_duration,
            manual=a.manual,
            links=links.get(a.pk, []),
        )
        for a in acts
    ]
    return ProjectSpec(
        name=schedule.name,
        start=naive(schedule.start),
        calendar_uid=schedule.calendar_uid,
        calendars={c.uid: calendar_spec(c) for c in schedule.calendars.order_by("pk")},
        tasks=tasks,
        minutes_per_day=schedule.minutes_per_day,
        not_imported=list(schedule.not_imported),
    )
