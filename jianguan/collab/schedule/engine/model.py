"""The plain data of a schedule as MSPDI carries it (what import reads and export writes), and
`schedule()`, which turns it into a CPM network and computes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .calendar import (
    STANDARD_WEEK,
    Calendar,
    CalendarError,
    Intervals,
    elapsed_calendar,
    from_minutes,
    to_minutes,
)
from .cpm import Activity, Link, Result, ScheduleError, compute

# MSPDI numbers for link types and constraints, and back.
LINK_TYPE_CODES = {0: "FF", 1: "FS", 2: "SF", 3: "SS"}
LINK_TYPE_NUMBERS = {v: k for k, v in LINK_TYPE_CODES.items()}
CONSTRAINT_CODES = {
    0: "ASAP",
    1: "ALAP",
    2: "MSO",
    3: "MFO",
    4: "SNET",
    5: "SNLT",
    6: "FNET",
    7: "FNLT",
}
CONSTRAINT_NUMBERS = {v: k for k, v in CONSTRAINT_CODES.items()}
# MSPDI duration formats that count elapsed (calendar) time, and the percent ones.
ELAPSED_FORMATS = {4, 6, 8, 10, 12, 36, 38, 40, 42, 44}
PERCENT_FORMATS = {19, 20, 51, 52}


@dataclass
class CalendarSpec:
    uid: str
    name: str
    week: tuple[Intervals, ...] = STANDARD_WEEK  # Monday .. Sunday
    exceptions: dict[dt.date, Intervals] = field(default_factory=dict)

    def build(self) -> Calendar:
        return Calendar(self.name, self.week, self.exceptions, uid=self.uid)


@dataclass
class LinkSpec:
    pred_uid: str
    type: str = "FS"
    lag: int = 0  # minutes
    elapsed: bool = False
    lag_format: int = 7  # days, MS Project's default display


@dataclass
class TaskSpec:
    uid: str
    name: str
    id: int = 0
    outline_level: int = 1
    summary: bool = False
    milestone: bool = False
    duration: int = 0  # minutes (working, or elapsed when `elapsed`)
    elapsed: bool = False
    calendar_uid: str | None = None  # None: the project's calendar
    constraint: str = "ASAP"
    constraint_date: dt.datetime | None = None
    percent_complete: int = 0
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    baseline_start: dt.datetime | None = None
    baseline_finish: dt.datetime | None = None
    baseline_duration: int | None = None
    manual: bool = False
    links: list[LinkSpec] = field(default_factory=list)


@dataclass
class ProjectSpec:
    name: str
    start: dt.datetime
    calendar_uid: str
    calendars: dict[str, CalendarSpec]
    tasks: list[TaskSpec]
    minutes_per_day: int = 480
    not_imported: list[str] = field(default_factory=list)


@dataclass
class ScheduledTask:
    uid: str
    name: str
    early_start: dt.datetime
    early_finish: dt.datetime
    late_start: dt.datetime
    late_finish: dt.datetime
    total_float_minutes: int
    free_float_minutes: int
    critical: bool

    def as_json(self) -> dict:
        iso = dt.datetime.isoformat
        return {
            "uid": self.uid,
            "name": self.name,
            "early_start": iso(self.early_start),
            "early_finish": iso(self.early_finish),
            "late_start": iso(self.late_start),
            "late_finish": iso(self.late_finish),
            "total_float_minutes": self.total_float_minutes,
            "free_float_minutes": self.free_float_minutes,
            "critical": self.critical,
        }


def _children(tasks: list[TaskSpec]) -> dict[str, list[str]]:
    """Leaf descendants of every summary task, from the outline levels in file order."""
    leaves: dict[str, list[str]] = {t.uid: [] for t in tasks if t.summary}
    stack: list[TaskSpec] = []
    for t in tasks:
        while stack and stack[-1].outline_level >= t.outline_level:
            stack.pop()
        if not t.summary:
            for parent in stack:
                leaves[parent.uid].append(t.uid)
        stack.append(t)
    return leaves


def network(spec: ProjectSpec) -> tuple[list[Activity], list[Link]]:
    """The CPM network of a project: summary tasks leave it, their links go to their leaves (a link
    into a summary binds every task under it; one out of it starts from its last or first ones)."""
    built: dict[str, Calendar] = {}

    def cal_of(uid: str) -> Calendar:
        # Built when a task uses it: an unused calendar may be empty (a resource's, say).
        if uid not in built:
            try:
                built[uid] = spec.calendars[uid].build()
            except CalendarError as exc:
                raise ScheduleError("bad_calendar", str(exc)) from None
        return built[uid]

    elapsed = elapsed_calendar()
    activities: list[Activity] = []
    for t in spec.tasks:
        if t.summary:
            continue
        uid = t.calendar_uid if t.calendar_uid in spec.calendars else spec.calendar_uid
        cal = elapsed if t.elapsed else cal_of(uid)
        fixed_start, fixed_finish = t.actual_start, t.actual_finish
        if t.manual and t.start and t.finish:  # manually scheduled: MS Project keeps its dates
            fixed_start, fixed_finish = fixed_start or t.start, fixed_finish or t.finish
        activities.append(
            Activity(
                key=t.uid,
                duration=t.duration,
                calendar=cal,
                name=t.name,
                constraint=t.constraint,
                constraint_date=to_minutes(t.constraint_date) if t.constraint_date else None,
                actual_start=to_minutes(fixed_start) if fixed_start else None,
                actual_finish=to_minutes(fixed_finish) if fixed_finish else None,
                done=t.actual_finish is not None,
                manual=t.manual,
            )
        )
    leaves = _children(spec.tasks)
    direct = [(lk.pred_uid, t.uid, lk) for t in spec.tasks for lk in t.links]
    inside_preds = {(p, s) for p, s, _ in direct}
    links: list[Link] = []
    for p, s, lk in direct:
        for pp in _ends(p, leaves, inside_preds, first=lk.type in ("SS", "SF")):
            for ss in _ends(s, leaves, inside_preds, first=lk.type in ("FS", "SS"), as_succ=True):
                links.append(Link(pp, ss, lk.type, lk.lag, lk.elapsed))
    return activities, links


def _ends(uid, leaves, pairs, *, first: bool, as_succ: bool = False) -> list[str]:
    if uid not in leaves:
        return [uid]
    members = leaves[uid]
    if as_succ and first:
        return members  # a link into a summary's start holds back every task under it
    if not as_succ and not first:
        return members  # its finish is the latest finish under it
    group = set(members)
    if first:  # its start: the tasks under it that nothing under it precedes
        ends = [m for m in members if not any((o, m) in pairs for o in group)]
    else:  # its finish as a successor: the tasks under it that precede nothing under it
        ends = [m for m in members if not any((m, o) in pairs for o in group)]
    return ends or members


def schedule(spec: ProjectSpec) -> list[ScheduledTask]:
    activities, links = network(spec)
    results: list[Result] = compute(activities, links, to_minutes(spec.start))
    names = {a.key: a.name for a in activities}
    return [
        ScheduledTask(
            uid=r.key,
            name=names[r.key],
            early_start=from_minutes(r.early_start),
            early_finish=from_minutes(r.early_finish),
            late_start=from_minutes(r.late_start),
            late_finish=from_minutes(r.late_finish),
            total_float_minutes=r.total_float,
            free_float_minutes=r.free_float,
            critical=r.critical,
        )
        for r in results
    ]
