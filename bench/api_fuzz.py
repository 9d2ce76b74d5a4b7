"""Fuzz the whole API against its own OpenAPI document, with many examples per operation.

Target (issue 13): 0 answers 5xx and 0 schema violations. One JSON line per figure::

    python bench/api_fuzz.py                                   # 50 examples per operation and persona, SQLite
    python bench/api_fuzz.py --examples 200                    # longer
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/api_fuzz.py   # PostgreSQL

Figures
-------
* ``api_fuzz.persona``: per persona (the demo regulator, the demo general contractor, and
  nobody), the operations, requests, success answers (2xx, checked against their schemas),
  5xx answers, schema violations and seconds.
* ``api_fuzz.failure``: one line per failing operation (method, path, persona, status, the
  first failure's title), at most ``--show`` of them.
* ``api_fuzz.total``: all personas together; ``ok`` is true when 5xx and violations are 0.

How it is measured
------------------
The same checks as ``tests/test_api_fuzz.py``: schemathesis generates requests from
``/api/v1/openapi.json`` (positive data), calls the WSGI application in process, and checks
every answer: not a server error, a documented status code and content type, a body that
matches the documented schema, and for errors the shape ``{code, message, details}`` with a
Chinese message. Unlike the test suite the database holds the Daxing demo district (the
``seed_demo`` loaders), and about half of the examples replace the integer path parameters by
small ids that exist (1–40), so that the success answers, not only the 404s, are checked
against their schemas. Writes do happen: each operation's examples run in one transaction that
is rolled back, so every operation starts from the same demo data. Hypothesis runs derandomised
(the same examples each run). The database is throwaway, as in the other benchmarks.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import emit  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
IDS = re.compile(r"(^|_)(id|pk|vid|cid|aid|index)$")


def parent(args: argparse.Namespace) -> int:
    flags = ["--examples", str(args.examples), "--show", str(args.show)]
    if args.only:
        flags += ["--only", args.only]
    return run_backends("api_fuzz", __file__, flags, backends=args.backends, timeout=args.timeout)


class _Rollback(Exception):
    pass


def child(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(1)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # django.request logs every 4xx
    import schemathesis
    from django.core.management import call_command
    from django.db import transaction
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from config.wsgi import application
    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM

    backend = args.child
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)
    emit("api_fuzz.seed", backend=backend, seconds=round(time.perf_counter() - t0, 1))

    def token(username: str) -> dict[str, str]:
        user = User.objects.get(username=username)
        _, secret = api_token_create(actor=SYSTEM, user=user, name="bench")
        return {"Authorization": f"Bearer {secret}"}

    personas = {
        "regulator": token("regulator"),
        "contractor": token("contractor"),
        "anonymous": {},
    }
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    # Requests go straight to the WSGI app inside a transaction: its request signals would
    # close the connection under it (the test client disconnects them the same way).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    if args.only:
        operations = [op for op in operations if args.only in op.label]

    totals = {"operations": len(operations), "requests": 0, "5xx": 0, "violations": 0}
    shown = 0
    started = time.perf_counter()
    for persona, headers in personas.items():
        figures = {"requests": 0, "2xx": 0, "5xx": 0, "violations": 0, "failing_operations": 0}
        t_persona = time.perf_counter()
        for op in operations:
            failures: list[tuple[int, str]] = []

            run = _runner(op, headers, failures, figures, args.examples, checks)
            try:
                with transaction.atomic():
                    run()
                    raise _Rollback
            except _Rollback:
                pass
            if failures:
                figures["failing_operations"] += 1
                if shown < args.show:
                    shown += 1
                    status, what = failures[0]
                    emit(
                        "api_fuzz.failure",
                        backend=backend,
                        persona=persona,
                        operation=op.label,
                        failures=len(failures),
                        status=status,
                        first=what,
                    )
        emit(
            "api_fuzz.persona",
            backend=backend,
            persona=persona,
            operations=len(operations),
            examples=args.examples,
            seconds=round(time.perf_counter() - t_persona, 1),
            **figures,
        )
        for key in ("requests", "5xx", "violations"):
            totals[key] += figures[key]
    emit(
        "api_fuzz.total",
        backend=backend,
        personas=len(personas),
        examples=args.examples,
        seconds=round(time.perf_counter() - started, 1),
        ok=totals["5xx"] == 0 and totals["violations"] == 0,
        **totals,
    )
    return 0 if totals["5xx"] == 0 and totals["violations"] == 0 else 1


def _runner(op, headers: dict, failures: list, figures: dict, examples: int, checks: list):
    """The Hypothesis test of one operation for one persona: calls, checks, counts."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=op.as_strategy(), real_id=st.one_of(st.none(), st.integers(1, 40)))
    def run(case, real_id):
        if real_id is not None and case.path_parameters:
            for name in case.path_parameters:
                if IDS.search(name):
                    case.path_parameters[name] = real_id
        response = case.call(headers=headers)
        figures["requests"] += 1
        if response.status_code < 300:
            figures["2xx"] += 1
        if response.status_code >= 500:
            figures["5xx"] += 1
            failures.append((response.status_code, response.text[:200]))
            return
        try:
            case.validate_response(response, checks=checks)
            if response.status_code >= 400:
                body = response.json()
                assert isinstance(body, dict) and set(body) >= {"code", "message"}, body
                assert CJK.search(body["message"]), body
        except BaseException as exc:  # schemathesis raises a group of failures
            figures["violations"] += 1
            first = getattr(exc, "exceptions", [exc])[0]
            title = getattr(first, "title", type(first).__name__)
            failures.append((response.status_code, f"{title}: {str(first)[:300]}"))

    return run


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--examples", type=int, default=50, help="examples per operation and persona")
    p.add_argument("--show", type=int, default=40, help="failing operations to print")
    p.add_argument("--only", default="", help="only operations whose label contains this")
    p.add_argument("--backends", default="")
    p.add_argument("--timeout", type=int, default=3600)
    p.add_argument("--child", default="")
    args = p.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
