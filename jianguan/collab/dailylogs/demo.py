"""The demo district's daily logs, made through the services in the district's timeline: a
week of 施工日志 and 监理日志 on the first site with real-name attendance (manpower prefilled
from the gate records), each signed that evening; one 监理日志 raised a finding; today's
施工日志 is a draft not yet signed."""

from __future__ import annotations

import datetime as dt
import io

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Membership
from jianguan.collab.dailylogs import services, workflow
from jianguan.collab.dailylogs.models import DailyLog
from jianguan.core.demo import clock
from jianguan.core.timeutil import SHANGHAI, today_local
from jianguan.projects.models import Participant
from jianguan.rules.lookup import is_workday

DAYS = 7
WEATHER = [
    ("sunny", "sunny", -6, 5, "北风 2-3 级"),
    ("cloudy", "sunny", -5, 6, "西北风 3 级"),
    ("sunny", "cloudy", -4, 7, "南风 1-2 级"),
    ("overcast", "cloudy", -3, 4, "北风 3-4 级"),
    ("sunny", "sunny", -7, 3, "西北风 4 级"),
    ("cloudy", "overcast", -5, 2, "东北风 2 级"),
    ("sunny", "sunny", -6, 4, "北风 2 级"),
]
WORK = [
    "3 号楼二层顶板钢筋绑扎、模板支设；1 号楼砌体施工至四层。",
    "3 号楼二层顶板混凝土浇筑（C30，约 186 立方米），冬期施工覆盖保温。",
    "2 号楼基础底板防水施工；1 号楼四层构造柱钢筋绑扎。",
    "3 号楼三层墙柱钢筋绑扎；塔吊例行检查。",
    "2 号楼底板钢筋绑扎；1 号楼四层圈梁模板支设。",
    "3 号楼三层墙柱模板支设；现场文明施工整治。",
    "2 号楼底板混凝土浇筑准备，泵车进场。",
]
SUPERVISION = [
    "巡视 3 号楼二层顶板钢筋绑扎，抽查钢筋间距、保护层，符合要求。",
    "旁站 3 号楼二层顶板混凝土浇筑，见证取样试块 3 组。",
    "检查 2 号楼防水卷材进场复试报告，同意使用。",
    "检查塔吊安全装置，限位有效。",
    "巡视发现 1 号楼四层临边防护缺失，已要求施工单位整改。",
    "验收 3 号楼三层墙柱钢筋隐蔽工程，同意进入下道工序。",
    "检查冬期施工测温记录，记录完整。",
]


def _actor_of(project, role: str, preferred: str):
    part = Participant.objects.filter(project=project, role=role, is_active=True).first()
    if part is None:
        return None
    ms = Membership.objects.filter(organisation_id=part.organisation_id, is_active=True)
    m = ms.filter(user__username=preferred).first() or ms.order_by("pk").first()
    return actor_for(m.user, part.organisation_id) if m else None


def _jpeg():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 400), (150, 160, 170))
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, 180, 580, 380), fill=(120, 120, 120))
    draw.rectangle((80, 120, 300, 180), fill=(200, 160, 90))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile("site.jpg", buf.getvalue(), "image/jpeg")


def _project():
    from jianguan.smartsite.workers.models import AttendanceDay

    row = AttendanceDay.objects.order_by("project_id").values_list("project_id", flat=True).first()
    if row is None:
        return None
    from jianguan.projects.models import Project

    return Project.objects.get(pk=row)


def seed() -> dict[str, object]:
    if DailyLog.objects.exists():
        return {"skipped": True}
    project = _project()
    if project is None:
        return {"skipped": "no attendance"}
    gc = _actor_of(project, "general_contractor", "contractor")
    sup = _actor_of(project, "supervisor", "supervisor")
    if gc is None or sup is None:
        return {"skipped": "no writers"}
    today = today_local()
    days = [today - dt.timedelta(days=n) for n in range(DAYS, 0, -1)]
    days = [d for d in days if is_workday(d, provisional=True)] or days
    counts = {"logs": 0, "findings": 0}
    for i, day in enumerate(days):
        am, pm, lo, hi, wind = WEATHER[i % len(WEATHER)]
        evening = dt.datetime.combine(day, dt.time(18, 30), tzinfo=SHANGHAI)
        with clock(evening, "jianguan.collab.dailylogs"):
            log = services.log_create(
                actor=gc,
                project=project,
                kind=workflow.CONSTRUCTION,
                log_date=day,
                weather_am=am,
                weather_pm=pm,
                temp_min=lo,
                temp_max=hi,
                wind=wind,
                equipment=[
                    {"name": "塔式起重机", "count": 2},
                    {"name": "混凝土输送泵", "count": 1},
                ],
                work_done=WORK[i % len(WORK)],
                issues="无" if i != 4 else "1 号楼四层临边防护缺失，已安排整改。",
            )
            if i == 1:
                services.log_photo_add(actor=gc, log=log, photo=_jpeg(), caption="二层顶板浇筑")
            services.log_sign(actor=gc, log=log)
            slog = services.log_create(
                actor=sup,
                project=project,
                kind=workflow.SUPERVISION,
                log_date=day,
                weather_am=am,
                weather_pm=pm,
                temp_min=lo,
                temp_max=hi,
                wind=wind,
                work_done=SUPERVISION[i % len(SUPERVISION)],
                issues="1 号楼四层东侧临边防护缺失。" if i == 4 else "无",
            )
            services.log_sign(actor=sup, log=slog)
            counts["logs"] += 2
        if i == 4:
            services.log_finding_raise(
                actor=sup,
                log=slog,
                type="safety",
                severity="general",
                description="1 号楼四层东侧楼层临边防护栏杆缺失",
                responsible_organisation=gc.organisation,
                location="1 号楼四层东侧",
            )
            counts["findings"] += 1
    if is_workday(today, provisional=True):
        services.log_create(
            actor=gc,
            project=project,
            kind=workflow.CONSTRUCTION,
            log_date=today,
            weather_am="sunny",
            work_done="2 号楼底板混凝土浇筑（进行中）。",
        )
        counts["logs"] += 1
    return counts
