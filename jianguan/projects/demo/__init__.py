"""The Daxing demo register (台账): about 120 projects in every stage, through the services.

Every project is registered, staffed, filed, inspected, signed and moved along its
lifecycle by the real services (so it is all on the ledger, with the SM3 of every
uploaded PDF). Reproducible: a fixed random seed per project, and dates relative to the
day of loading, so the schedule slips (and so the warning levels) look the same whatever
day the demo is loaded. Idempotent: a project whose name exists is skipped.

Backdated history: the services stamp stage dates, passed key nodes and signature checks
with ``today_local()``. To give each demo project a believable past (approved two years
ago, in construction since last spring, …) the loader runs each step under ``_on(day)``,
which points the register services' ``today_local`` at that day for the duration of the
call. Ledger entries keep the real clock: they record *when it was entered*.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from jianguan.accounts import demo as accounts_demo
from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Organisation, Town, User
from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.timeutil import today_local
from jianguan.projects import services
from jianguan.projects.demo.catalogue import (
    BOX,
    CONTRACTORS,
    DESIGN_LIFE,
    DESIGNERS,
    FACADE,
    FINDINGS,
    FIRE,
    LABOUR,
    MEP,
    OWNERS,
    PROJECTS,
    SUPERVISORS,
    SURVEYORS,
    P,
)
from jianguan.projects.demo.documents import digits, lead_files, person
from jianguan.projects.demo.plan import Plan, description, plan_all
from jianguan.projects.models import KeyNode, Project
from jianguan.projects.services import nodes, register
from jianguan.projects.workflow import ORDER, Stage


@contextmanager
def _on(day: dt.date) -> Iterator[None]:
    """Run register services as if today were `day` (stage dates, nodes, signatures)."""
    modules = (register, nodes)
    originals = [m.today_local for m in modules]
    for module in modules:
        module.today_local = lambda: day
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.today_local = original


class _Loader:
    """Runs the plans through the services with the demo district's users."""

    def __init__(self, today: dt.date):
        self.today = today
        self.towns = {t.name: t for t in Town.objects.all()}
        codes = [
            accounts_demo.demo_credit_code(name, prefix)
            for name, _, prefix, _, _ in accounts_demo.ORGANISATIONS
        ]
        self.orgs = {o.name: o for o in Organisation.objects.filter(credit_code__in=codes)}
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=["regulator", "owner", "contractor", "supervisor", "designer"]
            )
        }
        actors = {name: actor_for(user) for name, user in users.items()}
        self.regulator = actors["regulator"]
        self.supervisor = actors["supervisor"]
        self.owner = actors["owner"]
        self.signers = {a.organisation_id: a for n, a in actors.items() if n != "regulator"}
        self.next_code: dict[int, int] = {}

    # ---- helpers

    def _code(self, year: int) -> str:
        if year not in self.next_code:
            last = (
                Project.objects.filter(code__startswith=f"DX-{year}-")
                .order_by("-code")
                .values_list("code", flat=True)
                .first()
            )
            self.next_code[year] = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        number = self.next_code[year]
        self.next_code[year] += 1
        return f"DX-{year}-{number:04d}"

    def _point(self, plan: Plan, town: Town) -> tuple[Decimal, Decimal]:
        west, south, east, north = BOX
        lon = float(town.longitude) + plan.rng.uniform(-0.022, 0.022)
        lat = float(town.latitude) + plan.rng.uniform(-0.018, 0.018)
        lon = min(max(lon, west + 0.005), east - 0.005)
        lat = min(max(lat, south + 0.005), north - 0.005)
        return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")

    def _polygon(self, plan: Plan, lon: Decimal, lat: Decimal) -> dict | None:
        if plan.rng.random() > 0.4:
            return None
        dx, dy = plan.rng.uniform(0.0015, 0.004), plan.rng.uniform(0.001, 0.003)
        x, y = float(lon), float(lat)
        ring = [[x - dx, y - dy], [x + dx, y - dy], [x + dx, y + dy], [x - dx, y + dy]]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    def _org(self, name: str) -> Organisation:
        return self.orgs[name]

    def _pick(self, plan: Plan, table: dict[str, list[str]]) -> Organisation:
        return self._org(plan.rng.choice(table.get(plan.type, table["*"])))

    def _ref(self, plan: Plan, what: str, n: int = 300) -> int:
        return digits(plan.name, what) % n + 1

    # ---- one project, stage by stage

    def load(self, plan: Plan) -> Project:
        k, entered = plan.stage, plan.entered
        owner = self._org(OWNERS[plan.owner])
        actor = self.owner if owner.pk == self.owner.organisation_id else self.regulator
        project = self._create(plan, actor, owner)
        if k == 0:
            if plan.rng.random() < 0.5:
                self._add(actor, project, self._org(plan.rng.choice(SURVEYORS)), "surveyor")
            return project
        team = {"owner": owner, "surveyor": self._org(plan.rng.choice(SURVEYORS))}
        team["designer"] = self._pick(plan, DESIGNERS)
        self._add(actor, project, team["surveyor"], "surveyor")
        self._add(actor, project, team["designer"], "designer")
        kind = "备" if plan.funding == P else "审"
        approval = f"京兴发改（{kind}）〔{entered[1].year}〕{self._ref(plan, 'a')}号"
        project = self._advance(actor, project, entered[1], approval_document=approval)
        if k == 1:
            return project
        review = f"京大兴施审〔{entered[2].year}〕第{self._ref(plan, 'd'):03d}号"
        project = self._advance(actor, project, entered[2], design_review_document=review)
        if k == 2:
            if plan.rng.random() < 0.5:  # the supervisor is often tendered first
                self._add(actor, project, self._org(plan.rng.choice(SUPERVISORS)), "supervisor")
            return project
        project = self._construction(plan, actor, project, team)
        if k == ORDER.index(Stage.CONSTRUCTION):
            return project
        last = entered[4] - dt.timedelta(1)
        with _on(last):
            for party, org in team.items():
                services.completion_sign(
                    actor=self.signers.get(org.pk, SYSTEM),
                    project=project,
                    party=party,
                    signed_on=last - dt.timedelta(plan.rng.randint(0, 10)),
                )
        project = self._advance(actor, project, entered[4])
        closing = [
            ("completion_filing", "京兴竣备〔{y}〕{n:03d}号"),
            ("settlement_document", "兴财审结〔{y}〕{n}号"),
            ("archive_transfer", "大兴城建档接〔{y}〕{n:04d}号"),
        ]
        for i, (field, pattern) in enumerate(closing, 5):
            if k < i:
                break
            ref = pattern.format(y=entered[i].year, n=self._ref(plan, field))
            project = self._advance(actor, project, entered[i], **{field: ref})
        return project

    def _create(self, plan: Plan, actor: Actor, owner: Organisation) -> Project:
        town = self.towns[plan.town]
        lon, lat = self._point(plan, town)
        with _on(plan.entered[0]):
            project = services.project_create(
                actor=actor,
                name=plan.name,
                type=plan.type,
                funding=plan.funding,
                budget=plan.budget,
                town=town,
                longitude=lon,
                latitude=lat,
                site_polygon=self._polygon(plan, lon, lat),
                owner=owner,
                description=description(plan),
                design_life_years=DESIGN_LIFE.get(plan.type, 50),
                code=self._code(plan.entered[0].year),
                planned=plan.planned,
            )
        if plan.funding == P:  # private money: basic information not published
            project = services.project_update(actor=actor, project=project, is_public=False)
        return project

    def _construction(self, plan: Plan, actor: Actor, project: Project, team: dict) -> Project:
        """Site team, leads, permit and contract; then the key nodes inspected so far."""
        rng, k, start = plan.rng, plan.stage, plan.entered[3]
        ongoing = k == ORDER.index(Stage.CONSTRUCTION)
        nodes = list(KeyNode.objects.filter(project=project).order_by("sequence"))
        planned_start, planned_end = plan.planned["construction"]
        progress = (self.today - start).days / max(1, (planned_end - planned_start).days)
        passed = min(len(nodes) - 1, int(len(nodes) * progress)) if ongoing else len(nodes)
        troubled = {"open_finding", "awaiting_regulator"} & plan.extras
        inspected = passed > 0 or troubled or not ongoing
        # The demo `supervisor` user signs inspections, so its firm supervises those projects.
        team["supervisor"] = self._org(SUPERVISORS[0] if inspected else rng.choice(SUPERVISORS[1:]))
        team["general_contractor"] = self._pick(plan, CONTRACTORS)
        for role in ("supervisor", "general_contractor"):
            self._add(actor, project, team[role], role)
        self._add(actor, project, self._org(rng.choice(LABOUR)), "labour_subcontractor")
        if plan.type == "building":
            self._add(actor, project, self._org(FIRE), "specialist_subcontractor")
            if plan.budget >= 200_000_000:
                self._add(actor, project, self._org(FACADE), "specialist_subcontractor")
            if rng.random() < 0.4:
                self._add(actor, project, self._org(MEP), "specialist_subcontractor")
        filed_on = start - dt.timedelta(rng.randint(5, 15))
        for party, org in team.items():
            self._lead(actor, project, party, org, 0, filed_on)
        permit_on = start - dt.timedelta(rng.randint(1, 4))
        project = self._advance(
            actor,
            project,
            start,
            construction_permit=f"110115{permit_on:%Y%m%d}{self._ref(plan, 'p', 9999):04d}",
            construction_permit_date=permit_on,
            construction_contract_ref=f"DXSG-{start.year}-{self._ref(plan, 'c', 999):04d}",
        )
        end = self.today - dt.timedelta(3) if ongoing else plan.entered[4] - dt.timedelta(15)
        span = max(1, (end - start).days)
        if "lead_replaced" in plan.extras:
            on = start + dt.timedelta(span // 2)
            self._lead(actor, project, "general_contractor", team["general_contractor"], 1, on)
        failing = rng.randrange(len(nodes)) if "reinspected" in plan.extras else -1
        gap = max(2, span // (passed + 1))
        for j, node in enumerate(nodes[:passed]):
            day = start + dt.timedelta(span * (j + 1) // (passed + 1))
            if j == failing:  # failed first, passed at the re-inspection
                self._inspect(plan, node, day - dt.timedelta(gap // 2), fail_side="both")
            self._inspect(plan, node, day)
        if ongoing and troubled and passed < len(nodes):
            day = max(self.today - dt.timedelta(rng.randint(3, 40)), start + dt.timedelta(1))
            side = "regulator" if "open_finding" in plan.extras else "pending"
            self._inspect(plan, nodes[passed], day, fail_side=side)
        if ongoing and "no_permit" in plan.extras:  # 未取得施工许可擅自施工: a red warning
            project = services.project_update(
                actor=actor, project=project, construction_permit="", construction_permit_date=None
            )
        return project

    def _add(self, actor: Actor, project: Project, org: Organisation, role: str) -> None:
        services.participant_add(actor=actor, project=project, organisation=org, role=role)

    def _advance(self, actor: Actor, project: Project, on: dt.date, **documents) -> Project:
        """Record the documents the next stage's guards ask for, then move on `on`."""
        if documents:
            project = services.project_update(actor=actor, project=project, **documents)
        target = ORDER[ORDER.index(Stage(project.stage)) + 1]
        with _on(on):
            return services.project_transition(actor=actor, project=project, target=target.value)

    def _lead(self, actor, project, party, org, k: int, on: dt.date) -> None:
        who = person(org, party, k + digits(project.code, party) % 5 * 2)
        auth, commit = lead_files(project, org, who, party, on)
        services.lead_file(
            actor=actor,
            project=project,
            party=party,
            authorisation=auth,
            commitment=commit,
            started_on=on,
            **who,
        )

    def _inspect(self, plan: Plan, node: KeyNode, day: dt.date, fail_side: str = "") -> None:
        """A joint inspection round: the chief supervisor signs, then the regulator."""
        findings = FINDINGS.get(node.code, FINDINGS["completion_acceptance"])
        sup_fail = fail_side == "both"
        reg_fail = fail_side in ("both", "regulator")
        with _on(day):
            services.key_node_inspect(
                actor=self.supervisor,
                key_node=node,
                result="failed" if sup_fail else "passed",
                findings=findings[:1] if sup_fail else [],
            )
            if fail_side == "pending":
                return
            services.key_node_inspect(
                actor=self.regulator,
                key_node=node,
                result="failed" if reg_fail else "passed",
                findings=[plan.rng.choice(findings)] if reg_fail else [],
            )


def seed() -> dict[str, object]:
    today = today_local()
    existing = set(Project.objects.values_list("name", flat=True))
    loader = _Loader(today)
    created: Counter[str] = Counter()
    codes = []
    for plan in plan_all(today):
        if plan.name in existing:
            continue
        project = loader.load(plan)
        created[project.stage] += 1
        codes.append(project.code)
    result: dict[str, object] = {
        "projects": len(codes),
        "stages": {s.value: created[s.value] for s in ORDER if created[s.value]},
        "skipped": len(existing & {p[0] for p in PROJECTS}),
    }
    if codes:
        # The services recompute each project's warnings once their transaction commits; the
        # demo asks for it now as well, so the counts below (and a test database) have them.
        services.warnings_recompute()
        levels = Project.objects.filter(code__in=codes).values_list("warning_level", flat=True)
        result["warning_levels"] = dict(sorted(Counter(levels).items()))
    return result
