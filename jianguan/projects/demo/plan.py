"""Planning the demo projects: stage, schedule slip, planned and actual dates, special cases.

Pure: no queries. Every project draws from its own random generator seeded with its name,
so adding a project to the catalogue does not change the others.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from jianguan.projects.demo.catalogue import (
    BUILD_DAYS,
    PROJECTS,
    SEED,
    STAGE_COUNTS,
    STAGE_DAYS,
    WAIT_SLIPS,
    WORK_SLIPS,
    WORK_STAGES,
)
from jianguan.projects.workflow import ORDER, Stage


@dataclass
class Plan:
    name: str
    type: str
    funding: str
    owner: str
    town: str
    budget: Decimal
    stage: int  # index into workflow.ORDER
    slip: int | None
    rng: random.Random
    planned: dict[str, tuple[dt.date, dt.date | None]] = field(default_factory=dict)
    entered: list[dt.date] = field(default_factory=list)  # date each stage up to `stage` began
    extras: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- the clock


def plan_all(today: dt.date) -> list[Plan]:
    order = list(range(len(PROJECTS)))
    random.Random(SEED).shuffle(order)
    stages: list[int] = []
    for i, stage in enumerate(ORDER):
        stages += [i] * STAGE_COUNTS[stage.value]
    stages += [ORDER.index(Stage.CONSTRUCTION)] * max(0, len(PROJECTS) - len(stages))
    plans = []
    for slot, index in enumerate(order):
        name, type_, funding, owner, town, wan = PROJECTS[index]
        rng = random.Random(f"{SEED}:{name}")
        stage = stages[slot]
        slips = WORK_SLIPS if ORDER[stage].value in WORK_STAGES else WAIT_SLIPS
        slip = rng.choices([s for s, _ in slips], [w for _, w in slips])[0]
        if ORDER[stage] in (Stage.WARRANTY, Stage.ARCHIVED):
            slip = None  # warranty runs for years; an archive has no end
        plan = Plan(name, type_, funding, owner, town, Decimal(wan) * 10_000, stage, slip, rng)
        _schedule(plan, today)
        plans.append(plan)
    _pick_extras(plans)
    return sorted(plans, key=lambda p: (p.entered[0], p.name))


def _stage_days(plan: Plan, stage: Stage) -> int:
    if stage == Stage.CONSTRUCTION:
        return int(BUILD_DAYS[plan.type] * plan.rng.uniform(0.8, 1.3))
    return STAGE_DAYS[stage.value]


def _schedule(plan: Plan, today: dt.date) -> None:
    """Planned dates anchored on the current stage's planned end; actual entries around them."""
    rng, k = plan.rng, plan.stage
    days = [_stage_days(plan, s) for s in ORDER]
    current = ORDER[k]
    if current == Stage.ARCHIVED:
        start_k = today - dt.timedelta(rng.randint(20, 300))
    elif plan.slip is not None:
        start_k = today - dt.timedelta(plan.slip + days[k])
    else:
        start_k = today - dt.timedelta(rng.randint(5, max(10, int(days[k] * 0.7))))
    starts = {k: start_k}
    for i in range(k - 1, -1, -1):
        starts[i] = starts[i + 1] - dt.timedelta(days[i])
    for i in range(k + 1, len(ORDER)):
        starts[i] = starts[i - 1] + dt.timedelta(days[i - 1])
    for i, stage in enumerate(ORDER):
        end = starts[i] + dt.timedelta(days[i]) if stage != Stage.ARCHIVED else None
        plan.planned[stage.value] = (starts[i], end)
    entered = []
    for i in range(k + 1):
        day = starts[i] + dt.timedelta(rng.randint(-10, 25) if i else rng.randint(-5, 5))
        if entered:
            day = max(day, entered[-1] + dt.timedelta(20))
        entered.append(day)
    latest = today - dt.timedelta(3)
    for i in range(k, -1, -1):  # nothing in the future; keep at least 20 days a stage
        limit = latest - dt.timedelta(20 * (k - i))
        entered[i] = min(entered[i], limit)
    plan.entered = entered


def _pick_extras(plans: list[Plan]) -> None:
    """Special cases: failed nodes, a missing permit, replaced leads, half-signed rounds."""
    building = [p for p in plans if ORDER[p.stage] == Stage.CONSTRUCTION]
    later = [p for p in plans if p.stage > ORDER.index(Stage.CONSTRUCTION)]
    for i, plan in enumerate(building):
        plan.extras.add(
            ["open_finding", "awaiting_regulator", "", "open_finding", "", "", "", ""][i % 8]
        )
    for plan in building[2::12]:
        plan.extras.add("no_permit")
    for plan in [*building[1::6], *later[::5]]:
        plan.extras.add("lead_replaced")
    for plan in later[1::3]:
        plan.extras.add("reinspected")
    for plan in plans:
        plan.extras.discard("")


def description(plan: Plan) -> str:
    r = plan.rng
    return {
        "building": f"总建筑面积约 {r.randrange(6, 120) * 1000} 平方米，地上 {r.randint(3, 18)} 层、"
        f"地下 {r.randint(1, 3)} 层，框架（剪力墙）结构，含室外配套工程。",
        "road": f"道路全长约 {r.randint(8, 90) / 10} 公里，规划红线宽度 {r.choice([20, 30, 40, 50])} 米，"
        "含道路、排水、照明、交通及绿化工程。",
        "bridge": f"新建桥梁 {r.randint(1, 3)} 座，主桥长 {r.randint(40, 420)} 米，"
        f"桥宽 {r.choice([16, 24, 32, 45])} 米，预应力混凝土连续箱梁。",
        "water_supply": f"新建及改造管线约 {r.randint(20, 350) / 10} 公里，"
        f"管径 DN{r.choice([300, 400, 600, 800, 1200])}，含检查井及附属设施。",
        "landscape": f"绿化面积约 {r.randint(5, 600) / 10} 公顷，含园路、铺装、照明及景观小品。",
        "water_conservancy": f"治理河道长约 {r.randint(20, 180) / 10} 公里，含清淤疏挖、生态护岸、"
        "巡河路及水质提升工程。",
        "rail": f"含站前广场、公交场站、非机动车停车及接驳道路，总用地约 {r.randint(2, 30)} 公顷。",
        "other": "主要建设内容及规模详见可行性研究报告批复。",
    }[plan.type]
