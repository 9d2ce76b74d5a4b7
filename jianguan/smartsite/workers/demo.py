"""Demo real-name workers and a week of attendance on two sites of the demo contractor (吴项目's
company), all through the services: registration by the general contractor's labour officer
for the site's labour subcontractor, contracts, placement, a face gate per site with its key,
gate events for the last seven days, and refused entries (an unregistered visitor, a worker
without a contract, a person the regulator blacklisted) as open alerts. Idempotent: does nothing once any worker exists.
"""

from __future__ import annotations

import datetime as dt
import random

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.errors import DomainError
from jianguan.core.timeutil import SHANGHAI, now, today_local
from jianguan.projects.models import Participant, Project
from jianguan.smartsite.workers import idcard, services, workflow
from jianguan.smartsite.workers.attendance import services as attendance_services
from jianguan.smartsite.workers.models import Worker

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "志强", "海涛", "春生", "玉成", "长江", "金山", "永福", "保国", "红军", "树林",
         "德胜", "秋生", "国庆", "立新", "文斌", "学军", "振华", "少华", "明亮"]  # fmt: skip
# Address codes of counties the district's labour comes from (河北, 河南, 山东, 四川, 安徽).
REGIONS = ["130627", "130925", "411522", "412726", "371321", "511381", "341221", "130433"]
TRADE_MIX = ["rebar_worker"] * 6 + ["formwork_carpenter"] * 5 + ["concrete_worker"] * 4 + [
    "mason", "mason", "scaffolder", "scaffolder", "electrician", "welder", "plumber",
    "general_labourer", "general_labourer", "general_labourer", "signaller",
    "tower_crane_operator", "waterproofer", "plasterer",
]  # fmt: skip
PER_SITE = 18
DAYS = 7


def _number(rng: random.Random, taken: set[str]) -> str:
    while True:
        born = dt.date(rng.randint(1968, 2002), rng.randint(1, 12), rng.randint(1, 28))
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
        number = first17 + idcard.check_char(first17)
        if number not in taken:
            taken.add(number)
            return number


def _sites(gc_org_id: int) -> list[tuple[Project, int]]:
    """Up to two projects in construction the contractor builds, each with its labour firm."""
    out = []
    rows = Participant.objects.filter(
        organisation_id=gc_org_id, role="general_contractor", is_active=True
    ).select_related("project")
    for row in rows.order_by("project__code"):
        if row.project.stage != "construction":
            continue
        labour = (
            Participant.objects.filter(
                project=row.project, role="labour_subcontractor", is_active=True
            )
            .order_by("pk")
            .first()
        )
        if labour is not None:
            out.append((row.project, labour.organisation_id))
        if len(out) == 2:
            break
    return out


def seed() -> dict[str, object]:
    user = User.objects.filter(username="contractor").first()
    if user is None or Worker.objects.exists():
        return {"skipped": True}
    gc = actor_for(user)
    rng = random.Random(17)
    today = today_local()
    taken: set[str] = set()
    counts = {"workers": 0, "events": 0, "alerts": 0, "sites": 0}
    for n, (project, labour_id) in enumerate(_sites(gc.organisation_id)):
        from jianguan.accounts.models import Organisation

        labour = Organisation.objects.get(pk=labour_id)
        workers = []
        for i in range(PER_SITE):
            number = _number(rng, taken)
            worker = services.worker_register(
                actor=gc,
                employer=labour,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                id_number=number,
                trade=TRADE_MIX[(i + n * 5) % len(TRADE_MIX)],
                phone=f"13{rng.randint(100000000, 999999999)}",
                bank_card="6217" + "".join(str(rng.randint(0, 9)) for _ in range(15)),
                bank_name=rng.choice(["中国农业银行", "中国建设银行", "中国工商银行"]),
            )
            services.worker_training_record(
                actor=gc,
                worker=worker,
                kind="three_level",
                title="三级安全教育（公司、项目、班组）",
                held_on=today - dt.timedelta(days=DAYS + 3),
                hours=24,
                project=project,
            )
            counts["workers"] += 1
            if i == PER_SITE - 1:
                # registered but no contract yet: the gate refuses this one below
                contractless = number
                continue
            services.labour_contract_sign(
                actor=gc,
                worker=worker,
                project=project,
                start=today - dt.timedelta(days=DAYS + 5),
                end=today + dt.timedelta(days=180),
                signed_on=today - dt.timedelta(days=DAYS + 5),
            )
            services.worker_place(
                actor=gc, worker=worker, project=project, on=today - dt.timedelta(days=DAYS + 1)
            )
            workers.append((worker, number))
        device, _key = attendance_services.gate_device_register(
            actor=gc, project=project, name="大门人脸识别闸机", serial=f"DX-GATE-{project.pk:05d}"
        )
        counts["sites"] += 1
        counts["events"] += _week(rng, device, workers, today)
        refused = [(_number(rng, taken), "访客"), (contractless, "")]
        if n == 0 and (listed := _blacklisted_person(_number(rng, taken), today)):
            refused.append(listed)
        for number, name in refused:
            at = min(now(), _at(today, 7, 40)) - dt.timedelta(minutes=rng.randint(1, 30))
            try:
                attendance_services.gate_event_record(
                    device=device, id_number=number, direction=workflow.IN, at=at, person_name=name
                )
            except DomainError:
                counts["alerts"] += 1
    return counts


def _blacklisted_person(number: str, today: dt.date) -> tuple[str, str] | None:
    """A labour boss on the wage-default list (失信联合惩戒对象名单), listed by the regulator."""
    from jianguan.smartsite.workers.blacklist.services import worker_blacklist_add

    user = User.objects.filter(username="regulator").first()
    if user is None:
        return None
    worker_blacklist_add(
        actor=actor_for(user),
        id_number=number,
        name="孙德胜",
        basis="wage_default_list",
        article="《保障农民工工资支付条例》第四十八条",
        reason="拖欠农民工工资情节严重，列入失信联合惩戒对象名单",
        valid_from=today - dt.timedelta(days=60),
        valid_until=today + dt.timedelta(days=3 * 365),
    )
    return number, "孙德胜"


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def _week(rng: random.Random, device, workers, today: dt.date) -> int:
    events = 0
    current = now()
    for back in range(DAYS - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        for _worker, number in workers:
            if rng.random() < 0.12:  # a day off
                continue
            entry = _at(day, 6, 50) + dt.timedelta(minutes=rng.randint(0, 50))
            leave = _at(day, 17, 0) + dt.timedelta(minutes=rng.randint(0, 90))
            for direction, at in ((workflow.IN, entry), (workflow.OUT, leave)):
                if at > current:
                    continue
                attendance_services.gate_event_record(
                    device=device, id_number=number, direction=direction, at=at
                )
                events += 1
    return events
