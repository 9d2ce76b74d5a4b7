"""Meetings through the services: agenda and attendees (people of the parties only), minutes
and decisions, action items (assignees of the project only); issuing freezes the minutes (SM3
in the ledger) and turns the action items into tasks linked back to the meeting."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from jianguan.collab.tasks import workflow
from jianguan.collab.tasks.meetings import services
from jianguan.collab.tasks.models import Task
from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.workbench.notifications.models import Notification


def meeting(site, by="supervisor", **over):
    a = site["actors"]
    args = dict(
        actor=a[by],
        project=site["project"],
        title="第 12 次监理例会",
        starts_at=now(),
        place="项目部二楼会议室",
        agenda=["上周问题整改情况", "机电安装进度"],
        attendee_ids=[a["supervisor"].user_id, a["contractor"].user_id, a["sub_admin"].user_id],
    )
    args.update(over)
    return services.meeting_create(**args)


def test_meeting_minutes_action_items_become_tasks(site, django_capture_on_commit_callbacks):
    a = site["actors"]
    m = meeting(site)
    assert m.attendees.count() == 3 and m.agenda[1] == "机电安装进度"
    with pytest.raises(ValidationFailed) as exc:  # nothing to issue yet
        services.meeting_issue(actor=a["supervisor"], meeting=m)
    assert exc.value.code == "minutes_missing"
    services.meeting_update(
        actor=a["supervisor"],
        meeting=m,
        minutes="施工单位汇报了机电安装进度，监理指出桥架标高问题。",
        decisions=["桥架标高问题本周内整改完毕"],
    )
    with pytest.raises(ValidationFailed) as exc:
        services.meeting_issue(actor=a["supervisor"], meeting=m)
    assert exc.value.code == "attendance_missing"
    services.attendance_set(
        actor=a["supervisor"],
        meeting=m,
        marks={a["supervisor"].user_id: "present", a["sub_admin"].user_id: "excused"},
        add=[a["owner"].user_id],
    )
    assert m.attendees.count() == 4
    due = today_local() + dt.timedelta(days=5)
    services.action_item_add(
        actor=a["supervisor"],
        meeting=m,
        title="整改二层桥架标高",
        assignee_user_id=a["sub_staff"].user_id,
        due_on=due,
    )
    services.action_item_add(
        actor=a["supervisor"],
        meeting=m,
        title="报送整改方案",
        assignee_org_id=site["orgs"]["general_contractor"].pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        m = services.meeting_issue(actor=a["supervisor"], meeting=m)
    assert m.status == workflow.ISSUED and m.issued_by_id == a["supervisor"].user_id
    tasks = list(Task.objects.filter(meeting=m).order_by("pk"))
    assert [t.title for t in tasks] == ["整改二层桥架标高", "报送整改方案"]
    assert tasks[0].assignee_user_id == a["sub_staff"].user_id and tasks[0].due_on == due
    assert [i.task_id for i in m.action_items.all()] == [t.pk for t in tasks]
    entry = LedgerEntry.objects.get(type="collab_tasks.minutes_issued")
    assert m.minutes_sm3 == hashlib.new("sm3", services.minutes_text(m).encode()).hexdigest()
    assert m.minutes_sm3 in bytes(entry.leaf_input).decode()
    assert Notification.objects.filter(
        user_id=a["sub_staff"].user_id, kind="collab_tasks.task_assigned"
    ).exists()
    assert Notification.objects.filter(
        user_id=a["contractor"].user_id, kind="collab_tasks.minutes_issued"
    ).exists()
    # issued minutes never change
    for call in (
        lambda: services.meeting_update(actor=a["supervisor"], meeting=m, minutes="改"),
        lambda: services.action_item_add(
            actor=a["supervisor"], meeting=m, title="补充", assignee_org_id=site["orgs"]["sub"].pk
        ),
        lambda: services.meeting_issue(actor=a["supervisor"], meeting=m),
    ):
        with pytest.raises(ValidationFailed) as exc:
            call()
        assert exc.value.code == "minutes_issued"


def test_meeting_bad_input_and_standing(site):
    a = site["actors"]
    with pytest.raises(ValidationFailed) as exc:
        meeting(site, attendee_ids=[a["outsider"].user_id])
    assert exc.value.code == "attendee_not_in_project"
    with pytest.raises(ValidationFailed):
        meeting(site, title=" ")
    with pytest.raises(PermissionDenied):
        meeting(site, by="regulator")
    m = meeting(site)
    with pytest.raises(ValidationFailed) as exc:
        services.action_item_add(
            actor=a["supervisor"], meeting=m, title="x", assignee_user_id=a["outsider"].user_id
        )
    assert exc.value.code == "assignee_not_in_project"
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_set(
            actor=a["supervisor"], meeting=m, marks={a["owner"].user_id: "present"}
        )
    assert exc.value.code == "attendee_not_listed"
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_set(
            actor=a["supervisor"], meeting=m, marks={a["supervisor"].user_id: "asleep"}
        )
    assert exc.value.code == "unknown_attendance"
    with pytest.raises(PermissionDenied) as exc:  # a party, but neither organiser nor manager
        services.meeting_update(actor=a["sub_admin"], meeting=m, minutes="改")
    assert exc.value.code == "not_organiser"
    assert m.action_items.count() == 0
