"""The demo district's tasks and meetings, made through the services: on the demo contractor's
site (where the fire-protection subcontractor works too), tasks about a model clash, an
inspection finding and a variation (where the demo has them), one of them overdue since last
week; the supervisor's weekly meeting with its minutes issued, whose action items became
tasks; and a field worker's free account, opened by the subcontractor's administrator, with a
task of its own. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.collab.tasks import services, workflow
from jianguan.collab.tasks.meetings import services as meetings
from jianguan.collab.tasks.models import Task
from jianguan.core.demo import clock
from jianguan.core.timeutil import now, today_local
from jianguan.projects.models import Participant

FIELD_WORKER = "fieldworker"


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _project(contractor, sub):
    parts = Participant.objects.filter(
        organisation_id=contractor.organisation_id, role="general_contractor", is_active=True
    )
    if sub is not None:
        with_sub = parts.filter(
            project_id__in=Participant.objects.filter(
                organisation_id=sub.organisation_id, is_active=True
            ).values("project_id")
        )
        if with_sub.exists():
            parts = with_sub
    part = parts.select_related("project").order_by("project__code").first()
    return part.project if part else None


def _field_worker(sub):
    """The subcontractor's administrator opens the worker's account (the demo password set as
    the one-time link would)."""
    from jianguan.accounts.onboarding import people

    user = User.objects.filter(username=FIELD_WORKER).first()
    if user is None:
        membership, _ = people.staff_invite(
            actor=sub,
            username=FIELD_WORKER,
            display_name="马现场",
            phone="13900001234",
            roles=["staff"],
        )
        user = membership.user
        people.password_set_by_link(
            actor=actor_for(user), user=user, new_password=settings.DEMO_PASSWORD
        )
    return actor_for(user)


def _links(project):
    """(kind, id) of a clash, a finding and a variation of the project, where the demo has them."""
    from jianguan.bim.models import Clash
    from jianguan.compliance.models import RectificationOrder
    from jianguan.contracts.models import Variation

    found = {}
    for kind, qs in (
        ("bim.clash", Clash.objects.filter(project=project)),
        ("compliance.finding", RectificationOrder.objects.filter(project=project)),
        ("contracts.variation", Variation.objects.filter(contract__project=project)),
    ):
        pk = qs.order_by("pk").values_list("pk", flat=True).first()
        if pk:
            found[kind] = [(kind, pk)]
    return found


def seed() -> dict[str, object]:
    gc, sup, owner = _actor("contractor"), _actor("supervisor"), _actor("owner")
    sub = _actor("subcontractor")
    if gc is None or sup is None or Task.objects.exists():
        return {"skipped": True}
    project = _project(gc, sub)
    if project is None:
        return {"skipped": "no project"}
    on_site = (
        sub is not None
        and Participant.objects.filter(
            project=project, organisation_id=sub.organisation_id, is_active=True
        ).exists()
    )
    worker = _field_worker(sub) if sub is not None else None
    links = _links(project)
    today = today_local()
    made = []

    def task(by, title, *, user=None, org=None, days=5, **kw):
        t = services.task_create(
            actor=by,
            project=project,
            title=title,
            due_on=today_local() + dt.timedelta(days=days),
            assignee_user_id=user.user_id if user else None,
            assignee_org_id=org.organisation_id if org else None,
            **kw,
        )
        made.append(t)
        return t

    # last week: a finding to answer, now overdue (the project's warning and the to-do say so)
    with clock(now() - dt.timedelta(days=9), "jianguan.collab.tasks"):
        task(
            sup,
            "落实检查问题整改并上传整改照片",
            org=gc,
            days=3,
            priority=workflow.HIGH,
            links=links.get("compliance.finding", ()),
            checklist=["整改措施", "整改照片", "自查记录"],
        )
    clash = task(
        gc,
        "复核消防喷淋主管与结构梁碰撞，出具调整方案",
        org=sub if on_site else None,
        user=None if on_site else gc,
        days=6,
        links=links.get("bim.clash", ()),
        description="BIM 碰撞检测发现喷淋主管穿梁，请专业分包复核并提出调整方案。",
    )
    services.task_move(actor=sub if on_site else gc, task=clash, status=workflow.IN_PROGRESS)
    task(
        owner or gc,
        "补充工程变更估价依据",
        org=gc,
        days=10,
        links=links.get("contracts.variation", ()),
    )
    if worker is not None and on_site:
        t = task(
            sub,
            "拍照确认三层消防管道支吊架安装",
            user=worker,
            days=2,
            checklist=["支吊架间距", "防晃支架", "照片"],
        )
        services.comment_add(actor=sub, task=t, body="请马现场今天下午完成并上传照片。")
    meeting = _meeting(project, sup, gc, sub if on_site else None, owner)
    return {
        "project": project.code,
        "tasks": Task.objects.filter(project=project).count(),
        "meeting": meeting.title,
        "field_worker": FIELD_WORKER if worker else None,
        "today": str(today),
    }


def _meeting(project, sup, gc, sub, owner):
    people = [a for a in (sup, gc, sub, owner) if a is not None]
    m = meetings.meeting_create(
        actor=sup,
        project=project,
        title="第 8 次监理例会",
        starts_at=now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1),
        place="项目部二楼会议室",
        agenda=["上周检查问题整改情况", "消防与机电安装进度", "下周工作安排"],
        attendee_ids=[a.user_id for a in people],
    )
    marks = {a.user_id: "present" for a in people}
    if owner is not None:
        marks[owner.user_id] = "excused"
    meetings.attendance_set(actor=sup, meeting=m, marks=marks)
    meetings.meeting_update(
        actor=sup,
        meeting=m,
        minutes="施工总承包单位汇报了主体结构与机电安装进度；监理单位通报上周检查问题的整改情况，"
        "指出消防喷淋主管与结构梁存在碰撞，须在吊顶封闭前完成调整。",
        decisions=["喷淋主管调整方案本周五前报监理审核", "下周二组织消防管道试压"],
    )
    meetings.action_item_add(
        actor=sup,
        meeting=m,
        title="报送喷淋主管调整方案",
        assignee_org_id=(sub or gc).organisation_id,
        due_on=today_local() + dt.timedelta(days=4),
    )
    meetings.action_item_add(
        actor=sup,
        meeting=m,
        title="组织消防管道试压并通知监理旁站",
        assignee_user_id=gc.user_id,
        due_on=today_local() + dt.timedelta(days=8),
    )
    return meetings.meeting_issue(actor=sup, meeting=m)
