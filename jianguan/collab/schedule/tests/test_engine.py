"""The pure engine against hand-computed networks (no database).

Calendar "标准": Monday-Friday 08:00-12:00 and 13:00-17:00; project start Monday 2026-03-02 08:00.
Every expected date below was worked out by hand before the engine ran (see the comments)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.collab.schedule.engine.calendar import (
    STANDARD_WEEK,
    Calendar,
    CalendarError,
    from_minutes,
    to_minutes,
)
from jianguan.collab.schedule.engine.cpm import Activity, Link, ScheduleError, compute

STD = Calendar("标准", STANDARD_WEEK)
WORKDAY = ((480, 720), (780, 1020))
# Monday-Saturday, with Monday 2026-03-09 a holiday.
SIX = Calendar("六天", (WORKDAY,) * 6 + ((),), {dt.date(2026, 3, 9): ()})
START = to_minutes(dt.datetime(2026, 3, 2, 8))


def t(text: str) -> int:
    return to_minutes(dt.datetime.fromisoformat("2026-" + text))


def run(activities, links):
    return {r.key: r for r in compute(activities, links, START)}


def dates(r):
    return tuple(
        from_minutes(x).strftime("%m-%d %H:%M")
        for x in (r.early_start, r.early_finish, r.late_start, r.late_finish)
    )


def test_calendar_arithmetic_is_working_time():
    fri_17 = t("03-06T17:00")
    assert STD.next_start(fri_17) == t("03-09T08:00")  # over the weekend
    assert STD.prev_finish(t("03-09T08:00")) == fri_17
    assert STD.add(t("03-06T13:00"), 480, finish=True) == t("03-09T12:00")
    assert STD.add(t("03-09T12:00"), -480, finish=False) == t("03-06T13:00")
    assert STD.between(t("03-02T08:00"), t("03-09T08:00")) == 5 * 480
    assert SIX.between(t("03-07T08:00"), t("03-10T17:00")) == 2 * 480  # Saturday + Tuesday
    far = to_minutes(dt.datetime(2031, 1, 6, 8))  # the horizon grows on demand, both ways
    assert STD.start_at(STD.index(far)) == far
    assert STD.next_start(to_minutes(dt.datetime(1999, 1, 2))) == to_minutes(
        dt.datetime(1999, 1, 4, 8)
    )
    with pytest.raises(CalendarError):
        Calendar("空", ((),) * 7)


def test_finish_to_start_with_lag_and_milestone():
    # A 2d: Mon 08:00 - Tue 17:00. B 1d FS +1d: Tue 17:00 + 1d = Wed 17:00 -> Thu 08:00 - Thu 17:00.
    # C milestone after B: Thu 17:00 (a milestone may sit at the end of a day).
    # D 1d unlinked: Mon, late Thu: total float 3 days, free float 3 days (to the project finish).
    r = run(
        [
            Activity("A", 960, STD),
            Activity("B", 480, STD),
            Activity("C", 0, STD),
            Activity("D", 480, STD),
        ],
        [Link("A", "B", "FS", 480), Link("B", "C")],
    )
    assert dates(r["A"]) == ("03-02 08:00", "03-03 17:00", "03-02 08:00", "03-03 17:00")
    assert dates(r["B"]) == ("03-05 08:00", "03-05 17:00", "03-05 08:00", "03-05 17:00")
    assert dates(r["C"]) == ("03-05 17:00",) * 4
    assert dates(r["D"]) == ("03-02 08:00", "03-02 17:00", "03-05 08:00", "03-05 17:00")
    assert (r["D"].total_float, r["D"].free_float, r["D"].critical) == (1440, 1440, False)
    assert all(r[k].critical and r[k].total_float == 0 for k in "ABC")


def test_all_four_link_types():
    # P 2d: Mon-Tue. S1 1d SS+4h: Mon 08:00 + 4h = 12:00 -> 13:00 (after lunch) .. Tue 12:00.
    # F1 1d FF: finishes with P, Tue 08:00-17:00. X 4h SF+1d: finish >= Mon 17:00 -> Mon 13:00-17:00.
    # Backward from Tue 17:00: S1 late Tue 08:00 (float 4h); P late start = min(Mon 08:00 from
    # its finish, Tue 08:00 - 4h = Mon 13:00 via SS, Tue 17:00 - 1d = Tue 08:00 via SF) = Mon 08:00.
    r = run(
        [
            Activity("P", 960, STD),
            Activity("S1", 480, STD),
            Activity("F1", 480, STD),
            Activity("X", 240, STD),
        ],
        [Link("P", "S1", "SS", 240), Link("P", "F1", "FF"), Link("P", "X", "SF", 480)],
    )
    assert dates(r["S1"]) == ("03-02 13:00", "03-03 12:00", "03-03 08:00", "03-03 17:00")
    assert (r["S1"].total_float, r["S1"].free_float) == (240, 240)
    assert dates(r["F1"]) == ("03-03 08:00", "03-03 17:00", "03-03 08:00", "03-03 17:00")
    assert dates(r["X"]) == ("03-02 13:00", "03-02 17:00", "03-03 13:00", "03-03 17:00")
    assert (r["X"].total_float, r["X"].free_float) == (480, 480)
    assert dates(r["P"])[2] == "03-02 08:00"
    assert (r["P"].total_float, r["P"].free_float, r["P"].critical) == (0, 0, True)


def test_constraints_snet_fnlt_mso_and_negative_float():
    # Q SNET Wed: starts Wed. R 2d after A 2d would finish Thu 17:00 but must finish no later
    # than Tue 17:00: the constraint wins (MS Project's default) and A gets -2 days of float.
    r = run(
        [
            Activity("Q", 480, STD, constraint="SNET", constraint_date=t("03-04T08:00")),
            Activity("A", 960, STD),
            Activity("R", 960, STD, constraint="FNLT", constraint_date=t("03-03T17:00")),
            Activity("M", 480, STD, constraint="MSO", constraint_date=t("03-06T08:00")),
        ],
        [Link("A", "R")],
    )
    assert dates(r["Q"])[:2] == ("03-04 08:00", "03-04 17:00")
    assert dates(r["R"])[:2] == ("03-02 08:00", "03-03 17:00")
    assert dates(r["A"])[2:] == ("02-26 08:00", "02-27 17:00")
    assert (r["A"].total_float, r["A"].critical) == (-960, True)
    assert dates(r["M"]) == ("03-06 08:00", "03-06 17:00", "03-06 08:00", "03-06 17:00")


def test_two_calendars():
    # A std 1d SNET Fri 03-06. B six-day 2d FS: Sat 03-07 and (Mon 03-09 a holiday) Tue 03-10.
    # C std 1d FS +1d (in C's calendar): Tue 17:00 + 1d = Wed 17:00 -> Thu 03-12.
    # D std 1d unlinked: float Tue..Thu in std = 8 working days.
    r = run(
        [
            Activity("A", 480, STD, constraint="SNET", constraint_date=t("03-06T08:00")),
            Activity("B", 960, SIX),
            Activity("C", 480, STD),
            Activity("D", 480, STD),
        ],
        [Link("A", "B"), Link("B", "C", "FS", 480)],
    )
    assert dates(r["B"]) == ("03-07 08:00", "03-10 17:00", "03-07 08:00", "03-10 17:00")
    assert dates(r["C"]) == ("03-12 08:00", "03-12 17:00", "03-12 08:00", "03-12 17:00")
    assert dates(r["A"])[3] == "03-06 17:00"
    assert all(r[k].critical for k in "ABC")
    assert r["D"].total_float == 8 * 480


def test_elapsed_lag_and_actuals():
    # B FS +24h elapsed after A (Mon 17:00): Tue 17:00 -> Wed 08:00. C finished early: actual
    # dates stand, no float left.
    r = run(
        [
            Activity("A", 480, STD),
            Activity("B", 480, STD),
            Activity(
                "C",
                480,
                STD,
                actual_start=t("03-02T08:00"),
                actual_finish=t("03-02T12:00"),
                done=True,
            ),
        ],
        [Link("A", "B", "FS", 1440, elapsed=True)],
    )
    assert dates(r["B"])[:2] == ("03-04 08:00", "03-04 17:00")
    assert dates(r["C"]) == ("03-02 08:00", "03-02 12:00", "03-02 08:00", "03-02 12:00")
    assert r["C"].total_float == 0


def test_loop_is_refused_and_named():
    acts = [Activity(k, 480, STD, name=f"工序{k}") for k in "ABCD"]
    with pytest.raises(ScheduleError) as exc:
        compute(acts, [Link("A", "B"), Link("B", "C"), Link("C", "D"), Link("D", "B")], START)
    assert exc.value.code == "loop"
    assert sorted(exc.value.detail) == ["B", "C", "D"]
    assert "循环" in exc.value.message and "工序B" in exc.value.message


@pytest.mark.parametrize(
    ("acts", "links", "code"),
    [
        ([Activity("A", -1, STD)], [], "bad_duration"),
        ([Activity("A", 1, STD), Activity("A", 1, STD)], [], "duplicate_activity"),
        ([Activity("A", 1, STD)], [Link("A", "Z")], "unknown_activity"),
        ([Activity("A", 1, STD)], [Link("A", "A")], "loop"),
        ([Activity("A", 1, STD, constraint="SNET")], [], "constraint_without_date"),
        ([Activity("A", 1, STD), Activity("B", 1, STD)], [Link("A", "B", "XX")], "bad_link_type"),
    ],
)
def test_bad_networks(acts, links, code):
    with pytest.raises(ScheduleError) as exc:
        compute(acts, links, START)
    assert exc.value.code == code


def test_manually_scheduled_tasks_late_dates_as_ms_project_gives_them():
    # Checked on files saved by MS Project 2016/2019 (manually scheduled tasks): only FS/FF links
    # hold a manual task's late dates back, and its late finish is the successor's own instant.
    # A manual 1d FS-> C 2d (Tue-Wed): A's late finish is C's late start, Tue 08:00.
    # D manual 1d SS+4h-> E 1d: E starts Mon 13:00; D's late dates come from the project finish
    # (Wed 17:00), not from E's late start less 4h (which would give Tue 13:00).
    r = run(
        [
            Activity("A", 480, STD, manual=True),
            Activity("C", 960, STD),
            Activity("D", 480, STD, manual=True),
            Activity("E", 480, STD),
        ],
        [Link("A", "C"), Link("D", "E", "SS", 240)],
    )
    assert dates(r["A"])[2:] == ("03-02 08:00", "03-03 08:00")
    assert r["A"].total_float == 0
    assert dates(r["D"])[2:] == ("03-04 08:00", "03-04 17:00")
    assert r["D"].total_float == 2 * 480
    classic = run(
        [Activity("D", 480, STD), Activity("E", 480, STD), Activity("C", 1440, STD)],
        [Link("D", "E", "SS", 240)],
    )
    assert dates(classic["D"])[2] == "03-03 13:00"


def test_a_finish_held_by_start_to_finish_keeps_its_instant():
    # As MS Project writes it (MPXJ's mspdirelations.xml): B 1d SF from A's start (Tue 08:00)
    # finishes "Tue 08:00", the same working minute as Mon 17:00, and starts Mon 08:00.
    r = run(
        [
            Activity("A", 480, STD, constraint="SNET", constraint_date=t("03-03T08:00")),
            Activity("B", 480, STD),
        ],
        [Link("A", "B", "SF")],
    )
    assert dates(r["B"])[:2] == ("03-02 08:00", "03-03 08:00")
