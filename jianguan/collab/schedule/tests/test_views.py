"""Schedule pages with the Django test client: the Gantt page (critical path in red, baseline,
progress), import through the page (a bad file leaves the old plan and says why), baseline and
progress forms, export, who sees what; and the demo seeder."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.models import User
from jianguan.collab.schedule import demo, services, setup
from jianguan.collab.schedule.models import Schedule
from jianguan.collab.schedule.tests.conftest import FOUNDATION


def login(client, actor):
    client.force_login(User.objects.get(pk=actor.user_id))
    return client


def _upload(data=FOUNDATION):
    return SimpleUploadedFile("plan.xml", data, content_type="application/xml")


def test_keeper_imports_through_the_page_and_sees_the_gantt(site, client):
    a, pid = site["actors"], site["project"].pk
    c = login(client, a["contractor"])
    page = c.get(f"/collab/schedule/projects/{pid}/")
    assert page.status_code == 200 and "尚未导入进度计划" in page.content.decode()
    r = c.post(f"/collab/schedule/projects/{pid}/import/", {"file": _upload()}, follow=True)
    html = r.content.decode()
    assert "已导入" in html and "资源分配" in html  # what was not imported is said
    assert 'id="gantt"' in html and "#d63939" in html  # the critical path in red
    assert "土方开挖" in html and "陈总包" in html  # people by name
    assert "gc1" not in html
    r = c.post(f"/collab/schedule/projects/{pid}/baseline/", follow=True)
    assert "已将当前计划设为基线" in r.content.decode()
    assert "#adb5bd" in c.get(f"/collab/schedule/projects/{pid}/").content.decode()  # baseline bars
    act = Schedule.objects.get(project_id=pid).activities.get(uid="2")
    r = c.post(
        f"/collab/schedule/activities/{act.pk}/progress/",
        {"percent_complete": "50", "actual_start": "2026-03-02T08:00"},
        follow=True,
    )
    assert "已填报" in r.content.decode()
    act.refresh_from_db()
    assert act.percent_complete == 50
    r = c.post(
        f"/collab/schedule/activities/{act.pk}/progress/", {"percent_complete": "abc"}, follow=True
    )
    assert "0 到 100" in r.content.decode()
    xml = c.get(f"/collab/schedule/projects/{pid}/export.xml")
    assert xml.status_code == 200 and b"<PercentComplete>50</PercentComplete>" in xml.content


def test_a_bad_file_through_the_page_leaves_the_plan(site, client):
    a, pid = site["actors"], site["project"].pk
    services.schedule_import(actor=a["contractor"], project=site["project"], upload=_upload())
    loop = FOUNDATION.replace(
        b"<UID>2</UID><ID>2</ID>",
        b"<UID>2</UID><ID>2</ID><PredecessorLink><PredecessorUID>5</PredecessorUID></PredecessorLink>",
    )
    c = login(client, a["supervisor"])
    r = c.post(f"/collab/schedule/projects/{pid}/import/", {"file": _upload(loop)}, follow=True)
    html = r.content.decode()
    assert "导入失败，原计划未改动" in html and "循环依赖" in html and "土方开挖" in html
    assert Schedule.objects.get(project_id=pid).activities.count() == 12


def test_who_sees_what(site, client):
    a, pid = site["actors"], site["project"].pk
    services.schedule_import(actor=a["contractor"], project=site["project"], upload=_upload())
    designer = (
        login(client, a["designer"]).get(f"/collab/schedule/projects/{pid}/").content.decode()
    )
    assert 'id="gantt"' in designer and 'id="import-form"' not in designer
    assert client.post(f"/collab/schedule/projects/{pid}/baseline/").status_code == 403
    reg = login(client, a["regulator"])
    assert reg.get(f"/collab/schedule/projects/{pid}/").status_code == 200
    assert site["project"].name in reg.get("/collab/schedule/").content.decode()
    out = login(client, a["outsider"])
    assert out.get(f"/collab/schedule/projects/{pid}/").status_code == 404
    assert out.get(f"/collab/schedule/projects/{pid}/export.xml").status_code == 404
    assert site["project"].name not in out.get("/collab/schedule/").content.decode()


def test_demo_seed_is_believable_quick_and_idempotent(site, monkeypatch):
    people = {
        "contractor": site["actors"]["contractor"],
        "supervisor": site["actors"]["supervisor"],
    }
    monkeypatch.setattr(demo, "_actor", people.get)
    t0 = time.process_time()  # CPU time: the test machine's cores are shared
    out = demo.seed()
    assert time.process_time() - t0 < 2
    assert out["project"] == site["project"].code and out["progress"] >= 5
    s = Schedule.objects.get(project=site["project"])
    assert s.baseline_finish and s.finish > s.baseline_finish  # it slips
    assert s.activities.filter(source="key_node").exists()
    assert s.activities.filter(critical=True).exists()
    facts = setup._facts([site["project"]])[site["project"].pk]
    assert facts["schedule_slip"]["finish_days"] > 0
    assert demo.seed() == {"skipped": True}


@pytest.mark.parametrize("path", ["/collab/schedule/", "/collab/schedule/projects/{pid}/"])
def test_pages_at_phone_width(site, client, path):
    a = site["actors"]
    services.schedule_import(actor=a["contractor"], project=site["project"], upload=_upload())
    r = login(client, a["owner"]).get(
        path.format(pid=site["project"].pk), HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile"
    )
    assert (
        r.status_code == 200
        and "max-width" in r.content.decode()
        or "table-responsive" in r.content.decode()
    )
