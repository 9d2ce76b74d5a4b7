"""MSPDI import/export and the command line (no database).

`data/foundation.xml` is written by hand in the structure MS Project 2010-2013 saves (namespace
http://schemas.microsoft.com/project; the element names and order of MPXJ's
junit/data/generated/task-links/task-links-project2013-mspdi.xml, a file saved by MS Project):
two base calendars (Standard with a holiday exception, a six-day one), summary tasks, all four
link types, a lag in days, in hours and elapsed, SNET and FNLT constraints, milestones, a
baseline, progress, a resource and an assignment. Its EarlyStart/EarlyFinish/LateStart/
LateFinish/TotalSlack/FreeSlack were computed by hand as MS Project computes them (finishes at the
end of a working stretch, except a finish held by a start-to-finish link, which keeps the
instant it got, as in MPXJ's mspdirelations.xml); the import must reproduce every one."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jianguan.collab.schedule.__main__ import main
from jianguan.collab.schedule.engine.cpm import ScheduleError
from jianguan.collab.schedule.engine.model import schedule
from jianguan.collab.schedule.engine.mspdi_read import MspdiError, parse
from jianguan.collab.schedule.engine.mspdi_write import write

DATA = Path(__file__).parent / "data"
NS = "{http://schemas.microsoft.com/project}"
FOUNDATION = (DATA / "foundation.xml").read_bytes()


def file_figures(data: bytes) -> dict[str, dict]:
    out = {}
    for task in ET.fromstring(data).iter(NS + "Task"):
        get = lambda n, task=task: task.findtext(NS + n)  # noqa: E731
        if get("EarlyStart"):
            out[get("UID")] = {
                "early_start": get("EarlyStart"),
                "early_finish": get("EarlyFinish"),
                "late_start": get("LateStart"),
                "late_finish": get("LateFinish"),
                "total_float_minutes": int(get("TotalSlack")) // 10,
                "free_float_minutes": int(get("FreeSlack")) // 10,
                "critical": get("Critical") == "1",
            }
    return out


def test_import_reproduces_the_files_own_dates_and_floats():
    spec = parse(FOUNDATION)
    got = {t.uid: t.as_json() for t in schedule(spec)}
    expected = file_figures(FOUNDATION)
    assert set(got) == set(expected) == {str(i) for i in (2, 3, 4, 5, 6, 8, 9, 10, 11)}
    for uid, figures in expected.items():
        assert {k: got[uid][k] for k in figures} == figures, uid
    critical = [uid for uid, row in got.items() if row["critical"]]
    assert critical == ["2", "3", "4", "5", "6", "8", "10"]
    assert any("Assignments" in item for item in spec.not_imported)  # listed, not dropped


def test_import_keeps_calendars_links_constraints_baseline_progress():
    spec = parse(FOUNDATION)
    assert spec.start == dt.datetime(2026, 3, 2, 8)
    assert spec.calendars["1"].exceptions == {dt.date(2026, 3, 13): ()}
    assert spec.calendars["3"].week[5] == ((480, 720), (780, 1020))  # Saturday works
    tasks = {t.uid: t for t in spec.tasks}
    assert tasks["3"].calendar_uid == "3" and tasks["3"].links[0].lag == 480
    assert tasks["8"].links[0].elapsed and tasks["8"].links[0].lag == 1440
    assert [lk.type for lk in tasks["5"].links] == ["FF", "FS"]
    assert tasks["10"].constraint == "FNLT" and tasks["11"].constraint == "SNET"
    assert tasks["2"].percent_complete == 50 and tasks["2"].actual_start == dt.datetime(
        2026, 3, 2, 8
    )
    assert tasks["8"].baseline_finish == dt.datetime(2026, 3, 19, 12)
    assert tasks["1"].summary and tasks["6"].milestone


def test_round_trip_import_export_import_gives_the_same_schedule():
    first = parse(FOUNDATION)
    computed = schedule(first)
    exported = write(first, computed)
    second = parse(exported)
    assert schedule(second) == computed
    assert [
        (t.uid, t.links, t.constraint, t.constraint_date, t.calendar_uid) for t in second.tasks
    ] == [(t.uid, t.links, t.constraint, t.constraint_date, t.calendar_uid) for t in first.tasks]
    assert second.calendars == first.calendars
    # The export carries its computed figures the way MS Project writes them.
    assert file_figures(exported) == file_figures(FOUNDATION)


def test_summary_links_bind_the_tasks_under_them():
    # A link out of summary 1 (finish) holds back 11; a link into summary 7 holds back 8.
    text = FOUNDATION.replace(b"<UID>11</UID><ID>11</ID>", b"<UID>11</UID><ID>11</ID>").replace(
        b"<ConstraintType>4</ConstraintType><CalendarUID>-1</CalendarUID><ConstraintDate>2026-03-16T08:00:00</ConstraintDate>",
        b"<ConstraintType>0</ConstraintType><CalendarUID>-1</CalendarUID>"
        b"<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>",
    )
    got = {t.uid: t for t in schedule(parse(text))}
    # Summary 1 finishes with its last task, 5 (Tue 03-10 12:00): 11 starts after lunch.
    assert got["11"].early_start == dt.datetime(2026, 3, 10, 13)


def _bad(doc: str) -> bytes:
    return FOUNDATION.replace(b"</Tasks>", doc.encode() + b"</Tasks>")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not xml at all", "not_xml"),
        (b"<Project><Tasks/></Project>", "no_start"),
        (b"<?xml version='1.0'?><Schedule/>", "not_mspdi"),
        (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "x">]><Project>&a;</Project>', "doctype"),
        (FOUNDATION.replace(b"<ScheduleFromStart>1", b"<ScheduleFromStart>0"), "unsupported"),
        (
            FOUNDATION.replace(
                b"<LinkLag>2400</LinkLag><LagFormat>5</LagFormat>",
                b"<LinkLag>500</LinkLag><LagFormat>19</LagFormat>",
            ),
            "unsupported",
        ),
        (
            FOUNDATION.replace(
                b"<Duration>PT24H0M0S</Duration>", b"<Duration>three days</Duration>", 1
            ),
            "bad_duration",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(data, code):
    with pytest.raises(MspdiError) as exc:
        parse(data)
    assert exc.value.code == code
    assert exc.value.message


def test_unsupported_features_are_listed():
    data = FOUNDATION.replace(b"<ScheduleFromStart>1", b"<ScheduleFromStart>0").replace(
        b"<LinkLag>2400</LinkLag><LagFormat>5</LagFormat>",
        b"<LinkLag>500</LinkLag><LagFormat>19</LagFormat>",
    )
    with pytest.raises(MspdiError) as exc:
        parse(data)
    assert (
        len(exc.value.items) == 2
        and "ScheduleFromStart" in str(exc.value)
        and "percent" in str(exc.value)
    )


def test_a_loop_in_the_file_is_named():
    data = FOUNDATION.replace(
        b"<UID>2</UID><ID>2</ID>",
        b"<UID>2</UID><ID>2</ID><PredecessorLink><PredecessorUID>5</PredecessorUID><Type>1</Type></PredecessorLink>",
    )
    # PredecessorLink is read wherever it sits inside the task.
    with pytest.raises(ScheduleError) as exc:
        schedule(parse(data))
    assert exc.value.code == "loop" and set(exc.value.detail) >= {"2", "3", "5"}


def test_command_line_writes_the_json(tmp_path, capsys):
    src = tmp_path / "plan.xml"
    src.write_bytes(FOUNDATION)
    out = tmp_path / "out.json"
    assert main([str(src), "--json", str(out)]) == 0
    rows = json.loads(out.read_text())["tasks"]
    assert len(rows) == 9 and set(rows[0]) == {
        "uid",
        "name",
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float_minutes",
        "free_float_minutes",
        "critical",
    }
    assert rows[0] == {**file_figures(FOUNDATION)["2"], "uid": "2", "name": "土方开挖"}
    assert "Assignments" in capsys.readouterr().err


def test_command_line_refuses_bad_files_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "plan.xml"
    src.write_bytes(
        FOUNDATION.replace(
            b"<UID>2</UID><ID>2</ID>",
            b"<UID>2</UID><ID>2</ID><PredecessorLink><PredecessorUID>5</PredecessorUID></PredecessorLink>",
        )
    )
    out = tmp_path / "out.json"
    assert main([str(src), "--json", str(out)]) == 2
    assert not out.exists() and not list(tmp_path.glob(".schedule-*"))
    err = capsys.readouterr().err
    assert "循环" in err and "loop" in err
    assert main([str(tmp_path / "missing.xml"), "--json", str(out)]) == 2


def test_module_runs_without_django(tmp_path):
    """`python -m jianguan.collab.schedule FILE.xml --json OUT`, in a fresh interpreter with no
    Django settings, and without importing Django at all."""
    src = tmp_path / "plan.xml"
    src.write_bytes(FOUNDATION)
    out = tmp_path / "out.json"
    root = Path(__file__).resolve().parents[4]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "jianguan.collab.schedule", str(src), "--json", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(out.read_text())["tasks"]) == 9
    probe = "import sys, jianguan.collab.schedule.__main__; print(any(m.startswith('django') for m in sys.modules))"
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert proc.stdout.strip() == "False", proc.stderr
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<html/>")
    proc = subprocess.run(
        [sys.executable, "-m", "jianguan.collab.schedule", str(bad), "--json", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 2 and "MSPDI" in proc.stderr


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (b"<OutlineLevel>2</OutlineLevel>", b"<OutlineLevel>two</OutlineLevel>", "bad_number"),
        (
            b"<Duration>PT24H0M0S</Duration>",
            b"<Duration>PT99999999999H0M0S</Duration>",
            "bad_duration",
        ),
        (b"<FromTime>08:00:00</FromTime>", b"<FromTime>eight</FromTime>", "bad_time"),
    ],
)
def test_garbage_fields_are_clear_errors(old, new, code):
    with pytest.raises(MspdiError) as exc:
        parse(FOUNDATION.replace(old, new, 1))
    assert exc.value.code == code


def test_dates_beyond_any_calendar_and_empty_calendars_are_clear_errors():
    far = FOUNDATION.replace(
        b"<StartDate>2026-03-02T08:00:00</StartDate>", b"<StartDate>2500-03-02T08:00:00</StartDate>"
    )
    with pytest.raises(ScheduleError) as exc:
        schedule(parse(far))
    assert exc.value.code == "out_of_range"
    # The six-day calendar loses all its working time: the task that uses it cannot be scheduled.
    empty = FOUNDATION.replace(b"<DayWorking>1</DayWorking>", b"<DayWorking>0</DayWorking>")
    with pytest.raises((ScheduleError, MspdiError)):
        schedule(parse(empty))


def test_command_line_on_garbage_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "plan.xml"
    src.write_bytes(
        FOUNDATION.replace(b"<OutlineLevel>2</OutlineLevel>", b"<OutlineLevel>x</OutlineLevel>", 1)
    )
    assert main([str(src), "--json", str(tmp_path / "o.json")]) == 2
    assert "bad_number" in capsys.readouterr().err
