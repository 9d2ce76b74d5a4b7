"""Benchmark the project register (台账) over real HTTP: the filtered register page and the API list.

Target (issue 4): with 100,000 projects and 1,000,000 warning records, the filtered register
page ``/projects/?…`` and the API list ``/api/v1/projects?…`` answer at p95 under 200 ms on
this machine. One JSON line per figure::

    python bench/register.py                                  # 10^5 projects, 10^6 warnings, SQLite
    python bench/register.py --projects 10000 --warnings 100000 --repeat 30   # scaled down
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/register.py  # PostgreSQL

Figures
-------
* ``register.page`` / ``register.api``: one line per filter scenario (town, stage, town+stage,
  search by name or code, warning level sorted by budget, owner+type+funding, a deep page, a
  registration-date range, the unfiltered first page, and a contractor who sees only its own
  projects), each with p50/p95/p99 over ``--repeat`` sequential requests on one keep-alive
  connection; then ``register.page.all`` / ``register.api.all`` over every request of all
  scenarios together — the figure the target is about (``target_p95_ms``, ``ok``).
* ``register.mixed``: all scenarios of both kinds at ``--concurrency`` clients at once, for
  throughput (requests per second) and the latency under load.

How it is measured
------------------
The server is the production one, started the way ``manage.py serve`` starts it: ``python -m
granian --interface wsgi --workers 2 --blocking-threads 4 config.wsgi:application`` on a free
port of 127.0.0.1, as a child process with the benchmark's ``DATA_DIR`` and ``DATABASE_URL``.
Requests are plain HTTP/1.1 GETs (``bench/_http.py``, standard library) with a logged-in
session cookie (the regulator, who sees everything; the contractor for its own-projects
scenario) for the page and a Bearer token (``accounts.services.api_token_create``) for the API.
Every answer must be 200; for the API the ``count`` is checked against the ORM first.

How the data is built
---------------------
Organisations, towns and users come from the demo loader (``accounts.demo.seed``, through the
services). The 10^5 projects, their 4×10^5 participants (owner, general contractor,
supervisor, designer) and the 10^6 ``ProjectWarning`` rows are **written directly** with
``bulk_create`` in batches, not through the services (which would take hours and put millions
of entries on the ledger that the list never reads). Names, towns, types, funding and owners
follow the demo catalogue (``projects/demo/catalogue.py``); stages, warning levels, budgets and
registration dates are spread with a fixed random seed; ``created_at`` is spread over 2013–2026
(its ``auto_now_add`` is switched off in the benchmark process only). Each project's active
warnings agree with its ``warning_level``; the other rows are cleared history. Stage rows, key
nodes and ledger entries per project are not built: the register list reads none of them.
``ANALYZE`` runs after the load (PostgreSQL's autovacuum would do the same).

Databases are throwaway: SQLite in a temporary ``DATA_DIR`` (default); PostgreSQL when
``BENCH_DATABASE_URL`` is given (or ``--backends postgres``): a fresh database on that server,
migrated, and dropped at the end. Each backend runs in a child process of this script; the
whole run stops by itself (``--timeout``), and the server is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import Client, emit, measure, serve, summary  # noqa: E402

TARGET_P95_MS = 200.0
SEED = 4_2026
BATCH = 5_000
STAGES = [
    ("approval", 8),
    ("design", 10),
    ("tendering", 8),
    ("construction", 30),
    ("completion_acceptance", 6),
    ("settlement", 10),
    ("warranty", 16),
    ("archived", 12),
]
LEVELS = [(0, 60), (1, 12), (2, 10), (3, 10), (4, 8)]
RULES = [
    ("schedule_slip", "施工阶段计划于 {d} 完成，已滞后 {n} 天"),
    ("approval_overdue", "结算阶段计划于 {d} 办结，已超期 {n} 天仍未进入下一阶段"),
    ("no_construction_permit", "项目处于施工阶段，但未录入施工许可证"),
    ("rectification_overdue", "检查问题“基础底板钢筋保护层厚度不足”已 {n} 天未整改闭合"),
    ("credential_expiry", "北京兴建工程集团有限公司的安全生产许可证将于 {d} 到期"),
    ("cost_overrun", "合同价款加变更、签证达到批复概算的 10{n}%"),
]


# --------------------------------------------------------------------------- parent


def parent(args: argparse.Namespace) -> int:
    flags = []
    for flag in ("projects", "warnings", "repeat", "concurrency", "mixed"):
        flags += [f"--{flag}", str(getattr(args, flag))]
    if args.explain:
        flags.append("--explain")
    return run_backends(
        "register",
        __file__,
        flags,
        backends=args.backends,
        timeout=args.timeout,
        env={"SESSION_IDLE_MINUTES": "600"},  # the session must outlive the run
    )


# --------------------------------------------------------------------------- child


def child(args: argparse.Namespace) -> int:
    def stop(*_):
        raise SystemExit(1)  # run the `finally` blocks: the server is stopped

    signal.signal(signal.SIGTERM, stop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jianguan.accounts import demo as accounts_demo
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data

    backend = args.child
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()
    accounts_demo.seed()
    emit("register.setup", backend=backend, seconds=round(time.perf_counter() - t0, 1))
    t0 = time.perf_counter()
    if connection.vendor == "sqlite":  # the load only: indexes of 10^6 rows outgrow 2 MB
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -262144")
    counts = _build(args.projects, args.warnings)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    emit(
        "register.bulk_build",
        backend=backend,
        **counts,
        seconds=round(time.perf_counter() - t0, 1),
        note="rows written directly with bulk_create (see module docstring)",
    )
    scenarios = _scenarios()
    auth = _credentials()
    if args.explain:
        _explain(backend, scenarios)
    _check_counts(scenarios)
    connection.close()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="jg-granian-") as tmp:
        with serve(env, log=Path(tmp) / "granian.log") as base:
            return _measure(backend, args, base, scenarios, auth)


def _pick(rng: random.Random, table: list[tuple[object, int]]):
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def _build(n: int, m: int) -> dict[str, int]:
    import datetime as dt
    from decimal import Decimal

    from jianguan.accounts.models import Organisation, Town
    from jianguan.projects.demo.catalogue import OWNERS, PROJECTS
    from jianguan.projects.models import Participant, Project, ProjectWarning

    rng = random.Random(SEED)
    towns = {t.name: t for t in Town.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    by_kind: dict[str, list] = {}
    for org in orgs.values():
        by_kind.setdefault(org.kind, []).append(org)
    for kind in by_kind:
        by_kind[kind].sort(key=lambda o: o.pk)
    Project._meta.get_field("created_at").auto_now_add = False  # spread registration dates
    utc = dt.UTC
    first_day = dt.datetime(2013, 1, 1, 2, tzinfo=utc)
    span_days = (dt.datetime(2026, 6, 30, tzinfo=utc) - first_day).days
    years = 14
    per_year = -(-n // years)
    width = max(4, len(str(per_year)))
    projects = []
    done = 0
    for i in range(n):
        name, type_, funding, owner, town, wan = PROJECTS[i % len(PROJECTS)]
        year_index = i * years // n
        number = i - (year_index * n + years - 1) // years + 1
        created = first_day + dt.timedelta(
            days=year_index * span_days / years + rng.uniform(0, span_days / years - 1)
        )
        t = towns[town]
        projects.append(
            Project(
                code=f"DX-{2013 + year_index}-{number:0{width}d}",
                name=f"{name}（{i // len(PROJECTS) + 1}标段）",
                type=type_,
                funding=funding,
                budget=Decimal(int(wan * 10_000 * rng.uniform(0.5, 1.5))),
                town=t,
                latitude=(t.latitude + Decimal(f"{rng.uniform(-0.018, 0.018):.6f}")),
                longitude=(t.longitude + Decimal(f"{rng.uniform(-0.022, 0.022):.6f}")),
                owner=orgs[OWNERS[owner]],
                stage=_pick(rng, STAGES),
                warning_level=_pick(rng, LEVELS),
                description="基准测试数据",
                created_at=created,
                updated_at=created,
            )
        )
        if len(projects) == BATCH or i == n - 1:
            Project.objects.bulk_create(projects)
            done += len(projects)
            projects = []
    rows = list(Project.objects.order_by("pk").values_list("pk", "warning_level", "owner_id"))
    gcs, sups, designers = (
        by_kind["general_contractor"],
        by_kind["supervisor"],
        by_kind["designer"],
    )
    participants = 0
    batch: list = []
    for k, (pk, _, owner_id) in enumerate(rows):
        batch += [
            Participant(project_id=pk, organisation_id=owner_id, role="owner"),
            Participant(
                project_id=pk, organisation_id=gcs[k % len(gcs)].pk, role="general_contractor"
            ),
            Participant(project_id=pk, organisation_id=sups[k % len(sups)].pk, role="supervisor"),
            Participant(
                project_id=pk, organisation_id=designers[k % len(designers)].pk, role="designer"
            ),
        ]
        if len(batch) >= 4 * BATCH:
            Participant.objects.bulk_create(batch)
            participants += len(batch)
            batch = []
    if batch:
        Participant.objects.bulk_create(batch)
        participants += len(batch)
    warnings = 0
    batch = []
    base, extra = divmod(m, max(1, len(rows)))
    now = dt.datetime(2026, 6, 30, tzinfo=utc)
    for k, (pk, level, _) in enumerate(rows):
        count = base + (1 if k < extra else 0)
        for j in range(count):
            code, text = RULES[rng.randrange(len(RULES))]
            active = level > 0 and j == count - 1
            raised = now - dt.timedelta(days=rng.randint(1, 1500), minutes=rng.randint(0, 1440))
            lvl = level if active else rng.randint(1, 4)
            days = rng.randint(5, 200)
            batch.append(
                ProjectWarning(
                    project_id=pk,
                    rule_code=code,
                    level=lvl,
                    reason=text.format(d=(raised.date() - dt.timedelta(days)), n=days),
                    raised_at=raised,
                    cleared_at=None if active else raised + dt.timedelta(days=days),
                    created_at=raised,
                    updated_at=raised,
                )
            )
        if len(batch) >= 2 * BATCH:
            ProjectWarning.objects.bulk_create(batch)
            warnings += len(batch)
            batch = []
    if batch:
        ProjectWarning.objects.bulk_create(batch)
        warnings += len(batch)
    return {"projects": done, "participants": participants, "warnings": warnings}


def _credentials() -> dict[str, dict[str, str]]:
    from django.conf import settings
    from django.test import Client as DjangoClient

    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM

    out = {}
    for username in ("regulator", "contractor"):
        user = User.objects.get(username=username)
        client = DjangoClient()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        _, secret = api_token_create(actor=SYSTEM, user=user, name="bench")
        out[username] = {
            "page": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            "api": {"Authorization": f"Bearer {secret}"},
        }
    return out


def _scenarios() -> list[dict]:
    """(name, who, filter params): the same filters for the page and for the API."""
    from jianguan.accounts.models import Organisation, Town
    from jianguan.projects.demo.catalogue import OWNERS

    town = Town.objects.get(name="西红门镇").pk
    town2 = Town.objects.get(name="黄村镇").pk
    owner = Organisation.objects.get(name=OWNERS["newtown"]).pk
    rows = [
        ("unfiltered", "regulator", {}),
        ("town", "regulator", {"town": town2}),
        ("stage", "regulator", {"stage": "construction"}),
        ("town_stage", "regulator", {"town": town, "stage": "construction"}),
        ("q_name", "regulator", {"q": "老旧小区"}),
        ("q_code", "regulator", {"q": "DX-2020-01"}),
        ("town_stage_q", "regulator", {"town": town2, "stage": "warranty", "q": "小学"}),
        ("red_by_budget", "regulator", {"warning_level": 4, "sort": "-budget"}),
        (
            "owner_type_funding",
            "regulator",
            {"owner": owner, "type": "road", "funding": "state_owned"},
        ),
        ("created_range", "regulator", {"created_from": "2020-01-01", "created_to": "2020-12-31"}),
        ("deep_page", "regulator", {"stage": "construction", "page": 200}),
        ("contractor_own", "contractor", {"stage": "construction"}),
    ]
    return [{"name": n, "who": who, "params": p} for n, who, p in rows]


def _path(kind: str, params: dict) -> str:
    params = dict(params)
    if kind == "api":
        page = int(params.pop("page", 1))
        params["limit"] = 25
        if page > 1:
            params["offset"] = (page - 1) * 25
        return "/api/v1/projects?" + urlencode(params)
    return "/projects/" + ("?" + urlencode(params) if params else "")


def _filter(params: dict):
    import datetime as dt

    from jianguan.projects.selectors import ProjectFilter

    p = {k: v for k, v in params.items() if k != "page"}
    for key in ("created_from", "created_to"):
        if key in p:
            p[key] = dt.date.fromisoformat(p[key])
    return ProjectFilter(**p)


def _check_counts(scenarios: list[dict]) -> None:
    """Remember each scenario's expected count (checked against the API's `count` later)."""
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User
    from jianguan.projects.selectors import project_list_visible_to

    for s in scenarios:
        actor = actor_for(User.objects.get(username=s["who"]))
        s["count"] = project_list_visible_to(actor=actor, filters=_filter(s["params"])).count()


def _explain(backend: str, scenarios: list[dict]) -> None:
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User
    from jianguan.projects.selectors import project_list_visible_to

    for s in scenarios:
        actor = actor_for(User.objects.get(username=s["who"]))
        qs = project_list_visible_to(actor=actor, filters=_filter(s["params"]))
        page = int(s["params"].get("page", 1))
        emit(
            "register.explain",
            backend=backend,
            scenario=s["name"],
            page_query=qs[(page - 1) * 25 : page * 25].explain(),
            count_query=qs.order_by().values("stage", "warning_level").explain(),
        )


def _measure(backend: str, args, base: str, scenarios: list[dict], auth: dict) -> int:
    deadline = time.monotonic() + args.timeout
    for s in scenarios:  # correctness first: the API agrees with the ORM
        status, body = Client(base, auth[s["who"]]["api"]).get(_path("api", s["params"]))
        if status != 200 or json.loads(body)["count"] != s["count"]:
            raise RuntimeError(f"{s['name']}: {status} {body[:300]!r} (expected {s['count']})")
    rc = 0
    for kind in ("page", "api"):
        everything: list[float] = []
        for s in scenarios:
            path = _path(kind, s["params"])
            stats = measure(
                lambda s=s, kind=kind: Client(base, auth[s["who"]][kind]),
                [path],
                repeat=args.repeat,
                deadline=deadline,
                samples_out=everything,
            )
            emit(
                f"register.{kind}",
                backend=backend,
                scenario=s["name"],
                path=path,
                matches=s["count"],
                **stats,
            )
        total = summary(everything)
        ok = total["p95_ms"] < TARGET_P95_MS
        rc |= 0 if ok else 1
        emit(
            f"register.{kind}.all",
            backend=backend,
            projects=args.projects,
            warnings=args.warnings,
            scenarios=len(scenarios),
            **total,
            target_p95_ms=TARGET_P95_MS,
            ok=ok,
            loadavg_1m=round(os.getloadavg()[0], 2),  # > ~2.5 here: something else was running
        )
    if args.mixed:
        # Every scenario of both kinds, as the regulator (cookie for pages, token for the API).
        paths = [_path(kind, s["params"]) for s in scenarios for kind in ("page", "api")]
        stats = measure(
            lambda: _MixedClient(base, auth["regulator"]),
            paths,
            repeat=args.mixed,
            concurrency=args.concurrency,
            deadline=deadline,
        )
        emit("register.mixed", backend=backend, **stats)
    return rc


class _MixedClient(Client):
    """One user's keep-alive connection: the session cookie for pages, the token for the API."""

    def __init__(self, base: str, auth: dict[str, dict[str, str]]):
        super().__init__(base)
        self.auth = auth

    def get(self, path: str) -> tuple[int, bytes]:
        kind = "api" if path.startswith("/api/") else "page"
        self.headers = {"Accept-Encoding": "identity", **self.auth[kind]}
        return super().get(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--warnings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100, help="requests per scenario")
    parser.add_argument(
        "--mixed", type=int, default=600, help="requests in the mixed run (0: none)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="clients in the mixed run")
    parser.add_argument("--backends", default="", help="sqlite,postgres (default: see docstring)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per backend")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
