"""Read Microsoft Project XML (MSPDI, namespace http://schemas.microsoft.com/project).

What scheduling needs is read: the project start and calendar, calendars (week days with working
times, base calendars, dated and daily-recurring exceptions, alternate work weeks), tasks
(durations, outline, summary, milestones, calendars, constraints, actuals, baselines, manual
scheduling) and predecessor links with lags. What it cannot honour is refused with the list of
what (percent lags, projects scheduled from their finish, recurring exceptions it cannot expand);
what does not bear on the dates (resources, assignments, custom fields...) is listed in
`not_imported`, never silently dropped.

Safety: a document type declaration (and with it any entity) is refused before parsing.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from .calendar import DAY, STANDARD_WEEK, CalendarError, normalise
from .model import (
    CONSTRAINT_CODES,
    ELAPSED_FORMATS,
    LINK_TYPE_CODES,
    PERCENT_FORMATS,
    CalendarSpec,
    LinkSpec,
    ProjectSpec,
    TaskSpec,
)

NS = "http://schemas.microsoft.com/project"
MAX_BYTES = 50 * 1024 * 1024
_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


class MspdiError(ValueError):
    def __init__(self, code: str, message: str, items: list[str] | None = None) -> None:
        super().__init__(message + ("：" + "；".join(items) if items else ""))
        self.code = code
        self.message = message
        self.items = items or []


def parse(data: bytes) -> ProjectSpec:
    if len(data) > MAX_BYTES:
        raise MspdiError("too_large", "文件过大 (MSPDI file too large)")
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise MspdiError("doctype", "拒绝含 DOCTYPE/实体声明的 XML (DOCTYPE or entities refused)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MspdiError("not_xml", f"不是有效的 XML 文件 (not well-formed XML: {exc})") from None
    if root.tag not in (f"{{{NS}}}Project", "Project"):
        raise MspdiError(
            "not_mspdi", "不是 MS Project XML (MSPDI) 文件 (root element is not MSPDI Project)"
        )
    return _Reader(root).read()


def _dt(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip()[:19])
    except ValueError:
        raise MspdiError("bad_date", f"日期格式无效 (bad date {text!r})") from None


def duration_minutes(text: str | None, minutes_per_day: int = 480) -> float:
    if not text:
        return 0.0
    m = _DURATION.match(text.strip())
    if not m:
        raise MspdiError("bad_duration", f"工期格式无效 (bad duration {text!r})")
    sign, years, months, days, hours, mins, secs = m.groups()
    if years or months:
        raise MspdiError(
            "bad_duration", f"不支持以年/月表示的工期 (duration in years/months {text!r})"
        )
    total = (
        float(days or 0) * minutes_per_day
        + float(hours or 0) * 60
        + float(mins or 0)
        + float(secs or 0) / 60
    )
    if total > 200 * 366 * 1440:
        raise MspdiError("bad_duration", f"工期过长 (duration too long {text[:40]!r})")
    return -total if sign else total


def _time(text: str) -> int:
    try:
        h, m, *_ = (int(x) for x in text.split(":"))
    except ValueError:
        raise MspdiError("bad_time", f"时间格式无效 (bad time {text[:20]!r})") from None
    if not (0 <= h <= 24 and 0 <= m < 60):
        raise MspdiError("bad_time", f"时间格式无效 (bad time {text[:20]!r})")
    return h * 60 + m


class _Reader:
    def __init__(self, root: ET.Element) -> None:
        self.root = root
        self.ns = f"{{{NS}}}" if root.tag.startswith("{") else ""
        self.unsupported: list[str] = []
        self.not_imported: list[str] = []

    def f(self, el: ET.Element, name: str) -> str | None:
        child = el.find(self.ns + name)
        return child.text.strip() if child is not None and child.text else None

    def num(self, el: ET.Element, name: str, default: float, *, whole: bool = True):
        """A number field (a clear error for anything else, never a crash)."""
        text = self.f(el, name)
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            raise MspdiError(
                "bad_number", f"字段 {name} 不是数字 (not a number: {text[:40]!r})"
            ) from None
        if value != value or abs(value) > 1e12:  # NaN or absurd
            raise MspdiError("bad_number", f"字段 {name} 超出范围 (out of range: {text[:40]!r})")
        return int(value) if whole else value

    def all(self, el: ET.Element, path: str) -> list[ET.Element]:
        return el.findall("/".join(self.ns + p for p in path.split("/")))

    def read(self) -> ProjectSpec:
        r = self.root
        start = _dt(self.f(r, "StartDate"))
        if start is None:
            raise MspdiError(
                "no_start", "MSPDI 文件缺少项目开始日期 StartDate (no project StartDate)"
            )
        if self.f(r, "ScheduleFromStart") == "0":
            self.unsupported.append(
                "按完成日期排定的项目 ScheduleFromStart=0 (projects scheduled from finish)"
            )
        self.mpd = self.num(r, "MinutesPerDay", 480) or 480
        calendars = self.calendars()
        cal_uid = self.f(r, "CalendarUID") or ""
        if cal_uid not in calendars:
            if not calendars:
                calendars[""] = CalendarSpec("", "标准 (Standard)")
            cal_uid = next(iter(calendars))
        tasks = self.tasks()
        for name, label in (("Resources/Resource", "资源"), ("Assignments/Assignment", "资源分配")):
            # MS Project writes a placeholder assignment (resource -65535) for every task
            # without resources, and a resource UID 0 for the project itself: neither is one.
            found = [
                e
                for e in self.all(r, name)
                if self.f(e, "UID") not in (None, "0")
                and self.f(e, "ResourceUID") not in ("-65535", "0")
            ]
            if found:
                self.not_imported.append(
                    f"{label} {len(found)} 项 ({name.split('/')[0]}: not imported)"
                )
        if self.all(r, "ExtendedAttributes/ExtendedAttribute"):
            self.not_imported.append("自定义字段 (ExtendedAttributes: not imported)")
        if self.unsupported:
            raise MspdiError(
                "unsupported",
                "MSPDI 文件使用了不支持的功能 (unsupported features)",
                self.unsupported,
            )
        return ProjectSpec(
            name=self.f(r, "Title") or self.f(r, "Name") or "",
            start=start,
            calendar_uid=cal_uid,
            calendars=calendars,
            tasks=tasks,
            minutes_per_day=self.mpd,
            not_imported=self.not_imported,
        )

    # -- calendars ------------------------------------------------------------------------
    def calendars(self) -> dict[str, CalendarSpec]:
        raw = {self.f(c, "UID") or "": c for c in self.all(self.root, "Calendars/Calendar")}
        out: dict[str, CalendarSpec] = {}

        def build(uid: str, seen: tuple[str, ...] = ()) -> CalendarSpec:
            if uid in out:
                return out[uid]
            if uid in seen:
                raise MspdiError("calendar_loop", f"日历基准循环 (base calendar loop at UID {uid})")
            el = raw[uid]
            base_uid = self.f(el, "BaseCalendarUID")
            base = build(base_uid, seen + (uid,)) if base_uid in raw and base_uid != uid else None
            spec = self.calendar(el, base)
            out[uid] = spec
            return spec

        for uid in raw:
            try:
                build(uid)
            except CalendarError as exc:
                raise MspdiError("bad_calendar", str(exc)) from None
        return out

    def _intervals(self, day: ET.Element) -> tuple[tuple[int, int], ...]:
        ivs = []
        for wt in self.all(day, "WorkingTimes/WorkingTime"):
            a, b = self.f(wt, "FromTime"), self.f(wt, "ToTime")
            if a is None or b is None:
                continue
            start, end = _time(a), _time(b)
            ivs.append((start, end if end > start else DAY))  # 00:00 as an end is midnight
        return normalise(ivs)

    def _day(self, day: ET.Element) -> tuple[tuple[int, int], ...]:
        if self.f(day, "DayWorking") != "1":
            return ()
        return self._intervals(day) or STANDARD_WEEK[0]

    def _week(self, days: list[ET.Element], week: list) -> list:
        for day in days:
            kind = self.num(day, "DayType", 0)
            if 1 <= kind <= 7:  # MSPDI: 1 = Sunday .. 7 = Saturday
                week[(kind + 5) % 7] = self._day(day)
        return week

    def calendar(self, el: ET.Element, base: CalendarSpec | None) -> CalendarSpec:
        uid, name = self.f(el, "UID") or "", self.f(el, "Name") or ""
        week = list(base.week if base else STANDARD_WEEK)
        exceptions = dict(base.exceptions) if base else {}
        days = self.all(el, "WeekDays/WeekDay")
        if base is None and days:
            week = [()] * 7  # a base calendar's week is exactly what it lists
        self._week(days, week)
        overrides: dict[dt.date, tuple] = {}
        for ww in self.all(el, "WorkWeeks/WorkWeek"):
            period = self._period(ww)
            if period is None:
                continue
            ww_week = self._week(self.all(ww, "WeekDays/WeekDay"), list(week))
            for d in period:
                overrides[d] = ww_week[d.weekday()]
        legacy = False
        for day in days:
            if self.f(day, "DayType") == "0":
                legacy = True
                for d in self._period(day) or []:
                    overrides[d] = self._day(day)
        for exc in self.all(el, "Exceptions/Exception"):
            self._exception(exc, overrides, name, legacy)
        exceptions.update(overrides)
        return CalendarSpec(uid=uid, name=name, week=tuple(week), exceptions=exceptions)

    def _period(self, el: ET.Element) -> list[dt.date] | None:
        tp = el.find(self.ns + "TimePeriod")
        if tp is None:
            return None
        a, b = _dt(self.f(tp, "FromDate")), _dt(self.f(tp, "ToDate"))
        if a is None or b is None:
            return None
        last = (b - dt.timedelta(minutes=1)).date() if b.time() == dt.time(0) else b.date()
        n = min((last - a.date()).days + 1, 366 * 40)  # an open-ended work week: 40 years is enough
        return [a.date() + dt.timedelta(days=i) for i in range(max(n, 0))]

    def _exception(self, exc: ET.Element, overrides: dict, cal_name: str, legacy: bool) -> None:
        kind = self.f(exc, "Type") or "1"
        period = self._period(exc) or []
        ivs = self._day(exc)
        if kind == "1":  # daily, every `Period` days
            step = self.num(exc, "Period", 1)
            for i, d in enumerate(period):
                if i % max(step, 1) == 0:
                    overrides[d] = ivs
        elif not legacy:  # the expanded days are not in WeekDays either
            label = self.f(exc, "Name") or ""
            self.unsupported.append(
                f"日历“{cal_name}”的循环例外“{label}”类型 {kind} (recurring exception type)"
            )

    # -- tasks ----------------------------------------------------------------------------
    def tasks(self) -> list[TaskSpec]:
        out: list[TaskSpec] = []
        inactive = cross = 0
        for el in self.all(self.root, "Tasks/Task"):
            uid = self.f(el, "UID")
            if uid is None or self.f(el, "IsNull") == "1":
                continue
            level = self.num(el, "OutlineLevel", 1)
            if level == 0 or uid == "0" and self.f(el, "Summary") == "1":
                continue  # the project summary task
            if self.f(el, "Active") == "0":
                inactive += 1
                continue
            task, crossed = self.task(el, uid, level)
            cross += crossed
            out.append(task)
        known = {t.uid for t in out}
        dangling = 0
        for t in out:
            kept = [lk for lk in t.links if lk.pred_uid in known]
            dangling += len(t.links) - len(kept)
            t.links = kept
        if dangling:  # to inactive or missing tasks
            self.not_imported.append(
                f"指向未导入任务的链接 {dangling} 项 (links to tasks not imported)"
            )
        if inactive:
            self.not_imported.append(f"未激活任务 {inactive} 项 (inactive tasks: not scheduled)")
        if cross:
            self.not_imported.append(f"跨项目链接 {cross} 项 (cross-project links: not imported)")
        return out

    def task(self, el: ET.Element, uid: str, level: int) -> tuple[TaskSpec, int]:
        name = self.f(el, "Name") or ""
        fmt = self.num(el, "DurationFormat", 7)
        dur = duration_minutes(self.f(el, "Duration"), self.mpd)
        constraint = CONSTRAINT_CODES.get(self.num(el, "ConstraintType", 0))
        if constraint is None:
            self.unsupported.append(
                f"任务“{name}”的限制类型 {self.f(el, 'ConstraintType')} (constraint type)"
            )
            constraint = "ASAP"
        cal_uid = self.f(el, "CalendarUID")
        base_dur = None
        baseline = {}
        for bl in self.all(el, "Baseline"):
            if (self.f(bl, "Number") or "0") == "0":
                baseline = {"start": _dt(self.f(bl, "Start")), "finish": _dt(self.f(bl, "Finish"))}
                if self.f(bl, "Duration"):
                    base_dur = round(duration_minutes(self.f(bl, "Duration"), self.mpd))
        links, cross = [], 0
        for pl in self.all(el, "PredecessorLink"):
            if self.f(pl, "CrossProject") == "1":
                cross += 1
                continue
            links.append(self.link(pl, name))
        task = TaskSpec(
            uid=uid,
            name=name,
            id=self.num(el, "ID", 0),
            outline_level=level,
            summary=self.f(el, "Summary") == "1",
            milestone=self.f(el, "Milestone") == "1",
            duration=max(0, round(dur)),
            elapsed=fmt in ELAPSED_FORMATS,
            calendar_uid=None if cal_uid in (None, "-1") else cal_uid,
            constraint=constraint,
            constraint_date=_dt(self.f(el, "ConstraintDate"))
            if constraint not in ("ASAP", "ALAP")
            else None,
            percent_complete=min(max(self.num(el, "PercentComplete", 0), 0), 100),
            actual_start=_dt(self.f(el, "ActualStart")),
            actual_finish=_dt(self.f(el, "ActualFinish")),
            start=_dt(self.f(el, "Start")),
            finish=_dt(self.f(el, "Finish")),
            baseline_start=baseline.get("start"),
            baseline_finish=baseline.get("finish"),
            baseline_duration=base_dur,
            manual=self.f(el, "Manual") == "1",
            links=links,
        )
        if task.constraint not in ("ASAP", "ALAP") and task.constraint_date is None:
            task.constraint = "ASAP"
        return task, cross

    def link(self, pl: ET.Element, name: str) -> LinkSpec:
        kind = LINK_TYPE_CODES.get(self.num(pl, "Type", 1))
        if kind is None:
            self.unsupported.append(f"任务“{name}”的搭接类型 {self.f(pl, 'Type')} (link type)")
            kind = "FS"
        fmt = self.num(pl, "LagFormat", 7)
        lag_tenths = self.num(pl, "LinkLag", 0, whole=False)
        if fmt in PERCENT_FORMATS and lag_tenths:
            self.unsupported.append(f"任务“{name}”的百分比延隔 (percent lag)")
        return LinkSpec(
            pred_uid=self.f(pl, "PredecessorUID") or "",
            type=kind,
            lag=round(lag_tenths / 10),
            elapsed=fmt in ELAPSED_FORMATS,
            lag_format=fmt,
        )
