"""Working-time calendars: working intervals per weekday plus dated exceptions, and arithmetic in
working minutes.

Times are whole minutes since EPOCH (naive local time, as MS Project files carry no time zone).
Each calendar keeps, per day of a horizon that grows on demand, the working intervals and a
cumulative table of working minutes before each day, so converting between a time and a working-
minute index is one bisect: adding or subtracting working time costs O(log days), whatever the
duration. Index values stay stable when the horizon grows (growing backwards gives negative ones).

One working-minute index names two instants: the end of a working stretch ("finish" form, e.g.
Friday 17:00) and the beginning of the next one ("start" form, Monday 08:00). MS Project reports
finishes in the first form and starts in the second; so do `finish_at` and `start_at`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence

EPOCH = dt.datetime(2000, 1, 1)
DAY = 1440
# Days since EPOCH a calendar may reach (1900 .. 2199): MS Project's own range is 1984-2149;
# beyond it a date or a duration is a mistake, and the tables would grow without end.
FIRST_DAY, LAST_DAY = -36524, 73048
Intervals = tuple[tuple[int, int], ...]  # (from, to) minutes of the day, to may be 1440

STANDARD_WEEK: tuple[Intervals, ...] = (  # Monday .. Sunday, MS Project's "Standard" calendar
    ((480, 720), (780, 1020)),
) * 5 + ((), ())
ELAPSED_WEEK: tuple[Intervals, ...] = (((0, DAY),),) * 7


def to_minutes(value: dt.datetime) -> int:
    delta = value - EPOCH
    return delta.days * DAY + delta.seconds // 60


def from_minutes(value: int) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=value)


class CalendarError(ValueError):
    pass


class Calendar:
    """A working-time calendar. `week` is Monday..Sunday; `exceptions` maps a date to the day's
    working intervals (empty: not worked)."""

    def __init__(
        self,
        name: str,
        week: Sequence[Intervals],
        exceptions: Mapping[dt.date, Intervals] | None = None,
        uid: str = "",
    ) -> None:
        if len(week) != 7:
            raise CalendarError("a week has seven days")
        self.uid = uid
        self.name = name
        self.week = tuple(normalise(day) for day in week)
        self.exceptions = {d: normalise(v) for d, v in (exceptions or {}).items()}
        if not any(self.week) and not any(self.exceptions.values()):
            raise CalendarError(
                f"日历“{name}”没有任何工作时间 (calendar {name!r} has no working time)"
            )
        if not any(self.week):
            raise CalendarError(
                f"日历“{name}”的标准工作周没有工作时间 (calendar {name!r} has no working week)"
            )
        self._exc_days = {(d - EPOCH.date()).days: v for d, v in self.exceptions.items()}
        self._d0 = self._d1 = 0  # horizon [d0, d1) in days since EPOCH
        self._days: list[Intervals] = []
        self._cum: list[int] = [0]  # cum[k]: working minutes before day d0 + k
        self._memo: dict[int, int] = {}  # index() of instants already asked (they repeat a lot)

    # -- horizon ---------------------------------------------------------------------------
    def _day(self, d: int) -> Intervals:
        exc = self._exc_days.get(d)
        if exc is not None:
            return exc
        return self.week[(d + 5) % 7]  # EPOCH (2000-01-01) was a Saturday

    def _grow_to(self, d: int) -> None:
        """Make day d part of the horizon (and a margin beyond it, so growth is amortised)."""
        if not FIRST_DAY <= d <= LAST_DAY:
            raise CalendarError("日期超出 1900—2199 年的范围 (date out of range 1900-2199)")
        if not self._days:
            self._d0 = self._d1 = d
        if d >= self._d1:
            end = min(max(d + 1, self._d1 + max(366, self._d1 - self._d0)), LAST_DAY + 1)
            for day in range(self._d1, end):
                ivs = self._day(day)
                self._days.append(ivs)
                self._cum.append(self._cum[-1] + sum(b - a for a, b in ivs))
            self._d1 = end
        if d < self._d0:
            start = max(min(d, self._d0 - max(366, self._d1 - self._d0)), FIRST_DAY)
            days = [self._day(day) for day in range(start, self._d0)]
            cum = [0]
            for ivs in days:
                cum.append(cum[-1] + sum(b - a for a, b in ivs))
            shift = self._cum[0] - cum[-1]
            self._cum = [c + shift for c in cum[:-1]] + self._cum
            self._days = days + self._days
            self._d0 = start

    def _grow_to_index(self, w: int) -> None:
        # Each loop adds at least a year with working time in it (the week has some).
        while w > self._cum[-1]:
            self._grow_to(self._d1)
        while w <= self._cum[0]:
            self._grow_to(self._d0 - 1)

    # -- conversions -----------------------------------------------------------------------
    def index(self, t: int) -> int:
        """Working minutes between the calendar's origin and t (stable across growth)."""
        w = self._memo.get(t)
        if w is not None:
            return w
        d, m = divmod(t, DAY)
        if not (self._d0 <= d < self._d1):
            self._grow_to(d)
        k = d - self._d0
        w = self._cum[k]
        for a, b in self._days[k]:
            if m <= a:
                break
            w += (b if m > b else m) - a
        if len(self._memo) < 4_000_000:
            self._memo[t] = w
        return w

    def start_at(self, w: int) -> int:
        """The instant the working minute number w begins (skips non-working time forwards)."""
        if not (self._cum[0] <= w < self._cum[-1]):
            self._grow_to_index(w + 1)
        k = bisect_right(self._cum, w) - 1
        r = w - self._cum[k]
        for a, b in self._days[k]:
            if r < b - a:
                return (self._d0 + k) * DAY + a + r
            r -= b - a
        raise AssertionError("unreachable: cum table and day intervals disagree")

    def finish_at(self, w: int) -> int:
        """The instant working minute number w-1 ends (skips non-working time backwards)."""
        if not (self._cum[0] < w <= self._cum[-1]):
            self._grow_to_index(w)
            if w <= self._cum[0]:
                self._grow_to(self._d0 - 1)
        k = bisect_left(self._cum, w) - 1
        r = w - self._cum[k]
        for a, b in self._days[k]:
            if r <= b - a:
                return (self._d0 + k) * DAY + a + r
            r -= b - a
        raise AssertionError("unreachable: cum table and day intervals disagree")

    # -- what the scheduler asks -------------------------------------------------------------
    def next_start(self, t: int) -> int:
        return self.start_at(self.index(t))

    def prev_finish(self, t: int) -> int:
        return self.finish_at(self.index(t))

    def is_working_or_end(self, t: int) -> bool:
        """True if t is inside working time or exactly at the end of a working stretch."""
        w = self.index(t)
        return self.index(t + 1) == w + 1 or self.index(t - 1) == w - 1

    def add(self, t: int, minutes: int, *, finish: bool) -> int:
        w = self.index(t) + minutes
        return self.finish_at(w) if finish else self.start_at(w)

    def between(self, t1: int, t2: int) -> int:
        """Working minutes from t1 to t2 (negative when t2 is earlier)."""
        return self.index(t2) - self.index(t1)

    def working_minutes_on(self, day: dt.date) -> int:
        return sum(b - a for a, b in self._day((day - EPOCH.date()).days))


def normalise(intervals: Iterable[tuple[int, int]]) -> Intervals:
    """Sorted, merged intervals inside one day; refuses reversed or out-of-day ones."""
    out: list[list[int]] = []
    for a, b in sorted((int(a), int(b)) for a, b in intervals):
        if not (0 <= a < b <= DAY):
            raise CalendarError(f"工作时段无效 (bad working interval {a}-{b})")
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def elapsed_calendar() -> Calendar:
    return Calendar("24小时 (elapsed)", ELAPSED_WEEK, uid="__elapsed__")
