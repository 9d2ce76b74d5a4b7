"""The demo's tasks and meetings: tasks linked to the demo's clash, finding and variation, one
overdue (in the to-do list and the project warnings), the supervisor's issued minutes whose
action items became tasks, and the field worker's account with its task; seeding twice adds
nothing."""

from __future__ import annotations

import pytest

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Membership, User
from jianguan.collab.tasks import demo, workflow
from jianguan.collab.tasks.models import Meeting, Task, TaskLink
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for

pytestmark = pytest.mark.django_db


def test_demo_tasks_meeting_and_field_worker(demo_district, client):
    tasks = Task.objects.all()
    assert tasks.count() >= 5
    kinds = set(TaskLink.objects.values_list("kind", flat=True))
    assert kinds & {"bim.clash", "compliance.finding", "contracts.variation"}
    overdue = [t for t in tasks if workflow.is_overdue(t.status, t.due_on, today_local())]
    assert overdue
    m = Meeting.objects.get(status=workflow.ISSUED)
    assert m.tasks.count() == 2 and len(m.minutes_sm3) == 64
    worker = User.objects.get(username=demo.FIELD_WORKER)
    assert worker.display_name == "马现场"
    (ms,) = Membership.objects.filter(user=worker)
    assert ms.organisation.kind == "specialist_subcontractor" and ms.roles == ["staff"]
    actor = actor_for(worker)
    assert any("支吊架" in i.title for i in todo_for(actor, today_local()))
    client.force_login(worker)
    assert "支吊架" in client.get("/collab/tasks/").content.decode()
    assert demo.seed() == {"skipped": True}
