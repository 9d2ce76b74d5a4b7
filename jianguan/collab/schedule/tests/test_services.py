"""Schedule services and the API: import (SM3 in the ledger, refused whole on bad input),
activities and critical path, export round trip, baseline, progress, register milestones and
the slippage warning; permissions in their order (403 grant/standing, 404 what one may not see)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.schedule import services, setup
from jianguan.collab.schedule.engine.model import schedule
from jianguan.collab.schedule.engine.mspdi_read import parse
from jianguan.collab.schedule.models import Activity, Schedule
from jianguan.collab.schedule.tests.conftest import FOUNDATION
from jianguan.core.errors import ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.api_client import Api

BASE = "/api/v1/collab/schedule"


def upload(data=FOUNDATION, name="foundation.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


@pytest.fixture
def as_(client, bearer):
    return lambda actor: Api(client, bearer(actor))


def payload(entry):
    return json.loads(bytes(entry.leaf_input))


def test_import_stores_the_schedule_with_its_sm3_in_the_ledger(site):
    gc = site["actors"]["contractor"]
    s = services.schedule_import(actor=gc, project=site["project"], upload=upload())
    assert s.activities.filter(source="plan").count() == 11
    node = s.activities.get(source="key_node")
    assert node.milestone and node.name == "关键节点：基础验收"
    crit = set(s.activities.filter(critical=True, summary=False).values_list("uid", flat=True))
    assert {"2", "3", "4", "5", "6", "8", "10"} <= crit
    a8 = s.activities.get(uid="8")
    assert (a8.total_float, a8.free_float) == (-240, 0)
    assert s.links.count() == 8
    entry = LedgerEntry.objects.get(type="collab_schedule.imported")
    import hashlib

    assert hashlib.new("sm3", FOUNDATION).hexdigest() in json.dumps(payload(entry))
    assert s.source_sm3 == hashlib.new("sm3", FOUNDATION).hexdigest()
    assert any("Assignments" in x for x in s.not_imported)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html/>", "mspdi_not_mspdi"),
        (FOUNDATION.replace(b"<ScheduleFromStart>1", b"<ScheduleFromStart>0"), "mspdi_unsupported"),
        (
            FOUNDATION.replace(
                b"<UID>2</UID><ID>2</ID>",
                b"<UID>2</UID><ID>2</ID><PredecessorLink><PredecessorUID>5</PredecessorUID></PredecessorLink>",
            ),
            "schedule_loop",
        ),
        (b"", "empty_file"),
    ],
)
def test_bad_files_leave_the_old_schedule_untouched(site, data, code):
    gc = site["actors"]["contractor"]
    before = services.schedule_import(actor=gc, project=site["project"], upload=upload())
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.schedule_import(actor=gc, project=site["project"], upload=upload(data))
    assert exc.value.code == code and exc.value.message
    assert Schedule.objects.get(project=site["project"]).pk == before.pk
    assert Activity.objects.filter(schedule=before).count() == 12
    assert LedgerEntry.objects.count() == entries


def test_export_round_trip_gives_the_same_schedule(site):
    s = services.schedule_import(
        actor=site["actors"]["contractor"], project=site["project"], upload=upload()
    )
    exported = services.schedule_export(schedule_obj=s)
    again = schedule(parse(exported))
    first = {t.uid: t for t in schedule(parse(FOUNDATION))}
    for t in again:
        if t.uid in first:
            assert t == first[t.uid]
    # MS Project's UIDs are numbers: the key-node milestone went out as UID 12, and importing
    # the exported file again does not double it.
    assert all(t.uid.isdigit() for t in again) and len(again) == len(first) + 1
    fields = ("uid", "early_start", "early_finish", "late_start", "late_finish", "total_float")
    plan = lambda sch: list(sch.activities.filter(source="plan").values_list(*fields))  # noqa: E731
    before = plan(s)
    s2 = services.schedule_import(
        actor=site["actors"]["contractor"], project=site["project"], upload=upload(exported)
    )
    assert s2.activities.count() == 12 and s2.activities.filter(source="key_node").count() == 1
    assert plan(s2) == before


def test_baseline_progress_and_slip_warning(site):
    gc = site["actors"]["contractor"]
    s = services.schedule_import(actor=gc, project=site["project"], upload=upload())
    s = services.baseline_set(actor=gc, schedule_obj=s)
    assert s.baseline_finish == s.finish
    facts = setup._facts([site["project"]])[site["project"].pk]
    assert facts["schedule_slip"]["finish_days"] == 0
    a2 = s.activities.get(uid="2")
    # Excavation actually started two working days late: everything after it slips.
    late = a2.early_start.replace(day=4)
    act = services.progress_update(actor=gc, activity=a2, percent_complete=30, actual_start=late)
    assert act.pk == a2.pk and act.early_start == late
    s.refresh_from_db()
    assert s.finish > s.baseline_finish
    facts = setup._facts([site["project"]])[site["project"].pk]
    assert facts["schedule_slip"]["finish_days"] >= 2
    thresholds = {setup.SLIP: {"blue": 1, "yellow": 7, "orange": 15, "red": 30}}
    level, reason = setup.check_schedule_baseline_slip(facts, None, thresholds)
    assert level == 1 and "滞后" in reason
    assert LedgerEntry.objects.filter(type="collab_schedule.progress_updated").count() == 1
    with pytest.raises(ValidationFailed):
        services.progress_update(actor=gc, activity=a2, percent_complete=100, actual_start=late)
    with pytest.raises(ValidationFailed):
        services.progress_update(
            actor=gc, activity=s.activities.get(source="key_node"), percent_complete=0
        )


def test_api_journey_and_refusals(site, as_):
    a, pid = site["actors"], site["project"].pk
    gc = as_(a["contractor"])
    r = gc.upload(f"{BASE}/projects/{pid}/import", {}, file=upload())
    assert r.status_code == 201, r.content
    assert r.json()["critical"] >= 7 and r.json()["source_sm3"]
    rows = gc.get(f"{BASE}/projects/{pid}/activities").json()
    assert len(rows) == 12 and rows[1]["uid"] == "2" and rows[1]["critical"]
    crit = as_(a["regulator"]).get(f"{BASE}/projects/{pid}/critical-path").json()
    assert [c["uid"] for c in crit][:3] == ["2", "3", "4"]
    xml = gc.get(f"{BASE}/projects/{pid}/export")
    assert xml.status_code == 200 and b"schemas.microsoft.com/project" in xml.content
    assert gc.post(f"{BASE}/projects/{pid}/baseline").json()["slip_days"] == 0
    act_id = rows[1]["id"]
    r = gc.post(
        f"{BASE}/activities/{act_id}/progress",
        {"percent_complete": 20, "actual_start": "2026-03-02T08:00:00+08:00"},
    )
    assert r.status_code == 200 and r.json()["percent_complete"] == 20
    r = gc.post(
        f"{BASE}/activities/{act_id}/progress",
        {"percent_complete": 20, "actual_start": "2026-03-02T08:00:00"},
    )
    assert r.status_code == 400 and r.json()["code"] == "naive_datetime"
    # The designer is a party: reads, but may not keep the schedule (403); an outsider: 404.
    assert as_(a["designer"]).get(f"{BASE}/projects/{pid}").status_code == 200
    assert as_(a["designer"]).post(f"{BASE}/projects/{pid}/baseline").status_code == 403
    assert as_(a["outsider"]).get(f"{BASE}/projects/{pid}").status_code == 404
    assert (
        as_(a["outsider"])
        .post(f"{BASE}/activities/{act_id}/progress", {"percent_complete": 1})
        .status_code
        == 404
    )
    r = gc.upload(f"{BASE}/projects/{pid}/import", {}, file=upload(b"<Project xmlns='x'/>"))
    assert r.status_code == 400 and r.json()["code"].startswith("mspdi_")


def test_general_contractor_has_progress_to_report_in_the_todo_list(site):
    from jianguan.core.timeutil import today_local
    from jianguan.core.todo import todo_for

    a = site["actors"]
    services.schedule_import(actor=a["contractor"], project=site["project"], upload=upload())
    items = [
        i
        for i in todo_for(a["contractor"], today_local())
        if i.kind == "collab_schedule.progress_due"
    ]
    assert len(items) == 1 and "项作业已到计划开始时间尚未填报" in items[0].title
    assert items[0].url == f"/collab/schedule/projects/{site['project'].pk}/"
    assert not [
        i for i in todo_for(a["supervisor"], today_local()) if i.kind.startswith("collab_schedule")
    ]
