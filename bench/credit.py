"""Benchmark the daily credit run: publish the scores of 10,000 organisations from 10^6 records.

Target (issue 5): the daily recompute for 10,000 organisations with 1,000,000 records; report
the time. One JSON line per figure::

    python bench/credit.py                                      # 10^4 orgs, 10^6 records, SQLite
    python bench/credit.py --orgs 1000 --records 100000         # scaled down
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/credit.py   # PostgreSQL

Figures
-------
* ``credit.publish``: ``services.credit_scores_publish(on=today)`` end to end, as the
  chronograph job runs it: the subjects query, the read of every record that counts today,
  the scoring (linear decay, integer hundredths), 10^4 ``CreditScore`` rows written, the
  publication and its ledger entry, in one transaction. Split into ``read_s`` (the records
  query alone, timed separately before) and ``score_s`` (the pure engine over those rows).
* ``credit.backfill``: ``credit_history_backfill`` over ``--days`` past days from one read.
* ``credit.score_on`` / ``credit.explain``: reading one organisation's published score and
  explaining every point of it (p50/p95 over ``--repeat`` organisations).
* ``credit.engine``: the pure engine alone on 10^6 in-memory entries (no database).

How the data is built
---------------------
10,000 organisations (general contractors, subcontractors and supervisors in the demo's
proportions) and 10^6 ``CreditRecord`` rows are **written directly** with ``bulk_create``:
kinds drawn with the demo's weights, occurred dates spread over the last 3 years, points and
publication periods taken from the rule data exactly as ``credit_record_make`` would; about
3 % ended early (appeals, repairs). Records are not put on the ledger (the run never reads
the ledger). Databases are throwaway, as in the other benchmarks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import emit  # noqa: E402

SEED = 5_2026
BATCH = 10_000
ORG_KINDS = [
    ("general_contractor", 45),
    ("specialist_subcontractor", 20),
    ("labour_subcontractor", 15),
    ("supervisor", 20),
]
KIND_WEIGHTS = {
    "clean_inspection": 40,
    "finding_general": 25,
    "finding_major": 8,
    "finding_serious": 2,
    "rectification_failed": 5,
    "on_time_completion": 8,
    "award_municipal": 4,
    "award_provincial": 2,
    "award_national": 1,
    "yellow_card": 2,
    "red_card": 0.5,
    "wage_arrears": 1,
    "audit_reduction": 1.5,
}


def parent(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _engine(args.records)
    flags = []
    for flag in ("orgs", "records", "days", "repeat"):
        flags += [f"--{flag}", str(getattr(args, flag))]
    return run_backends(
        "credit", __file__, flags, backends=args.backends, timeout=args.timeout, started=started
    )


def _engine(n: int) -> None:
    """The pure engine on n in-memory entries: the floor under any database figure."""
    from jianguan.compliance import credit as C

    rng = random.Random(SEED)
    today = dt.date(2026, 11, 23)
    entries = []
    for i in range(n):
        occurred = today - dt.timedelta(days=rng.randint(1, 1000))
        expires = occurred + dt.timedelta(days=rng.choice((183, 365, 730, 1095)))
        entries.append(
            C.Entry(
                i, "finding_general", rng.randint(-30000, 5000), occurred, occurred, expires, None
            )
        )
    params = C.Params(80000, 0, 100000, C.LINEAR)
    t0 = time.perf_counter()
    C.score(entries, today, params)
    emit("credit.engine", entries=n, seconds=round(time.perf_counter() - t0, 3))


def _build(orgs: int, records: int, today: dt.date) -> list[int]:
    from jianguan.accounts.models import Organisation
    from jianguan.compliance import credit as C
    from jianguan.compliance.models import CreditRecord
    from jianguan.compliance.sanctions import add_months
    from jianguan.rules.lookup import rule

    rng = random.Random(SEED)
    kinds = [k for k, _ in ORG_KINDS]
    weights = [w for _, w in ORG_KINDS]
    rows = [
        Organisation(
            name=f"北京基准测试建设工程有限公司{i:05d}",
            kind=rng.choices(kinds, weights)[0],
            credit_code=f"91110115B{i:08d}X"[:18],
            legal_representative="张三",
            established_on=today - dt.timedelta(days=4000),
        )
        for i in range(orgs)
    ]
    Organisation.objects.bulk_create(rows, batch_size=BATCH)
    ids = list(
        Organisation.objects.filter(name__startswith="北京基准").values_list("pk", flat=True)
    )
    spec = {}
    for code in KIND_WEIGHTS:
        kind = C.KINDS[code]
        points = rule(kind.points_rule, on=today).value * kind.sign
        spec[code] = (
            points,
            int(rule(kind.validity_rule, on=today).value),
            rule(kind.points_rule, on=today).reference,
        )
    codes, cw = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    batch = []
    for i in range(records):
        code = rng.choices(codes, cw)[0]
        points, months, reference = spec[code]
        occurred = today - dt.timedelta(days=rng.randint(1, 3 * 365))
        ended = occurred + dt.timedelta(days=rng.randint(1, 200)) if rng.random() < 0.03 else None
        batch.append(
            CreditRecord(
                organisation_id=ids[i % len(ids)] if i < len(ids) else rng.choice(ids),
                kind=code,
                points=points,
                description="基准测试记录",
                occurred_on=occurred,
                recorded_on=occurred,
                expires_on=add_months(occurred, months),
                ends_on=ended,
                reference=reference,
                recorded_by="bench",
            )
        )
        if len(batch) >= BATCH:
            CreditRecord.objects.bulk_create(batch)
            batch = []
    CreditRecord.objects.bulk_create(batch)
    return ids


def _pcts(samples: list[float]) -> dict:
    samples = sorted(samples)
    q = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
    return {"p50_ms": round(q[49] * 1000, 2), "p95_ms": round(q[94] * 1000, 2)}


def child(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(1)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jianguan.compliance import credit as C
    from jianguan.compliance import selectors_credit as sel
    from jianguan.compliance.services import credit_history_backfill, credit_scores_publish
    from jianguan.compliance.services.credit_publish import _entries
    from jianguan.core.timeutil import today_local
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data

    backend = args.child
    today = today_local()
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()
    t0 = time.perf_counter()
    ids = _build(args.orgs, args.records, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    emit(
        "credit.build",
        backend=backend,
        orgs=len(ids),
        records=args.records,
        seconds=round(time.perf_counter() - t0, 1),
    )

    t0 = time.perf_counter()
    entries = _entries(today, today)
    read_s = time.perf_counter() - t0
    params = sel.params_on(today)
    t0 = time.perf_counter()
    counted = sum(C.score(e, today, params)[3] for e in entries.values())
    score_s = time.perf_counter() - t0
    del entries
    t0 = time.perf_counter()
    publication = credit_scores_publish(on=today)
    total = time.perf_counter() - t0
    emit(
        "credit.publish",
        backend=backend,
        orgs=publication.subjects,
        records=args.records,
        counted=counted,
        seconds=round(total, 2),
        read_s=round(read_s, 2),
        score_s=round(score_s, 2),
    )

    if args.days:
        t0 = time.perf_counter()
        days = credit_history_backfill(start=today - dt.timedelta(days=args.days), end=today)
        emit(
            "credit.backfill",
            backend=backend,
            days=days,
            orgs=len(ids),
            seconds=round(time.perf_counter() - t0, 2),
        )

    rng = random.Random(SEED)
    sample = [sel.organisation_subject(rng.choice(ids)) for _ in range(args.repeat)]
    reads, explains = [], []
    for subject in sample:
        t0 = time.perf_counter()
        stored = sel.score_on(subject, today)
        reads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ex = sel.explain(subject, today)
        explains.append(time.perf_counter() - t0)
        assert ex.score == stored, (subject.key, ex.score, stored)
    emit("credit.score_on", backend=backend, n=len(reads), **_pcts(reads))
    emit("credit.explain", backend=backend, n=len(explains), **_pcts(explains))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--orgs", type=int, default=10_000)
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=7, help="backfill this many past days (0: none)")
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--backends", default="")
    p.add_argument("--timeout", type=int, default=1800)
    p.add_argument("--child", default="")
    args = p.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
