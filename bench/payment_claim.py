"""Benchmark a payment claim through the double review, and a BoQ import.

Target (issue 4): a claim with 5,000 BoQ lines through all automatic checks and both reviews;
a BoQ import of 20,000 rows; report times. One JSON line per figure::

    python bench/payment_claim.py                    # 5,000 lines, 500 cuts a stage, 20,000 rows
    python bench/payment_claim.py --quick            # 500 lines, 50 cuts, 2,000 rows
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/payment_claim.py

Figures
-------
* ``payment_claim.build``: the world (five parties, a project in construction with its leads
  filed) and a signed contract whose ``--lines`` BoQ lines are bulk-created as the factories do.
* ``payment_claim.create``: ``claim_create`` with a cumulative quantity on every line
  (parsing, previous approved quantities, values, the ledger entry).
* ``payment_claim.submit``: ``claim_submit``: all automatic checks (period, quantities against
  the BoQ with the tolerance from rule data, not below previous, value, key nodes, chief
  supervisor) and the ledger entry carrying every line.
* ``payment_claim.review``: per stage (supervisor, owner, finance, audit): ``review_start``,
  ``--cuts`` calls of ``review_cut`` (p50/p95 per cut) and ``review_submit``; the audit's
  submit includes the approval (final quantities = min of the two reviews, the 80 % rule and
  retention, the audit-reduction credit check).
* ``payment_claim.view``: ``claim_view`` for the auditor (the independence filter) on the
  approved claim.
* ``payment_claim.boq_import``: ``contracts.boq.services.boq_import`` of a ``--rows``-row xlsx into a
  draft contract (parse, checks, bulk write, ledger entry); ``xlsx_s`` is the time to write the
  workbook, not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import emit  # noqa: E402

STAGES = (
    ("supervisor", "supervisor"),
    ("owner", "owner"),
    ("finance", "finance"),
    ("audit", "auditor"),
)


def parent(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.quick:
        args.lines, args.cuts, args.rows = 500, 50, 2000
    flags = ["--lines", str(args.lines), "--cuts", str(args.cuts), "--rows", str(args.rows)]
    return run_backends(
        "payment_claim",
        __file__,
        flags,
        backends=args.backends,
        timeout=args.timeout,
        started=started,
    )


def _pcts(samples: list[float]) -> dict:
    samples = sorted(samples)
    q = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
    return {"p50_ms": round(q[49] * 1000, 2), "p95_ms": round(q[94] * 1000, 2)}


def _world(lines: int):
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.compliance.tests.helpers import in_construction
    from jianguan.contracts.tests.factories import make_contract
    from jianguan.projects.tests.test_services import member

    orgs = {
        kind: OrganisationFactory(kind=kind)
        for kind in (
            "owner",
            "surveyor",
            "designer",
            "general_contractor",
            "supervisor",
            "regulator",
            "finance_bureau",
            "auditor",
        )
    }
    actors = {
        "owner": member(orgs["owner"], "bench_own", ["admin", "staff", "signer"]),
        "contractor": member(orgs["general_contractor"], "bench_gc", ["admin", "staff", "signer"]),
        "supervisor": member(orgs["supervisor"], "bench_sup", ["staff", "signer"]),
        "finance": member(orgs["finance_bureau"], "bench_fin", ["staff", "reviewer"]),
        "auditor": member(orgs["auditor"], "bench_aud", ["staff", "reviewer"]),
    }
    world = {"town": TownFactory(name="黄村镇"), "orgs": orgs, "actors": actors}
    project = in_construction(world)
    contract = make_contract(
        project=project,
        employer=orgs["owner"],
        contractor=orgs["general_contractor"],
        supervisor=orgs["supervisor"],
        finance_bureau=orgs["finance_bureau"],
        auditor=orgs["auditor"],
        items=lines,
    )
    return world, project, contract


def child(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(1)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from jianguan.contracts.boq import io as boq_io
    from jianguan.contracts.boq.services import boq_import
    from jianguan.contracts.claims import reviews
    from jianguan.contracts.claims import selectors as sel
    from jianguan.contracts.claims import services as claims
    from jianguan.contracts.models import BoqItem, ClaimLine
    from jianguan.contracts.tests.factories import boq_rows, make_contract
    from jianguan.core.timeutil import today_local
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data

    backend = args.child
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()
    t0 = time.perf_counter()
    world, project, contract = _world(args.lines)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    emit(
        "payment_claim.build",
        backend=backend,
        lines=args.lines,
        seconds=round(time.perf_counter() - t0, 2),
    )
    actors = world["actors"]

    today = today_local()
    items = list(BoqItem.objects.filter(contract=contract).order_by("sequence"))
    lines = [
        {
            "boq_item": item.pk,
            "cumulative_quantity": str((item.quantity * Decimal("0.6")).quantize(Decimal("0.001"))),
            "evidence_note": f"计量单 {item.sequence}",
        }
        for item in items
    ]
    t0 = time.perf_counter()
    claim = claims.claim_create(
        actor=actors["contractor"],
        contract=contract,
        period_start=today - dt.timedelta(days=30),
        period_end=today,
        lines=lines,
    )
    emit(
        "payment_claim.create",
        backend=backend,
        lines=len(lines),
        seconds=round(time.perf_counter() - t0, 2),
    )
    t0 = time.perf_counter()
    claim = claims.claim_submit(actor=actors["contractor"], claim=claim)
    emit(
        "payment_claim.submit",
        backend=backend,
        lines=len(lines),
        checks=len(claim.checks),
        passed=all(c["passed"] for c in claim.checks),
        seconds=round(time.perf_counter() - t0, 2),
    )

    claim_lines = list(ClaimLine.objects.filter(claim=claim).order_by("boq_item__sequence"))
    n = min(args.cuts, len(claim_lines) // 4 or 1)
    chain_t0 = time.perf_counter()
    for i, (stage, persona) in enumerate(STAGES):
        actor = actors[persona]
        t0 = time.perf_counter()
        review = reviews.review_start(actor=actor, claim=claim)
        start_s = time.perf_counter() - t0
        # supervisor, owner, finance each cut their own block; the audit re-cuts the finance block
        block = claim_lines[(min(i, 2)) * n : (min(i, 2) + 1) * n]
        share = Decimal("0.55") if stage != "audit" else Decimal("0.57")
        samples = []
        for line in block:
            accepted = (line.cumulative_quantity * share / Decimal("0.6")).quantize(
                Decimal("0.001")
            )
            t1 = time.perf_counter()
            reviews.review_cut(
                actor=actor,
                review=review,
                line=line,
                accepted_quantity=accepted,
                reason="基准测试核减",
            )
            samples.append(time.perf_counter() - t1)
        t1 = time.perf_counter()
        reviews.review_submit(actor=actor, review=review, opinion="同意")
        submit_s = time.perf_counter() - t1
        claim.refresh_from_db()
        emit(
            "payment_claim.review",
            backend=backend,
            stage=stage,
            cuts=len(samples),
            start_s=round(start_s, 3),
            cuts_s=round(sum(samples), 2),
            **(_pcts(samples) if samples else {}),
            submit_s=round(submit_s, 2),
            seconds=round(time.perf_counter() - t0, 2),
            status=claim.status,
        )
    emit(
        "payment_claim.chain",
        backend=backend,
        lines=len(lines),
        status=claim.status,
        approved_value=str(claim.approved_value),
        payable=str(claim.payable_amount),
        retention=str(claim.retention_amount),
        seconds=round(time.perf_counter() - chain_t0, 2),
    )
    t0 = time.perf_counter()
    view = sel.claim_view(actor=actors["auditor"], claim=claim)
    emit(
        "payment_claim.view",
        backend=backend,
        lines=len(view["lines"]),
        seconds=round(time.perf_counter() - t0, 2),
    )

    # the BoQ import of a --rows workbook into a draft contract
    t0 = time.perf_counter()
    rows = boq_rows(args.rows, seed=7)
    data = boq_io.export(
        BoqItem(
            sequence=i,
            code=r["code"],
            name=r["name"],
            feature=r["feature"],
            unit=r["unit"],
            quantity=r["quantity"],
            unit_rate=r["rate"],
            amount=r["amount"],
            current_quantity=r["quantity"],
        )
        for i, r in enumerate(rows, 1)
    )
    xlsx_s = time.perf_counter() - t0
    draft = make_contract(
        project=project,
        employer=world["orgs"]["owner"],
        contractor=world["orgs"]["general_contractor"],
        items=0,
        status="draft",
    )
    upload = SimpleUploadedFile(
        "清单.xlsx",
        data,
        content_type=boq_io.XLSX if hasattr(boq_io, "XLSX") else "application/octet-stream",
    )
    t0 = time.perf_counter()
    result = boq_import(actor=actors["owner"], contract=draft, file=upload)
    emit(
        "payment_claim.boq_import",
        backend=backend,
        rows=result["count"],
        bytes=len(data),
        xlsx_s=round(xlsx_s, 2),
        seconds=round(time.perf_counter() - t0, 2),
    )
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lines", type=int, default=5000)
    p.add_argument("--cuts", type=int, default=500, help="cuts per review stage")
    p.add_argument("--rows", type=int, default=20_000, help="rows of the imported BoQ")
    p.add_argument("--quick", action="store_true", help="500 lines, 50 cuts, 2,000 rows")
    p.add_argument("--backends", default="")
    p.add_argument("--timeout", type=int, default=600)
    p.add_argument("--child", default="")
    args = p.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
