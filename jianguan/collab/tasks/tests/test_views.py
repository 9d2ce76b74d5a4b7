"""Task and meeting pages with the Django test client: the board, the list with filters, the
new-task form (outsiders refused with the reason on the page, nothing saved), the task page's
forms, my tasks, meetings; and the field worker's journey: the subcontractor's administrator
opens a free account, the worker signs in on a phone and finishes its task with a photo."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jianguan.accounts.models import User
from jianguan.collab.tasks import services
from jianguan.collab.tasks.models import Meeting, Task
from jianguan.collab.tasks.tests.conftest import JPEG
from jianguan.core.timeutil import today_local

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"}


def login(client, actor):
    client.force_login(User.objects.get(pk=actor.user_id))
    return client


def task(site, **over):
    a = site["actors"]
    args = dict(
        actor=a["contractor"],
        project=site["project"],
        title="三层卫生间防水闭水试验",
        due_on=today_local() + dt.timedelta(days=1),
        assignee_user_id=a["sub_staff"].user_id,
        checklist=["闭水 24 小时"],
    )
    args.update(over)
    return services.task_create(**args)


def test_board_list_and_new_task(site, client):
    a, p = site["actors"], site["project"]
    t = task(site)
    login(client, a["contractor"])
    r = client.get(reverse("collab_tasks:board", args=[p.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="col-todo"' in html and t.title in html and "collab_tasks/tasks.css" in html
    assert "新建任务" in html and "李工人" in html and "subworker" not in html
    r = client.get(reverse("collab_tasks:board", args=[p.pk]), {"view": "list", "status": "done"})
    assert t.title not in r.content.decode()
    r = client.get(
        reverse("collab_tasks:board", args=[p.pk]),
        {"view": "list", "assignee": f"user:{a['sub_staff'].user_id}"},
    )
    assert t.title in r.content.decode()
    url = reverse("collab_tasks:new", args=[p.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "title": "外单位人员任务",
            "assignee": f"user:{a['outsider'].user_id}",
            "priority": "normal",
        },
    )
    assert r.status_code == 400 and "不是本项目参建单位的人员" in r.content.decode()
    assert not Task.objects.filter(title="外单位人员任务").exists()
    r = client.post(
        url,
        {
            "title": "报送防水施工方案",
            "assignee": f"org:{site['orgs']['sub'].pk}",
            "priority": "urgent",
            "due_on": str(today_local() + dt.timedelta(days=3)),
            "checklist": "方案\n计算书",
        },
    )
    new = Task.objects.get(title="报送防水施工方案")
    assert r.status_code == 302 and r["Location"] == reverse("collab_tasks:task", args=[new.pk])
    assert new.checklist.count() == 2 and new.priority == "urgent"


def test_board_move_and_task_page_forms(site, client):
    a = site["actors"]
    t = task(site)
    login(client, a["sub_staff"])
    r = client.get(reverse("collab_tasks:board", args=[site["project"].pk]))
    assert "→ 进行中" in r.content.decode()
    act = reverse("collab_tasks:task_act", args=[t.pk])
    r = client.post(act, {"action": "move", "status": "in_progress", "next": "board"})
    assert r.status_code == 302 and r["Location"].endswith(f"/projects/{site['project'].pk}/")
    t.refresh_from_db()
    assert t.status == "in_progress"
    client.post(act, {"action": "comment", "body": "已放水", "mentions": [a["contractor"].user_id]})
    client.post(act, {"action": "checklist_add", "text": "拍照"})
    r = client.post(act, {"action": "move", "status": "cancelled"})
    assert r.status_code == 403
    r = client.get(reverse("collab_tasks:task", args=[t.pk]))
    html = r.content.decode()
    assert "已放水" in html and "拍照" in html and "状态由“待办”改为“进行中”" in html
    r = client.post(act, {"action": "comment", "body": ""}, follow=True)
    assert "请填写意见" in r.content.decode()


def test_outsider_and_regulator_on_pages(site, client):
    a = site["actors"]
    t = task(site)
    login(client, a["outsider"])
    assert client.get(reverse("collab_tasks:task", args=[t.pk])).status_code == 404
    assert client.get(reverse("collab_tasks:board", args=[site["project"].pk])).status_code == 404
    login(client, a["regulator"])
    r = client.get(reverse("collab_tasks:task", args=[t.pk]))
    assert r.status_code == 200 and "发表意见" not in r.content.decode()
    r = client.post(
        reverse("collab_tasks:task_act", args=[t.pk]), {"action": "comment", "body": "x"}
    )
    assert r.status_code == 403
    assert client.get(reverse("collab_tasks:new", args=[site["project"].pk])).status_code == 403


def test_meeting_pages(site, client):
    a, p = site["actors"], site["project"]
    login(client, a["supervisor"])
    assert client.get(reverse("collab_tasks:meetings", args=[p.pk])).status_code == 200
    r = client.post(
        reverse("collab_tasks:meeting_new", args=[p.pk]),
        {
            "title": "监理例会",
            "starts_at": "2026-12-08T09:00",
            "agenda": "进度\n质量",
            "attendees": [str(a["contractor"].user_id), str(a["sub_staff"].user_id)],
        },
    )
    m = Meeting.objects.get()
    assert r.status_code == 302 and m.agenda == ["进度", "质量"]
    act = reverse("collab_tasks:meeting_act", args=[m.pk])
    client.post(
        act,
        {"action": "minutes", "minutes": "会议纪要正文", "decisions": "决定一", "agenda": "进度"},
    )
    client.post(act, {"action": "attendance", f"att_{a['contractor'].user_id}": "present"})
    client.post(
        act,
        {
            "action": "action_item",
            "title": "补交质量资料",
            "assignee": f"user:{a['sub_staff'].user_id}",
        },
    )
    r = client.post(act, {"action": "issue"}, follow=True)
    assert "已签发会议纪要" in r.content.decode()
    m.refresh_from_db()
    assert m.status == "issued" and Task.objects.filter(meeting=m, title="补交质量资料").exists()
    login(client, a["contractor"])
    html = client.get(reverse("collab_tasks:meeting", args=[m.pk])).content.decode()
    assert "会议纪要正文" in html and "纪要已签发" in html and "保存草稿" not in html


def test_field_worker_journey(site, client, django_capture_on_commit_callbacks):
    """A subcontractor's administrator opens a free account for a site worker; the worker
    signs in on a phone, sees its task in my tasks and finishes it with a photo."""
    from jianguan.accounts.onboarding import people

    a = site["actors"]
    membership, link = people.staff_invite(
        actor=a["sub_admin"],
        username="zhang.gong",
        display_name="张工",
        phone="13800000001",
        roles=["staff"],
    )
    worker = membership.user
    worker.set_password("Field-worker-2026")  # what the one-time link lets the worker do
    worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        t = task(site, assignee_user_id=worker.pk, title="二层桥架吊杆加固")
    r = client.post(
        reverse("accounts:login"),
        {"username": "zhang.gong", "password": "Field-worker-2026"},
        **PHONE,
    )
    assert r.status_code == 302
    html = client.get(reverse("collab_tasks:mine"), **PHONE).content.decode()
    assert "二层桥架吊杆加固" in html and 'name="viewport"' in html
    page = client.get(reverse("collab_tasks:task", args=[t.pk]), **PHONE).content.decode()
    assert 'capture="environment"' in page and "ct-phone-full" in page
    act = reverse("collab_tasks:task_act", args=[t.pk])
    r = client.post(
        act,
        {"action": "attach", "file": SimpleUploadedFile("IMG.jpg", JPEG, "image/jpeg")},
        **PHONE,
    )
    assert r.status_code == 302
    client.post(act, {"action": "move", "status": "done", "note": "已加固，见照片"}, **PHONE)
    t.refresh_from_db()
    assert t.status == "done" and t.attachments.get().is_photo
    photo = t.attachments.get()
    r = client.get(reverse("collab_tasks:attachment", args=[t.pk, photo.pk]))
    assert r.status_code == 200 and r["X-Content-SM3"] == photo.sm3
    # the worker reaches only its own organisation's projects
    assert client.get(reverse("collab_tasks:board", args=[site["project"].pk])).status_code == 200
