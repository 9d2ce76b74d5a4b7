"""Write Microsoft Project XML (MSPDI) in the shape MS Project writes it: calendars with their
week days and exceptions, tasks with durations, constraints, calendars, actuals, baseline 0,
predecessor links with lags, and (when given) the computed early/late dates and slack."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from .model import (
    CONSTRAINT_NUMBERS,
    ELAPSED_FORMATS,
    LINK_TYPE_NUMBERS,
    ProjectSpec,
    ScheduledTask,
)

NS = "http://schemas.microsoft.com/project"


def _iso(value: dt.datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def _dur(minutes: int) -> str:
    h, m = divmod(abs(int(minutes)), 60)
    return f"{'-' if minutes < 0 else ''}PT{h}H{m}M0S"


def _hm(minute: int) -> str:
    return "00:00:00" if minute == 1440 else f"{minute // 60:02d}:{minute % 60:02d}:00"


def _sub(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _working_times(parent: ET.Element, intervals) -> None:
    _sub(parent, "DayWorking", 1 if intervals else 0)
    if intervals:
        wts = _sub(parent, "WorkingTimes")
        for a, b in intervals:
            wt = _sub(wts, "WorkingTime")
            _sub(wt, "FromTime", _hm(a))
            _sub(wt, "ToTime", _hm(b))


def _calendar(parent: ET.Element, cal) -> None:
    el = _sub(parent, "Calendar")
    _sub(el, "UID", cal.uid)
    _sub(el, "Name", cal.name)
    _sub(el, "IsBaseCalendar", 1)
    _sub(el, "BaseCalendarUID", -1)
    days = _sub(el, "WeekDays")
    for mspdi_day in range(1, 8):  # 1 = Sunday
        wd = _sub(days, "WeekDay")
        _sub(wd, "DayType", mspdi_day)
        _working_times(wd, cal.week[(mspdi_day + 5) % 7])
    # Runs of consecutive dates with the same hours become one exception, as MS Project writes.
    if cal.exceptions:
        excs = _sub(el, "Exceptions")
        dates = sorted(cal.exceptions)
        runs: list[list[dt.date]] = []
        for d in dates:
            if (
                runs
                and (d - runs[-1][-1]).days == 1
                and cal.exceptions[d] == cal.exceptions[runs[-1][-1]]
            ):
                runs[-1].append(d)
            else:
                runs.append([d])
        for run in runs:
            exc = _sub(excs, "Exception")
            _sub(exc, "EnteredByOccurrences", 0)
            tp = _sub(exc, "TimePeriod")
            _sub(tp, "FromDate", f"{run[0].isoformat()}T00:00:00")
            _sub(tp, "ToDate", f"{run[-1].isoformat()}T23:59:00")
            _sub(exc, "Occurrences", 1)
            _sub(exc, "Name", "")
            _sub(exc, "Type", 1)
            _working_times(exc, cal.exceptions[run[0]])


def write(spec: ProjectSpec, computed: list[ScheduledTask] | None = None) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}Project")
    # ElementTree puts the namespace on the root; children take the default namespace.
    q = lambda tag: f"{{{NS}}}{tag}"  # noqa: E731
    ET.SubElement(root, q("SaveVersion")).text = "14"
    ET.SubElement(root, q("Name")).text = spec.name
    ET.SubElement(root, q("Title")).text = spec.name
    ET.SubElement(root, q("ScheduleFromStart")).text = "1"
    ET.SubElement(root, q("StartDate")).text = _iso(spec.start)
    ET.SubElement(root, q("CalendarUID")).text = spec.calendar_uid
    ET.SubElement(root, q("MinutesPerDay")).text = str(spec.minutes_per_day)
    cals = ET.SubElement(root, q("Calendars"))
    for cal in spec.calendars.values():
        _calendar(cals, cal)
    tasks = ET.SubElement(root, q("Tasks"))
    by_uid = {c.uid: c for c in computed or []}
    numbers = _numbers([t.uid for t in spec.tasks])
    for t in spec.tasks:
        _task(tasks, t, by_uid.get(t.uid), numbers)
    _qualify(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _numbers(uids: list[str]) -> dict[str, str]:
    """MS Project's UIDs are numbers: others (our register milestones) get the next free ones."""
    taken = [int(u) for u in uids if u.isdigit()]
    nxt = max(taken, default=0) + 1
    out = {}
    for u in uids:
        if u.isdigit():
            out[u] = u
        else:
            out[u], nxt = str(nxt), nxt + 1
    return out


def _task(parent: ET.Element, t, c: ScheduledTask | None, numbers: dict[str, str]) -> None:
    el = _sub(parent, "Task")
    _sub(el, "UID", numbers[t.uid])
    _sub(el, "ID", t.id)
    _sub(el, "Name", t.name)
    _sub(el, "Manual", 1 if t.manual else 0)
    _sub(el, "OutlineLevel", t.outline_level)
    start = c.early_start if c else t.start
    finish = c.early_finish if c else t.finish
    if start:
        _sub(el, "Start", _iso(start))
    if finish:
        _sub(el, "Finish", _iso(finish))
    _sub(el, "Duration", _dur(t.duration))
    _sub(el, "DurationFormat", 8 if t.elapsed else 7)
    _sub(el, "Milestone", 1 if t.milestone else 0)
    _sub(el, "Summary", 1 if t.summary else 0)
    # In the order of the MSPDI schema's sequence: MS Project reads the file against it.
    if c:
        _sub(el, "Critical", 1 if c.critical else 0)
        _sub(el, "EarlyStart", _iso(c.early_start))
        _sub(el, "EarlyFinish", _iso(c.early_finish))
        _sub(el, "LateStart", _iso(c.late_start))
        _sub(el, "LateFinish", _iso(c.late_finish))
        _sub(el, "FreeSlack", c.free_float_minutes * 10)
        _sub(el, "TotalSlack", c.total_float_minutes * 10)
    _sub(el, "PercentComplete", t.percent_complete)
    if t.actual_start:
        _sub(el, "ActualStart", _iso(t.actual_start))
    if t.actual_finish:
        _sub(el, "ActualFinish", _iso(t.actual_finish))
    _sub(el, "ConstraintType", CONSTRAINT_NUMBERS[t.constraint])
    _sub(el, "CalendarUID", t.calendar_uid if t.calendar_uid is not None else -1)
    if t.constraint_date:
        _sub(el, "ConstraintDate", _iso(t.constraint_date))
    for lk in t.links:
        pl = _sub(el, "PredecessorLink")
        _sub(pl, "PredecessorUID", numbers.get(lk.pred_uid, lk.pred_uid))
        _sub(pl, "Type", LINK_TYPE_NUMBERS[lk.type])
        _sub(pl, "CrossProject", 0)
        _sub(pl, "LinkLag", lk.lag * 10)
        _sub(
            pl,
            "LagFormat",
            lk.lag_format
            if (lk.lag_format in ELAPSED_FORMATS) == lk.elapsed
            else (8 if lk.elapsed else 7),
        )
    if t.baseline_start or t.baseline_finish:
        bl = _sub(el, "Baseline")
        _sub(bl, "Number", 0)
        if t.baseline_start:
            _sub(bl, "Start", _iso(t.baseline_start))
        if t.baseline_finish:
            _sub(bl, "Finish", _iso(t.baseline_finish))
        if t.baseline_duration is not None:
            _sub(bl, "Duration", _dur(t.baseline_duration))


def _qualify(root: ET.Element) -> None:
    """Put every element in the MSPDI namespace (the helpers above write bare names)."""
    for el in root.iter():
        if not el.tag.startswith("{"):
            el.tag = f"{{{NS}}}{el.tag}"
