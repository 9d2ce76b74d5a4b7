"""Tasks and meetings over the API: the journey as JSON, and the refusals in their order (401
without a token, 403 without the grant or standing, 404 for what the actor may not see, 400
for bad input with a Chinese message and a stable code)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.tasks.models import Task
from jianguan.collab.tasks.tests.conftest import PNG
from jianguan.core.timeutil import today_local
from jianguan.projects.tests.api_client import Api

BASE = "/api/v1/collab"


@pytest.fixture
def as_(client, bearer):
    return lambda actor: Api(client, bearer(actor))


def body(site, **over):
    return {
        "project_id": site["project"].pk,
        "title": "消防管道试压",
        "priority": "high",
        "due_on": str(today_local() + dt.timedelta(days=2)),
        "assignee_user_id": site["actors"]["sub_staff"].user_id,
        "checklist": ["试压记录", "现场照片"],
        **over,
    }


def test_task_journey_over_the_api(site, as_):
    a = site["actors"]
    gc, staff = as_(a["contractor"]), as_(a["sub_staff"])
    r = gc.post(f"{BASE}/tasks", body(site))
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["status_label"] == "待办" and t["priority_label"] == "高"
    assert t["assignee_org_name"] == site["orgs"]["sub"].name and len(t["checklist"]) == 2
    mine = staff.get(f"{BASE}/tasks/mine").json()
    assert [x["id"] for x in mine] == [t["id"]]
    r = staff.post(f"{BASE}/tasks/{t['id']}/status", {"status": "in_progress"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert "done" in r.json()["moves"]
    r = staff.post(f"{BASE}/tasks/{t['id']}/checklist/{t['checklist'][0]['id']}", {"done": True})
    assert r.json()["done"] is True
    r = staff.post(
        f"{BASE}/tasks/{t['id']}/comments",
        {"body": "已试压", "mentions": [a["contractor"].user_id]},
    )
    assert r.status_code == 201 and r.json()["mentions"]
    r = staff.upload(
        f"{BASE}/tasks/{t['id']}/attachments",
        {},
        file=SimpleUploadedFile("p.png", PNG, "image/png"),
    )
    assert r.status_code == 201 and r.json()["is_photo"]
    r = staff.post(f"{BASE}/tasks/{t['id']}/status", {"status": "done"})
    assert r.json()["status_label"] == "已完成"
    listed = gc.get(f"{BASE}/tasks", project_id=site["project"].pk, status="done").json()
    assert [x["id"] for x in listed] == [t["id"]]
    people = gc.get(f"{BASE}/tasks/projects/{site['project'].pk}/people").json()
    assert {p["name"] for p in people} >= {site["orgs"]["sub"].name}
    # the regulator reads, never works
    reg = as_(a["regulator"])
    assert reg.get(f"{BASE}/tasks/{t['id']}").status_code == 200
    r = reg.post(f"{BASE}/tasks/{t['id']}/comments", {"body": "督办"})
    assert r.status_code == 403 and r.json()["code"] == "not_a_party"


def test_api_refusals(site, as_, client):
    a = site["actors"]
    gc = as_(a["contractor"])
    r = gc.post(f"{BASE}/tasks", body(site, assignee_user_id=a["outsider"].user_id))
    assert r.status_code == 400 and r.json()["code"] == "assignee_not_in_project"
    assert "参建单位" in r.json()["message"]
    assert not Task.objects.exists()
    r = gc.post(f"{BASE}/tasks", body(site, due_on="2020-01-01"))
    assert r.status_code == 400 and r.json()["code"] == "due_in_past"
    r = gc.post(f"{BASE}/tasks", body(site, links=[{"kind": "bim.clash", "object_id": 99999}]))
    assert r.status_code == 404 and r.json()["code"] == "link_target_not_found"
    assert not Task.objects.exists()
    t = gc.post(f"{BASE}/tasks", body(site)).json()
    out = as_(a["outsider"])
    assert out.get(f"{BASE}/tasks/{t['id']}").status_code == 404
    assert out.post(f"{BASE}/tasks/{t['id']}/status", {"status": "done"}).status_code == 404
    assert out.get(f"{BASE}/tasks/abc").status_code == 404
    r = as_(a["sub_staff"]).post(f"{BASE}/tasks/{t['id']}/status", {"status": "cancelled"})
    assert r.status_code == 403 and r.json()["code"] == "not_your_move"
    r = as_(a["sub_staff"]).post(f"{BASE}/tasks/{t['id']}/status", {"status": "lost"})
    assert r.status_code == 400
    r = as_(a["sub_staff"]).upload(
        f"{BASE}/tasks/{t['id']}/attachments", {}, file=SimpleUploadedFile("a.txt", b"hello")
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_file_type"
    assert client.get(f"{BASE}/tasks").status_code == 401


def test_meeting_over_the_api(site, as_):
    a = site["actors"]
    sup = as_(a["supervisor"])
    r = sup.post(
        f"{BASE}/meetings",
        {
            "project_id": site["project"].pk,
            "title": "专题协调会",
            "starts_at": "2026-12-08T09:00:00+08:00",
            "agenda": ["管线综合"],
            "attendee_ids": [a["contractor"].user_id, a["supervisor"].user_id],
        },
    )
    assert r.status_code == 201, r.content
    m = r.json()
    r = sup.post(
        f"{BASE}/meetings/{m['id']}/minutes", {"minutes": "议定如下", "decisions": ["同意"]}
    )
    assert r.json()["decisions"] == ["同意"]
    r = sup.post(
        f"{BASE}/meetings/{m['id']}/attendance",
        {"marks": [{"user_id": a["contractor"].user_id, "attendance": "present"}]},
    )
    assert r.json()["attendees"][0]["attendance_label"] in ("出席", "未登记")
    r = sup.post(
        f"{BASE}/meetings/{m['id']}/action-items",
        {"title": "出具管线综合图", "assignee_org_id": site["orgs"]["general_contractor"].pk},
    )
    assert r.status_code == 201 and r.json()["task_id"] is None
    r = sup.post(f"{BASE}/meetings/{m['id']}/issue")
    assert r.status_code == 200 and r.json()["status_label"] == "纪要已签发"
    assert r.json()["action_items"][0]["task_id"] and len(r.json()["minutes_sm3"]) == 64
    r = sup.post(f"{BASE}/meetings/{m['id']}/minutes", {"minutes": "改"})
    assert r.status_code == 400 and r.json()["code"] == "minutes_issued"
    assert as_(a["outsider"]).get(f"{BASE}/meetings/{m['id']}").status_code == 404
    listed = as_(a["regulator"]).get(f"{BASE}/meetings", project_id=site["project"].pk).json()
    assert [x["id"] for x in listed] == [m["id"]]
