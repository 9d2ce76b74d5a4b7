"""Schedules and activities as plain dicts for the API and the pages: codes with their Chinese
labels, people by name, floats also in working days, slippage against the baseline in days."""

from __future__ import annotations

import datetime as dt
import math

from jianguan.collab.schedule.models import CONSTRAINTS, LINK_TYPES, SOURCES, Activity, Schedule

CONSTRAINT_LABELS = dict(CONSTRAINTS)
LINK_LABELS = dict(LINK_TYPES)
SOURCE_LABELS = dict(SOURCES)


def slip_days(current: dt.datetime | None, baseline: dt.datetime | None) -> int | None:
    """Calendar days a date lies behind its baseline (negative: ahead), rounded up."""
    if current is None or baseline is None:
        return None
    return math.ceil((current - baseline).total_seconds() / 86400)


def person(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_full_name() or "（未登记姓名）"


def schedule_read(s: Schedule, counts: dict | None = None) -> dict:
    counts = counts or {}
    return {
        "id": s.pk,
        "project_id": s.project_id,
        "project_name": s.project.name,
        "name": s.name,
        "start": s.start,
        "finish": s.finish,
        "baseline_finish": s.baseline_finish,
        "slip_days": slip_days(s.finish, s.baseline_finish),
        "activities": counts.get("activities", 0),
        "critical": counts.get("critical", 0),
        "source_name": s.source_name,
        "source_sm3": s.source_sm3,
        "not_imported": list(s.not_imported),
        "imported_by": person(s.imported_by),
        "computed_at": s.computed_at,
        "baseline_set_at": s.baseline_set_at,
    }


def counts_of(s: Schedule) -> dict:
    acts = s.activities.filter(summary=False)
    return {"activities": acts.count(), "critical": acts.filter(critical=True).count()}


def activity_read(a: Activity, mpd: int = 480) -> dict:
    days = lambda m: None if m is None else round(m / mpd, 2)  # noqa: E731
    return {
        "id": a.pk,
        "uid": a.uid,
        "name": a.name,
        "outline_level": a.outline_level,
        "summary": a.summary,
        "milestone": a.milestone,
        "duration_minutes": a.duration_minutes,
        "duration_days": days(a.duration_minutes),
        "constraint": a.constraint,
        "constraint_label": CONSTRAINT_LABELS[a.constraint],
        "constraint_date": a.constraint_date,
        "percent_complete": a.percent_complete,
        "actual_start": a.actual_start,
        "actual_finish": a.actual_finish,
        "baseline_start": a.baseline_start,
        "baseline_finish": a.baseline_finish,
        "early_start": a.early_start,
        "early_finish": a.early_finish,
        "late_start": a.late_start,
        "late_finish": a.late_finish,
        "total_float_minutes": a.total_float,
        "total_float_days": days(a.total_float),
        "free_float_minutes": a.free_float,
        "critical": a.critical,
        "slip_days": slip_days(a.early_finish, a.baseline_finish),
        "source": a.source,
        "source_label": SOURCE_LABELS[a.source],
    }
