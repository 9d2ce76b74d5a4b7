"""The demo district's schedule, made through the services in the district's timeline: on the
demo contractor's building site, a construction schedule of a school block (preparation,
foundations, structure, services, finishes; FS/SS/FF links with lags) on the district working-day
calendar, imported by the general contractor as MS Project XML two months ago, its baseline set
by the supervisor a week later, and progress since: the early works done on time, the
structure's first floor started six working days late, so the schedule now slips behind its
baseline and the project's schedule warning shows it. The register's key nodes ride along as
milestones. Idempotent; well under a second."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.collab.schedule import convert, services
from jianguan.collab.schedule.district import district_calendar
from jianguan.collab.schedule.engine.model import LinkSpec, ProjectSpec, TaskSpec
from jianguan.collab.schedule.engine.mspdi_write import write
from jianguan.collab.schedule.models import Schedule
from jianguan.core.demo import clock
from jianguan.core.timeutil import now
from jianguan.projects.models import Participant

DAY = 480
# uid, name, level, days (None: summary), [(pred, type, lag days)]
PLAN = [
    ("1", "施工准备", 1, None, []),
    ("2", "临建与场地平整", 2, 5, []),
    ("3", "测量放线", 2, 2, [("2", "FS", 0)]),
    ("4", "地基与基础", 1, None, []),
    ("5", "土方开挖", 2, 8, [("3", "FS", 0)]),
    ("6", "基础垫层", 2, 3, [("5", "FS", 0)]),
    ("7", "基础钢筋绑扎", 2, 6, [("6", "SS", 2)]),
    ("8", "基础混凝土浇筑", 2, 4, [("7", "FS", 0)]),
    ("9", "基础验收", 2, 0, [("8", "FS", 3)]),
    ("10", "主体结构", 1, None, []),
    ("11", "一层结构", 2, 12, [("9", "FS", 0)]),
    ("12", "二层结构", 2, 12, [("11", "FS", 0)]),
    ("13", "三层结构", 2, 12, [("12", "FS", 0)]),
    ("14", "屋面结构", 2, 8, [("13", "FS", 0)]),
    ("15", "主体结构验收", 2, 0, [("14", "FS", 5)]),
    ("16", "机电安装", 1, None, []),
    ("17", "给排水预埋", 2, 20, [("11", "SS", 5)]),
    ("18", "电气配管", 2, 25, [("11", "SS", 5)]),
    ("19", "消防管道安装", 2, 20, [("15", "FS", 0)]),
    ("20", "装饰装修", 1, None, []),
    ("21", "砌体工程", 2, 20, [("12", "SS", 8)]),
    ("22", "外墙保温与涂料", 2, 25, [("15", "FS", 0)]),
    ("23", "室内装修", 2, 35, [("21", "FS", 0), ("19", "FF", 5)]),
    ("24", "竣工验收", 1, 0, [("22", "FS", 0), ("23", "FS", 0), ("18", "FS", 0)]),
]


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _project(contractor):
    parts = (
        Participant.objects.filter(
            organisation_id=contractor.organisation_id,
            role="general_contractor",
            is_active=True,
            project__type="building",
        )
        .select_related("project")
        .order_by("project__code")
    )
    for part in parts:
        if part.project.key_nodes.exists():
            return part.project
    part = parts.first()
    return part.project if part else None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def plan_file(start: dt.date, name: str) -> bytes:
    """The schedule as the MS Project XML the contractor's planner would have exported."""
    tasks = [
        TaskSpec(
            uid=uid,
            name=title,
            id=int(uid),
            outline_level=level,
            summary=days is None,
            milestone=days == 0,
            duration=(days or 0) * DAY,
            links=[LinkSpec(p, t, lag * DAY) for p, t, lag in preds],
        )
        for uid, title, level, days, preds in PLAN
    ]
    cal = district_calendar(start - dt.timedelta(days=30), start + dt.timedelta(days=500))
    spec = ProjectSpec(name, dt.datetime.combine(start, dt.time(8)), cal.uid, {cal.uid: cal}, tasks)
    return write(spec)


def seed() -> dict[str, object]:
    contractor, supervisor = _actor("contractor"), _actor("supervisor")
    if contractor is None or supervisor is None:
        return {"skipped": True}
    project = _project(contractor)
    if project is None or Schedule.objects.filter(project=project).exists():
        return {"skipped": True}
    start = _monday(now().date() - dt.timedelta(days=63))
    data = plan_file(start, f"{project.name}施工进度计划")
    at = dt.datetime.combine(start - dt.timedelta(days=3), dt.time(10), tzinfo=convert.LOCAL)
    with clock(at, "jianguan.collab.schedule"):
        sched = services.schedule_import(
            actor=contractor,
            project=project,
            upload=SimpleUploadedFile("施工进度计划.xml", data, content_type="application/xml"),
        )
    keeper = supervisor if services_keeper(supervisor, project) else contractor
    with clock(at + dt.timedelta(days=7), "jianguan.collab.schedule"):
        sched = services.baseline_set(actor=keeper, schedule_obj=sched)
    items, last = [], at
    for uid, late_days in (("2", 0), ("3", 0), ("5", 1), ("6", 1), ("7", 1), ("8", 2), ("11", 6)):
        act = sched.activities.get(uid=uid)
        begin = act.early_start + dt.timedelta(days=late_days)
        if begin.weekday() > 4:  # a start slipped onto a weekend is made on Monday
            begin += dt.timedelta(days=7 - begin.weekday())
        finish = begin + (act.early_finish - act.early_start)
        finished = finish < now() - dt.timedelta(days=1)
        items.append((act, 100 if finished else 40, begin, finish if finished else None))
        last = max(last, (finish if finished else begin) + dt.timedelta(hours=1))
        if not finished:
            break
    # The contractor's weekly progress report, entered the day after the last fact it states.
    with clock(min(last, now()), "jianguan.collab.schedule"):
        services.progress_report(actor=contractor, schedule_obj=sched, items=items)
    done = len(items)
    sched.refresh_from_db()
    return {"project": project.code, "activities": sched.activities.count(), "progress": done}


def services_keeper(actor, project) -> bool:
    from jianguan.collab.schedule.selectors import is_keeper

    return is_keeper(actor, project.pk)
