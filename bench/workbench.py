"""Benchmark the workbench (工作台, issue 16): the to-do list and the dashboard of an actor with
many open items, and the global search over a large index, on SQLite and PostgreSQL.

Targets: ``todo_for``, ``GET /api/v1/me/todo`` and the dashboard ``/`` at p95 under 200 ms for
an actor with 1,000 open to-do items across modules; ``GET /api/v1/search`` at p95 under 300 ms
over 100,000 projects, 20,000 organisations and 1,000,000 document texts. One JSON line per
figure (``bench``, ``backend``, ``n``, ``p50_ms``, ``p95_ms``, ``target_ms``, the scale)::

    python bench/workbench.py                            # default: --items 1000, small search
    python bench/workbench.py --search-scale full        # the issue's scale (an hour or more)
    python bench/workbench.py --backends sqlite --items 2000 --repeat 50

Scale
-----
``--search-scale small`` (the default, so that ``make bench`` finishes in a few minutes per
backend) builds a tenth of the issue's index: 10,000 projects, 2,000 organisations and 100,000
document texts. ``full`` builds the issue's 100,000 / 20,000 / 1,000,000. Every line says which
scale ran (``scale``, and the counts). The to-do items are ``--items`` (default 1,000, the
issue's figure) whatever the search scale.

The actor
---------
The demo regulator (王监管, 大兴区工程建设管理中心): the persona whose to-do list draws on the
most modules. Its items are split evenly over four providers, each fed the rows it reads:

* compliance — rectification orders answered and waiting for the regulator's re-inspection
  (an inspection by the regulator's organisation, a finding, the order in ``answered``);
* projects — the next key node of a project under construction, planned within the week;
* onboarding — enterprise applications submitted and waiting for review;
* tendering — complaints to accept (submitted) or to decide (accepted).

The rows are written with ``bulk_create`` through the models, not the services: the services
would write a ledger entry and run the statutory clocks per item, which is minutes for a
thousand items and is not what is measured here. The providers read these rows through the
same selectors as rows written by the services (they filter on the same columns), and the
bench checks that ``todo_for`` returns every item it wrote.

How it is measured
------------------
The district (projects, participants, tenders) comes from ``bench/search.py``'s and
``bench/register.py``'s builders at the search scale, so the to-do list and the dashboard run
on a district of that size. They are timed first, in process (Django's test client, as
``bench/dashboard.py``): two warm-ups, then ``--repeat`` sequential calls of ``todo_for``, of
the API with a bearer token and of ``/`` after ``force_login``. Then the rest of the search
index is built and timed by ``bench/search.py``'s own functions (its ``search.*`` lines), and
one ``workbench.search`` line sums them up against the 300 ms target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import search  # noqa: E402
from bench._backends import run_backends  # noqa: E402
from bench._http import emit, summary  # noqa: E402

TODO_TARGET_MS = 200.0
SEARCH_TARGET_MS = search.TARGET_P95_MS  # 300 ms, kept in one place
SEED = 16_2027
SCALES = {
    "small": {"projects": 10_000, "organisations": 2_000, "documents": 100_000},
    "full": {"projects": 100_000, "organisations": 20_000, "documents": 1_000_000},
}
# Per backend: the small scale took about 2 minutes on a busy 2-core machine; the full one is
# ten times the rows.
TIMEOUTS = {"small": 1200, "full": 3 * 3600}
MODULES = ("compliance", "projects", "onboarding", "tendering")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000, help="open to-do items of the actor")
    parser.add_argument("--search-scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per to-do figure")
    parser.add_argument(
        "--search-repeat", type=int, default=20, help="requests per persona and search query"
    )
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--timeout", type=int, default=0, help="seconds per backend")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    flags = ["--items", str(args.items), "--search-scale", args.search_scale]
    flags += ["--repeat", str(args.repeat), "--search-repeat", str(args.search_repeat)]
    timeout = args.timeout or TIMEOUTS[args.search_scale]
    # The demo loader's onboarding applications send mail; the console backend would print it
    # among the JSON lines on stdout.
    env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    return run_backends(
        "workbench", __file__, flags, backends=args.backends, timeout=timeout, env=env
    )


def child(args: argparse.Namespace) -> int:
    def stop(*_):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, stop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.register import _build as build_projects
    from jianguan.accounts import demo as accounts_demo
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data
    from jianguan.workbench.search.index import search_reindex

    backend, scale = args.child, SCALES[args.search_scale]
    common = {"backend": backend, "scale": args.search_scale}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()  # the registry's and the statutory clocks' thresholds
    accounts_demo.seed()
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -262144")  # as bench/search.py
    built = build_projects(scale["projects"], 0)
    built.pop("warnings", None)
    built["tenders"] = search._tenders()
    items = _todo_items(args.items)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    emit(
        "workbench.todo_build",
        **common,
        **built,
        items=items,
        seconds=round(time.perf_counter() - t0, 1),
    )
    rc = _measure_todo(args, common, sum(items.values()))

    # The rest of the search index, in bench/search.py's order (see its docstring).
    t1 = time.perf_counter()
    more = {"organisations": search._organisations(scale["organisations"])}
    more["documents"] = search._documents(scale["documents"])
    indexed = search_reindex(kinds=["projects", "organisations", "tenders"])
    more["document_entries"] = search._document_entries()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    emit(
        "workbench.search_build",
        **common,
        **more,
        indexed=indexed,
        seconds=round(time.perf_counter() - t1, 1),
    )
    return rc | _measure_search(args, common, scale)


# --------------------------------------------------------------------------- to-do items


def _todo_items(n: int) -> dict[str, int]:
    """``n`` open items for the demo regulator, split evenly over MODULES."""
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User

    regulator = actor_for(User.objects.get(username="regulator"))
    share = {m: n // len(MODULES) + (i < n % len(MODULES)) for i, m in enumerate(MODULES)}
    rng = random.Random(SEED)
    today = _today()
    return {
        "compliance": _orders_answered(share["compliance"], regulator.organisation_id, today, rng),
        "projects": _key_nodes(share["projects"], today, rng),
        "onboarding": _applications(share["onboarding"]),
        "tendering": _complaints(share["tendering"], today, rng),
    }


def _today() -> dt.date:
    from jianguan.core.timeutil import today_local

    return today_local()


def _construction_projects(n: int) -> list[tuple[int, int]]:
    from jianguan.projects.models import Participant, Project

    rows = list(
        Project.objects.filter(stage="construction").order_by("pk").values_list("pk", flat=True)[:n]
    )
    gcs = dict(
        Participant.objects.filter(project_id__in=rows, role="general_contractor").values_list(
            "project_id", "organisation_id"
        )
    )
    owners = dict(Project.objects.filter(pk__in=rows).values_list("pk", "owner_id"))
    return [(pk, gcs.get(pk) or owners[pk]) for pk in rows]


def _orders_answered(n: int, inspector_org: int, today: dt.date, rng: random.Random) -> int:
    from jianguan.compliance.models import Finding, Inspection, RectificationOrder

    projects = _construction_projects(max(1, n // 3))  # a few orders per project
    picks = [projects[i % len(projects)] for i in range(n)]
    inspections = Inspection.objects.bulk_create(
        Inspection(
            project_id=pk,
            kind="routine",
            inspected_on=today - dt.timedelta(days=rng.randint(5, 40)),
            inspector_organisation_id=inspector_org,
            inspector="王监管",
            side="regulator",
        )
        for pk, _ in picks
    )
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            project_id=pk,
            type=rng.choice(("safety", "quality", "environment")),
            severity="general",
            description="基准测试：临边防护不到位",
            responsible_organisation_id=org,
        )
        for inspection, (pk, org) in zip(inspections, picks, strict=True)
    )
    RectificationOrder.objects.bulk_create(
        RectificationOrder(
            number=f"ZG-B-{i:07d}",
            finding=finding,
            project_id=finding.project_id,
            responsible_organisation_id=finding.responsible_organisation_id,
            issued_on=finding.inspection.inspected_on,
            due_on=finding.inspection.inspected_on + dt.timedelta(days=7),
            status="answered",
            issued_by="王监管",
        )
        for i, finding in enumerate(findings)
    )
    return n


def _key_nodes(n: int, today: dt.date, rng: random.Random) -> int:
    """The first node of n projects under construction, planned from two weeks ago to within
    the provider's one-week look-ahead (some overdue, some due soon)."""
    from jianguan.projects.models import KeyNode

    projects = _construction_projects(n)
    KeyNode.objects.bulk_create(
        KeyNode(
            project_id=pk,
            code="foundation",
            name="地基与基础",
            sequence=1,
            planned_date=today + dt.timedelta(days=rng.randint(-14, 6)),
        )
        for pk, _ in projects
    )
    return len(projects)


def _applications(n: int) -> int:
    from jianguan.accounts.models import OrganisationApplication

    at = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)
    OrganisationApplication.objects.bulk_create(
        OrganisationApplication(
            number=f"RZ-B-{i:07d}",
            status="submitted",
            name=f"北京基准测试建筑工程有限公司{i}",
            kind="general_contractor",
            credit_code=f"91110115C{i:09d}",
            legal_representative="李四",
            admin_name="李四",
            admin_phone="13800000000",
            admin_email=f"admin{i}@bench.example",
            licence=f"accounts/licences/2026/bench-{i}.pdf",
            licence_sm3="0" * 64,
            secret_hash=f"{i:064d}",
            submitted_at=at + dt.timedelta(minutes=i),
        )
        for i in range(n)
    )
    return n


def _complaints(n: int, today: dt.date, rng: random.Random) -> int:
    from jianguan.accounts.models import Organisation
    from jianguan.tendering.models import Complaint, Tender

    tenders = list(
        Tender.objects.exclude(status="draft").order_by("pk").values_list("pk", flat=True)[:n]
    )
    bidders = list(
        Organisation.objects.filter(kind="general_contractor").values_list("pk", flat=True)
    )
    at = dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC)
    rows = []
    for i in range(n):
        accepted = i % 2 == 1  # half to accept, half accepted and to decide
        rows.append(
            Complaint(
                tender_id=tenders[i % len(tenders)],
                complainant_id=rng.choice(bidders),
                subject=rng.choice(list(Complaint.SUBJECTS)),
                text="基准测试：评标委员会未按招标文件规定的标准评审",
                known_on=today - dt.timedelta(days=3),
                filed_at=at,
                status=Complaint.ACCEPTED if accepted else Complaint.SUBMITTED,
                accept_due=today + dt.timedelta(days=rng.randint(-2, 5)),
                decide_due=today + dt.timedelta(days=rng.randint(5, 30)) if accepted else None,
                accepted_at=at if accepted else None,
                filed_by="bench",
            )
        )
    Complaint.objects.bulk_create(rows)
    return n


# --------------------------------------------------------------------------- measuring


def _timed(call, repeat: int) -> list[float]:
    for _ in range(2):  # warm-ups: caches, the first query plans
        call()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _measure_todo(args: argparse.Namespace, common: dict, written: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM
    from jianguan.core.todo import counts_by_module, todo_for

    setup_test_environment()  # the test client's response attributes, no real mail
    user = User.objects.get(username="regulator")
    actor, today = actor_for(user), _today()
    items = todo_for(actor, today)
    by_module = counts_by_module(items)
    # Every written item must be on the list, or the figure would be for a shorter one.
    ok_items = len(items) >= written
    _, secret = api_token_create(actor=SYSTEM, user=user, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    page = Client()
    page.force_login(user)

    def get(client, path):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    assert api.get("/api/v1/me/todo").json()["count"] == len(items)
    figures = {
        "todo_for": lambda: todo_for(actor, today),
        "api_me_todo": get(api, "/api/v1/me/todo"),
        "dashboard": get(page, "/"),
    }
    rc = 0 if ok_items else 1
    for name, call in figures.items():
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        # execute_wrapper, as bench/dashboard.py: the request cycle empties the debug log.
        with connection.execute_wrapper(count):
            call()
        stats = summary(_timed(call, args.repeat))
        ok = ok_items and stats["p95_ms"] < TODO_TARGET_MS
        emit(
            f"workbench.{name}",
            **common,
            actor="regulator",
            items=len(items),
            items_written=written,
            by_module=by_module,
            queries=len(queries),
            target_ms=TODO_TARGET_MS,
            ok=ok,
            **stats,
        )
    return rc


def _measure_search(args: argparse.Namespace, common: dict, scale: dict) -> int:
    """bench/search.py's timing (its ``search.query`` / ``search.all`` lines), then one
    ``workbench.search`` line from the samples it took."""
    totals: list[dict] = []
    real_emit = search.emit

    def collect(bench: str, **fields):
        # search._measure returns only its exit status; the overall p50/p95 over all its
        # requests is on its "search.all" line, so that line is read on its way out.
        if bench == "search.all":
            totals.append(fields)
        real_emit(bench, **fields)

    search.emit = collect
    try:
        rc = search._measure(
            common["backend"], argparse.Namespace(repeat=args.search_repeat, **scale)
        )
    finally:
        search.emit = real_emit
    overall = totals[0] if totals else {}
    emit(
        "workbench.search",
        **common,
        **scale,
        n=overall.get("n", 0),
        p50_ms=overall.get("p50_ms"),
        p95_ms=overall.get("p95_ms"),
        target_ms=SEARCH_TARGET_MS,
        ok=bool(overall.get("ok")),
    )
    return rc


if __name__ == "__main__":
    sys.exit(main())
