"""Benchmark the role dashboards (工作台, issue 16): the page each demo persona opens first.

Target: p95 under 200 ms for every persona on the demo district. One JSON line per persona
and one for all of them together::

    python bench/dashboard.py                          # seeds a throwaway demo district (minutes)
    python bench/dashboard.py --data-dir /tmp/demo     # reuses a seeded DATA_DIR (seeds it if empty)
    python bench/dashboard.py --repeat 50

How it is measured: in process, through Django's test client (the whole request: middleware,
the actor, the to-do providers, every panel's queries, the template), so the figure is the
server's time without the network. Each persona is signed in with ``force_login``; two warm-up
requests, then ``--repeat`` sequential GETs of ``/``; every answer must be 200. The number of
queries of one request is reported too: it must not grow with the district (constant per
panel), which the tests hold with ``django_assert_max_num_queries``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = (
    "regulator",
    "owner",
    "contractor",
    "subcontractor",
    "supervisor",
    "designer",
    "finance",
    "auditor",
    "agency",
    "insurer",
    "expert1",
    "bidder1",
)
TARGET_P95_MS = 200.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _setup(data_dir: Path) -> None:
    os.environ["DATA_DIR"] = str(data_dir)
    # As `make bench` runs it: static files from the finders (a throwaway DATA_DIR has no
    # collected manifest); nothing else in the request path depends on it.
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from jianguan.accounts.models import User

    if not User.objects.filter(username="regulator").exists():
        print("seeding the demo district …", file=sys.stderr)
        call_command("seed_demo", stdout=sys.stderr)


def run(repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User
    from jianguan.core.timeutil import today_local
    from jianguan.web.panels import panels_for

    setup_test_environment()
    today = today_local()
    lines = []
    everything: list[float] = []
    for username in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        for _ in range(2):
            assert client.get("/").status_code == 200
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        # execute_wrapper, not CaptureQueriesContext: the request cycle's connection handling
        # empties the debug log between the request's start and this point.
        with connection.execute_wrapper(count):
            response = client.get("/")
        assert response.status_code == 200, (username, response.status_code)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get("/")
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        everything += times
        # The panels alone (what the role dashboards add to the page), apart from the to-do
        # providers, the recent actions and the layout every persona pays for.
        actor = actor_for(user)
        panel_times = []
        for _ in range(repeat):
            start = time.perf_counter()
            panels_for(actor, today)
            panel_times.append((time.perf_counter() - start) * 1000)
        panels = sorted(set(_panels(response.content.decode())))
        lines.append(
            {
                "bench": "dashboard.persona",
                "persona": username,
                "n": repeat,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(_pct(times, 0.95), 1),
                "max_ms": round(max(times), 1),
                "panels_p50_ms": round(statistics.median(panel_times), 1),
                "panels_p95_ms": round(_pct(panel_times, 0.95), 1),
                "queries": len(queries),
                "panels": panels,
            }
        )
    p95 = _pct(everything, 0.95)
    lines.append(
        {
            "bench": "dashboard.all",
            "database": connection.vendor,
            "n": len(everything),
            "p50_ms": round(statistics.median(everything), 1),
            "p95_ms": round(p95, 1),
            "target_p95_ms": TARGET_P95_MS,
            "ok": p95 < TARGET_P95_MS,
        }
    )
    return lines


def _panels(html: str) -> list[str]:
    import re

    return re.findall(r'data-panel="([a-z_]+)"', html)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a DATA_DIR to reuse (seeded if empty)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        _setup(args.data_dir or Path(tmp))
        for line in run(args.repeat):
            print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
