"""Benchmark the schedule engine (issue 20): the critical path of 50,000 activities and 150,000
links, and the Gantt page (SVG) of 2,000 activities. Pure Python, no Django, no database.

Targets: CPM under 2 s, Gantt page under 1 s. One JSON line per figure::

    python bench/cpm.py

``seconds`` is wall-clock time (best of 3), ``cpu_seconds`` the process's CPU time: on a shared
machine the first includes waiting for a core.

Figures
-------
* ``cpm.compute``: forward and backward pass, total and free float of a random acyclic network
  (each activity linked to 3 earlier ones on average, within a window of 2,000 so the network is
  deep and wide like a real programme), two calendars (the standard week with holidays and a
  six-day week), durations 0-15 working days, a quarter of the links with a lag, all four link
  types, some SNET/FNLT constraints. Best of 3 runs (calendar tables built in the first).
* ``cpm.gantt``: rendering the SVG Gantt chart of 2,000 scheduled activities (bars, baseline bars,
  progress, critical path in red, dependency arrows), best of 3.
* ``cpm.gantt_page``: the whole Gantt page of 2,000 activities as the view renders it (the SVG,
  the activity table with a progress form per row, the site's base template), from activities
  in memory (the view's few queries are counted by the tests), best of 3.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jianguan.collab.schedule.engine.calendar import STANDARD_WEEK, Calendar, to_minutes  # noqa: E402
from jianguan.collab.schedule.engine.cpm import Activity, Link, compute  # noqa: E402
from jianguan.collab.schedule.engine.gantt import GanttRow, render_svg  # noqa: E402

TARGET_CPM_S = 2.0
TARGET_GANTT_S = 1.0
DAY = ((480, 720), (780, 1020))
WINDOW = 2000  # a link reaches back at most this many activities: deep and wide, like a programme


def emit(bench: str, **fields: object) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)


def calendars() -> list[Calendar]:
    holidays = {dt.date(2026, 10, d): () for d in range(1, 8)} | {
        dt.date(2027, 2, d): () for d in range(10, 17)
    }
    return [
        Calendar("标准", STANDARD_WEEK, holidays),
        Calendar("六天", (DAY,) * 6 + ((),), holidays),
    ]


def network(n: int, m: int, seed: int = 20) -> tuple[list[Activity], list[Link]]:
    rnd = random.Random(seed)
    cals = calendars()
    start = to_minutes(dt.datetime(2026, 3, 2, 8))
    acts = []
    for i in range(n):
        c = rnd.random()
        constraint, date = "ASAP", None
        if c < 0.01:
            constraint, date = "SNET", start + rnd.randrange(0, 400) * 1440
        elif c < 0.015:
            constraint, date = "FNLT", start + rnd.randrange(2500, 3000) * 1440
        acts.append(
            Activity(
                str(i),
                rnd.choice((0, 1, 2, 3, 5, 8, 10, 15)) * 480,
                cals[i % 2],
                f"作业{i}",
                constraint,
                date,
            )
        )
    links, seen = [], set()
    while len(links) < m:
        j = rnd.randrange(1, n)
        i = rnd.randrange(max(0, j - WINDOW), j)
        if (i, j) in seen:
            continue
        seen.add((i, j))
        r = rnd.random()
        kind = "FS" if r < 0.7 else "SS" if r < 0.85 else "FF" if r < 0.97 else "SF"
        lag = rnd.choice((-480, 240, 480, 960, 2400)) if rnd.random() < 0.25 else 0
        links.append(Link(str(i), str(j), kind, lag))
    return acts, links


def bench_cpm(n: int = 50_000, m: int = 150_000) -> None:
    acts, links = network(n, m)
    start = to_minutes(dt.datetime(2026, 3, 2, 8))
    times, cpu = [], []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        results = compute(acts, links, start)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    critical = sum(r.critical for r in results)
    finish = max(r.early_finish for r in results)
    emit(
        "cpm.compute",
        activities=n,
        links=m,
        seconds=round(min(times), 3),
        cpu_seconds=round(min(cpu), 3),
        first_run_seconds=round(times[0], 3),
        critical=critical,
        project_days=round((finish - start) / 1440),
        target_s=TARGET_CPM_S,
        ok=min(times) < TARGET_CPM_S,
    )


def bench_gantt(n: int = 2_000) -> None:
    acts, links = network(n, n * 3, seed=7)
    start = to_minutes(dt.datetime(2026, 3, 2, 8))
    results = compute(acts, links, start)
    base = dt.datetime(2000, 1, 1)
    rows = [
        GanttRow(
            key=r.key,
            name=a.name,
            start=base + dt.timedelta(minutes=r.early_start),
            finish=base + dt.timedelta(minutes=r.early_finish),
            baseline_start=base + dt.timedelta(minutes=r.early_start - 1440 * (i % 4)),
            baseline_finish=base + dt.timedelta(minutes=r.early_finish - 1440 * (i % 3)),
            percent_complete=(i * 7) % 101,
            critical=r.critical,
            milestone=a.duration == 0,
            total_float_minutes=r.total_float,
        )
        for i, (a, r) in enumerate(zip(acts, results, strict=True))
    ]
    arrows = [(lk.pred, lk.succ, lk.type) for lk in links]
    times, cpu, size = [], [], 0
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        svg = render_svg(rows, arrows)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        size = len(svg)
    emit(
        "cpm.gantt",
        activities=n,
        arrows=len(arrows),
        seconds=round(min(times), 3),
        cpu_seconds=round(min(cpu), 3),
        svg_kb=round(size / 1024),
        target_s=TARGET_GANTT_S,
        ok=min(times) < TARGET_GANTT_S,
    )


def bench_gantt_page(n: int = 2_000) -> None:
    """The whole Gantt page as the view renders it (SVG, the activity table with its progress
    forms, the base template), from activities in memory: the database's part is a handful of
    queries (the schedule, its activities, its links) that the tests count separately."""
    import os
    import tempfile

    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-cpm-"))
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.template.loader import render_to_string

    from jianguan.collab.schedule import reads, views
    from jianguan.collab.schedule.convert import aware
    from jianguan.collab.schedule.models import Activity
    from jianguan.collab.schedule.table import table_rows

    acts, links = network(n, n * 3, seed=7)
    results = compute(acts, links, to_minutes(dt.datetime(2026, 3, 2, 8)))
    base = dt.datetime(2000, 1, 1)
    at = lambda m: aware(base + dt.timedelta(minutes=m))  # noqa: E731
    rows = []
    for i, (a, r) in enumerate(zip(acts, results, strict=True)):
        rows.append(
            Activity(
                pk=i + 1,
                uid=a.key,
                seq=i + 1,
                name=a.name,
                duration_minutes=a.duration,
                milestone=a.duration == 0,
                early_start=at(r.early_start),
                early_finish=at(r.early_finish),
                late_start=at(r.late_start),
                late_finish=at(r.late_finish),
                total_float=r.total_float,
                free_float=r.free_float,
                critical=r.critical,
                percent_complete=(i * 7) % 101,
                baseline_start=at(r.early_start - 1440 * (i % 4)),
                baseline_finish=at(r.early_finish - 1440 * (i % 3)),
            )
        )
    pos = {a.key: i + 1 for i, a in enumerate(acts)}
    arrows = [(pos[lk.pred], pos[lk.succ], lk.type) for lk in links]
    summary = {
        "finish": rows[0].early_finish,
        "baseline_finish": None,
        "slip_days": None,
        "activities": n,
        "critical": sum(r.critical for r in results),
        "not_imported": [],
    }
    project = {"pk": 1, "name": "基准项目"}
    times, cpu, size = [], [], 0
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        html = render_to_string(
            "collab_schedule/gantt.html",
            {
                "project": project,
                "s": summary,
                "can_keep": True,
                "truncated": False,
                "svg": views.gantt_svg(rows, arrows),
                "table": table_rows([reads.activity_read(a) for a in rows], can_keep=True),
            },
        )
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        size = len(html)
    emit(
        "cpm.gantt_page",
        activities=n,
        arrows=len(arrows),
        seconds=round(min(times), 3),
        cpu_seconds=round(min(cpu), 3),
        html_kb=round(size / 1024),
        target_s=TARGET_GANTT_S,
        ok=min(times) < TARGET_GANTT_S,
    )


if __name__ == "__main__":
    bench_cpm()
    bench_gantt()
    bench_gantt_page()
