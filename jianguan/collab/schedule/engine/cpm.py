"""The critical path method: forward and backward pass over a topologically sorted network, as
MS Project computes it.

* Links FS/SS/FF/SF with lags in working minutes of the successor's calendar (or elapsed
  minutes); negative lags (leads) allowed.
* Constraints ASAP, ALAP (scheduled like ASAP for early/late dates), SNET, SNLT, FNET, FNLT, MSO,
  MFO. Constraint dates win over links ("tasks honour their constraint dates", MS Project's
  default), which is what gives negative float.
* Actual start/finish, when known, fix the early dates (progress as MS Project treats it).
* Durations, float and dates in working time of each activity's own calendar; a zero-duration
  activity (milestone) may sit at the end of a working day (Friday 17:00), others start at the
  beginning of working time (Monday 08:00).
* Total float = min(LS - ES, LF - EF), free float = the least slack to any successor's early
  date (never negative, never above total float); critical = total float <= 0.
* A loop is refused, naming the activities in it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .calendar import Calendar, CalendarError

LINK_TYPES = ("FS", "SS", "FF", "SF")
CONSTRAINTS = ("ASAP", "ALAP", "SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO")


class ScheduleError(ValueError):
    """Bad network. `code` is stable; `detail` carries what was wrong (e.g. the loop)."""

    def __init__(self, code: str, message: str, detail: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


@dataclass
class Activity:
    key: str
    duration: int  # working minutes of its calendar
    calendar: Calendar
    name: str = ""
    constraint: str = "ASAP"
    constraint_date: int | None = None  # minutes since calendar.EPOCH
    actual_start: int | None = None
    actual_finish: int | None = None
    done: bool = False  # finished: late dates pinned to the actual ones (no float left)
    manual: bool = False  # manually scheduled (MS Project 2010+): see _backward_manual


@dataclass
class Link:
    pred: str
    succ: str
    type: str = "FS"
    lag: int = 0  # minutes: working minutes of the successor's calendar unless elapsed
    elapsed: bool = False


@dataclass
class Result:
    key: str
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int
    total_float: int
    free_float: int
    critical: bool


@dataclass
class Network:
    activities: list[Activity]
    links: list[Link] = field(default_factory=list)


def _build(activities: Sequence[Activity], links: Iterable[Link]):
    """Check the network and build its adjacency lists (one pass over the links)."""
    pos: dict[str, int] = {}
    for i, a in enumerate(activities):
        if a.key in pos:
            raise ScheduleError("duplicate_activity", f"作业编号重复：{a.key} (duplicate activity)")
        if a.duration < 0:
            raise ScheduleError(
                "bad_duration", f"作业“{a.name or a.key}”工期为负 (negative duration)"
            )
        if a.constraint not in CONSTRAINTS:
            raise ScheduleError(
                "bad_constraint", f"不支持的限制类型 {a.constraint} (unsupported constraint)"
            )
        if a.constraint not in ("ASAP", "ALAP") and a.constraint_date is None:
            raise ScheduleError(
                "constraint_without_date",
                f"作业“{a.name or a.key}”的限制 {a.constraint} 缺少日期 (constraint without date)",
            )
        pos[a.key] = i
    n = len(activities)
    preds: list[list[tuple]] = [[] for _ in range(n)]
    succs: list[list[tuple]] = [[] for _ in range(n)]
    get = pos.get
    for link in links:
        p, s, typ = get(link.pred), get(link.succ), link.type
        if typ not in LINK_TYPES:
            raise ScheduleError("bad_link_type", f"不支持的搭接类型 {typ} (unsupported link type)")
        if p is None or s is None:
            raise ScheduleError(
                "unknown_activity",
                f"搭接关系指向不存在的作业：{link.pred} → {link.succ} (link to unknown activity)",
            )
        if p == s:
            raise ScheduleError(
                "loop", f"作业“{link.pred}”以自身为前置 (activity linked to itself)", [link.pred]
            )
        preds[s].append((p, typ, link.lag, link.elapsed))
        succs[p].append((s, typ, link.lag, link.elapsed))
    return preds, succs


def topological_order(
    n: int, preds: list[list[tuple]], succs: list[list[tuple]]
) -> list[int] | list[int]:
    """Kahn's algorithm; on a loop returns [] and the caller asks `find_loop`."""
    indeg = [len(p) for p in preds]
    order = [i for i in range(n) if indeg[i] == 0]
    head = 0
    while head < len(order):
        i = order[head]
        head += 1
        for s, *_ in succs[i]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
    return order


def find_loop(n: int, preds: list[list[tuple]], done: set[int]) -> list[int]:
    """Every activity left after Kahn's algorithm has a predecessor that is also left: walk the
    predecessors until one repeats; the walk from that one on is a loop."""
    start = next(i for i in range(n) if i not in done)
    seen: dict[int, int] = {}
    path: list[int] = []
    i = start
    while i not in seen:
        seen[i] = len(path)
        path.append(i)
        i = next(p for p, *_ in preds[i] if p not in done)
    loop = path[seen[i] :]
    loop.reverse()  # the walk went backwards along links: name it in link order
    return loop


def compute(
    activities: Sequence[Activity], links: Sequence[Link], project_start: int
) -> list[Result]:
    """Early and late dates, floats and the critical flag of every activity (in input order)."""
    # The passes allocate hundreds of thousands of small tuples and ints that never form cycles:
    # the cyclic garbage collector would rescan them all again and again for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compute(activities, links, project_start)
    except CalendarError as exc:  # a date or duration beyond what any calendar holds
        raise ScheduleError("out_of_range", str(exc)) from None
    finally:
        if enabled:
            gc.enable()


def _compute(
    activities: Sequence[Activity], links: Sequence[Link], project_start: int
) -> list[Result]:
    preds, succs = _build(activities, links)
    n = len(activities)
    cals = [a.calendar for a in activities]
    dur = [a.duration for a in activities]
    order = topological_order(n, preds, succs)
    if len(order) < n:
        loop = [activities[i] for i in find_loop(n, preds, set(order))]
        names = " → ".join(f"{a.name or a.key}" for a in loop + loop[:1])
        raise ScheduleError(
            "loop", f"进度计划存在循环依赖：{names} (dependency loop)", [a.key for a in loop]
        )
    es, ef = _forward(activities, order, preds, cals, dur, project_start)
    finish = max(ef) if n else project_start
    ls, lf = _backward(activities, order, succs, cals, dur, finish, es, ef)
    out = []
    for i, a in enumerate(activities):
        idx = cals[i].index
        if a.done:  # finished: MS Project pins late dates to the actual ones
            ls[i], lf[i] = es[i], ef[i]
        tf = min(idx(ls[i]) - idx(es[i]), idx(lf[i]) - idx(ef[i]))
        ff = _free_float(i, succs, cals, es, ef, finish)
        ff = max(0, min(ff, tf))
        out.append(Result(a.key, es[i], ef[i], ls[i], lf[i], tf, ff, tf <= 0))
    return out


def _snap_start(cal: Calendar, t: int, d: int) -> int:
    if d == 0 and cal.is_working_or_end(t):
        return t  # a milestone may sit at the end of a working day
    return cal.next_start(t)


def _snap_finish(cal: Calendar, t: int, d: int) -> int:
    if d == 0 and cal.is_working_or_end(t):
        return t
    return cal.prev_finish(t)


def _start_for_finish(cal: Calendar, f: int, d: int) -> int:
    if d == 0:
        return _snap_finish(cal, f, 0)
    return cal.start_at(cal.index(f) - d)


def _plain(a: Activity) -> bool:
    return a.constraint in ("ASAP", "ALAP") and a.actual_start is None and a.actual_finish is None


def _forward(activities, order, preds, cals, dur, project_start):
    n = len(activities)
    plain = [_plain(a) for a in activities]
    es = [0] * n
    ef = [0] * n
    for i in order:
        cal, d = cals[i], dur[i]
        # A start-no-earlier or finish-no-earlier date stands in for the project start (MS Project
        # lets such a task start before the project does); links still push it later.
        start_c = project_start if activities[i].constraint not in ("SNET", "FNET") else -(1 << 60)
        finish_c = None
        for p, typ, lag, elapsed in preds[i]:
            t = ef[p] if typ in ("FS", "FF") else es[p]
            if lag:
                t = t + lag if elapsed else cal.add(t, lag, finish=typ in ("FF", "SF"))
            if typ in ("FS", "SS"):
                if t > start_c:
                    start_c = t
            elif finish_c is None or t > finish_c:
                finish_c = t
        a = activities[i]
        if d and finish_c is None and plain[i]:  # the common case, two bisects
            w = cal.index(start_c)
            es[i] = cal.start_at(w)
            ef[i] = cal.finish_at(w + d)
            continue
        s = _snap_start(cal, start_c, d) if start_c > -(1 << 60) else start_c
        by_finish = None
        if finish_c is not None:
            fs = _start_for_finish(cal, finish_c, d)
            if fs >= s:
                s, by_finish = fs, finish_c
        c = _constrain_early(a, cal, d, s)
        if c != s:
            s, by_finish = c, None
        if a.actual_start is not None:
            s, by_finish = a.actual_start, None
        es[i] = s
        if a.actual_finish is not None:
            ef[i] = a.actual_finish
        elif d and by_finish is not None and cal.is_working_or_end(by_finish):
            # A finish held by an SF/FF link keeps the instant it got (MS Project writes
            # Monday 08:00 there, not Friday 17:00: the same working minute).
            ef[i] = by_finish
        else:
            ef[i] = s if d == 0 else cal.finish_at(cal.index(s) + d)
    return es, ef


def _constrain_early(a: Activity, cal: Calendar, d: int, s: int) -> int:
    c, t = a.constraint, a.constraint_date
    if c in ("ASAP", "ALAP") or t is None:
        return s
    if c == "SNET":
        return max(s, _snap_start(cal, t, d))
    if c == "SNLT":
        return min(s, _snap_start(cal, t, d))
    if c == "MSO":
        return _snap_start(cal, t, d)
    fs = _start_for_finish(cal, t, d)
    if c == "FNET":
        return max(s, fs)
    if c == "FNLT":
        return min(s, fs)
    return fs  # MFO


def _backward(activities, order, succs, cals, dur, finish, es, ef):
    n = len(activities)
    plain = [a.constraint in ("ASAP", "ALAP", "SNET", "FNET") for a in activities]
    manual = [a.manual for a in activities]
    ls = [0] * n
    lf = [0] * n
    for i in reversed(order):
        cal, d = cals[i], dur[i]
        if manual[i]:
            ls[i], lf[i] = _backward_manual(i, succs, cals, cal, d, finish, ls, lf)
            continue
        finish_c = finish
        start_c = None
        for s, typ, lag, elapsed in succs[i]:
            t = ls[s] if typ in ("FS", "SS") else lf[s]
            if lag:
                t = t - lag if elapsed else cals[s].add(t, -lag, finish=typ in ("FS", "FF"))
            if typ in ("FS", "FF"):
                if t < finish_c:
                    finish_c = t
            elif start_c is None or t < start_c:
                start_c = t
        if d and start_c is None and plain[i]:  # the common case, two bisects
            w = cal.index(finish_c)
            lf[i] = cal.finish_at(w)
            ls[i] = cal.start_at(w - d)
            continue
        f = _snap_finish(cal, finish_c, d)
        st = _start_for_finish(cal, f, d)
        if start_c is not None:
            st = min(st, _snap_start(cal, start_c, d))
        st = _constrain_late(activities[i], cal, d, st)
        ls[i] = st
        lf[i] = st if d == 0 else cal.finish_at(cal.index(st) + d)
    return ls, lf


def _backward_manual(i, succs, cals, cal, d, finish, ls, lf) -> tuple[int, int]:
    """A manually scheduled task's late dates as MS Project gives them (checked on files saved
    by MS Project 2016 and 2019): only the links that bind its finish (FS, FF) hold it back,
    and its late finish is the successor's date itself (Monday 08:00, not Friday 17:00)."""
    finish_c = finish
    for s, typ, lag, elapsed in succs[i]:
        if typ not in ("FS", "FF"):
            continue
        t = ls[s] if typ == "FS" else lf[s]
        if lag:
            t = t - lag if elapsed else cals[s].add(t, -lag, finish=False)
        finish_c = min(finish_c, t)
    f = finish_c if cal.is_working_or_end(finish_c) else cal.prev_finish(finish_c)
    return (f if d == 0 else cal.start_at(cal.index(f) - d)), f


def _constrain_late(a: Activity, cal: Calendar, d: int, s: int) -> int:
    c, t = a.constraint, a.constraint_date
    if t is None or c in ("ASAP", "ALAP", "SNET", "FNET"):
        return s
    if c == "SNLT":
        return min(s, _snap_start(cal, t, d))
    if c == "MSO":
        return _snap_start(cal, t, d)
    fs = _start_for_finish(cal, t, d)
    if c == "FNLT":
        return min(s, fs)
    return fs  # MFO


def _free_float(i, succs, cals, es, ef, finish) -> int:
    idx = cals[i].index
    if not succs[i]:
        return idx(finish) - idx(ef[i])
    best = None
    for s, typ, lag, elapsed in succs[i]:
        by_finish = typ in ("FS", "FF")
        t = es[s] if typ in ("FS", "SS") else ef[s]
        if lag:
            t = t - lag if elapsed else cals[s].add(t, -lag, finish=by_finish)
        slack = idx(t) - idx(ef[i] if by_finish else es[i])
        if best is None or slack < best:
            best = slack
    return best
