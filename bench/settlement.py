"""Benchmark a final account through the settlement audit (issue 21).

Target: a final account of 20,000 lines with 300 variations through both reviews; every
automatic step under 2 s. One JSON line per figure::

    python bench/settlement.py                       # 20,000 BoQ lines, 300 variations
    python bench/settlement.py --quick               # 2,000 lines, 30 variations
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/settlement.py

Figures
-------
* ``settlement.build``: the world and a signed contract with ``--lines`` BoQ lines and
  ``--variations`` approved variations and 签证 (bulk-created as the factories do), the
  project's completion date set; not a step of the system.
* ``settlement.generate``: ``final_account_create`` (the final account generated from the
  BoQ at current quantities and the approved variations), then ``submit`` and the owner's
  acceptance (cost_settlement).
* ``settlement.engage``: ``audit_engage`` (the owner appoints the firm; both reviews open).
* ``settlement.review``: per review, the bulk cuts (``cuts_set`` of ``--cuts`` lines, the
  audit re-cutting half of the finance lines) and ``review_submit`` (the ledger entry with
  every cut).
* ``settlement.merge``: the comparison of the two reviews, the lower figure per line
  (``reviews_merge``, run inside the second submission; timed on its own).
* ``settlement.respond`` / ``settlement.meeting``: the contractor disputes ``--disputes``
  cuts, the meeting settles them.
* ``settlement.audit_finish``: ``report_issue``: every line's settled figure, the final
  account audited (cost_settlement's ``final_account_audit_finish``), the reduction rate and
  the credit check.
* ``settlement.report_pdf`` / ``settlement.report_xlsx``: the sealed report PDF (issued on
  the ledger) and the Excel of every line in the GB 50500 layout.
* ``settlement.lines_page``: one page of the line table with both reviews side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import emit  # noqa: E402

TARGET_S = 2.0


def parent(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.quick:
        args.lines, args.variations, args.cuts, args.disputes = 2000, 30, 600, 10
    flags = [
        "--lines",
        str(args.lines),
        "--variations",
        str(args.variations),
        "--cuts",
        str(args.cuts),
        "--disputes",
        str(args.disputes),
    ] + (["--profile", os.path.abspath(args.profile)] if args.profile else [])
    return run_backends(
        "settlement",
        __file__,
        flags,
        backends=args.backends,
        timeout=args.timeout,
        started=started,
    )


def _world(lines: int, variations: int):
    from django.db.models import F

    from bench.payment_claim import _world as claim_world
    from jianguan.contracts.models import BoqItem, Variation
    from jianguan.core.timeutil import now, today_local
    from jianguan.projects.models import Project

    world, project, contract = claim_world(lines)
    rows = []
    at = now()
    for i in range(variations):
        rows.append(
            Variation(
                contract=contract,
                number=f"BG-B-{i + 1:04d}",
                kind="site_instruction" if i % 3 == 0 else "variation",
                title=f"变更 {i + 1}",
                reason="设计变更",
                cause="design_change",
                amount=Decimal(10_000 + 37 * i),
                status="approved",
                raised_by="bench",
                decided_at=at,
            )
        )
    Variation.objects.bulk_create(rows)
    BoqItem.objects.filter(contract=contract).update(current_quantity=F("quantity"))
    Project.objects.filter(pk=project.pk).update(
        completion_date=today_local() - dt.timedelta(days=5)
    )
    contract.project.refresh_from_db()
    return world, contract


PROFILE = {"dir": "", "on": None}


def _t(name: str, backend: str, t0: float, **fields) -> float:
    s = round(time.perf_counter() - t0, 3)
    emit(name, backend=backend, seconds=s, under_target=s < TARGET_S, **fields)
    _profile_next(f"{name}.{fields.get('stage', '')}{fields.get('step', '')}")
    return s


def _profile_next(label: str) -> None:
    """With --profile DIR: each timed step's cProfile statistics in DIR/<step>.pstats."""
    if not PROFILE["dir"]:
        return
    import cProfile

    if PROFILE["on"] is not None:
        PROFILE["on"].disable()
        PROFILE["on"].dump_stats(os.path.join(PROFILE["dir"], f"{label}.pstats"))
    PROFILE["on"] = cProfile.Profile()
    PROFILE["on"].enable()


def child(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(1)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jianguan.cost.audit import report, selectors, services, services_close
    from jianguan.cost.settlement import services as settlement
    from jianguan.cost.settlement.models import FinalAccountLine
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data

    backend = args.child
    PROFILE["dir"] = args.profile
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()
    t0 = time.perf_counter()
    world, contract = _world(args.lines, args.variations)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    _t("settlement.build", backend, t0, lines=args.lines, variations=args.variations)
    a, orgs = world["actors"], world["orgs"]

    t0 = time.perf_counter()
    account = settlement.final_account_create(actor=a["contractor"], contract=contract)
    n_lines = FinalAccountLine.objects.filter(account=account).count()
    _t("settlement.generate", backend, t0, step="create", lines=n_lines)
    t0 = time.perf_counter()
    account = settlement.final_account_submit(actor=a["contractor"], account=account)
    account = settlement.final_account_owner_review(
        actor=a["owner"], account=account, decision="accept"
    )
    _t("settlement.generate", backend, t0, step="submit_and_owner_accept")

    t0 = time.perf_counter()
    audit = services.audit_engage(
        actor=a["owner"], account=account, firm=orgs["auditor"], reference="京兴审委〔2026〕1号"
    )
    _t("settlement.engage", backend, t0)

    lines = list(
        FinalAccountLine.objects.filter(account=account, stage_settled=False)
        .order_by("sequence")
        .values_list("pk", "claimed_amount")
    )
    n = min(args.cuts, len(lines) // 2)
    finance_rows = [
        (pk, (c * Decimal("0.97")).quantize(Decimal("0.01")), "工程量核减") for pk, c in lines[:n]
    ]
    audit_rows = [
        (pk, (c * Decimal("0.95")).quantize(Decimal("0.01")), "单价套用核减")
        for pk, c in lines[n // 2 : n // 2 + n]
    ]
    reviews = {r.stage: r for r in audit.reviews.all()}

    merge_s = {}
    real_merge = services.reviews_merge

    def timed_merge(**kw):
        t = time.perf_counter()
        out = real_merge(**kw)
        merge_s["s"] = time.perf_counter() - t
        return out

    services.reviews_merge = timed_merge
    for stage, persona, rows in (
        ("finance", "finance", finance_rows),
        ("audit", "auditor", audit_rows),
    ):
        t0 = time.perf_counter()
        services.cuts_set(actor=a[persona], review=reviews[stage], rows=rows)
        _t("settlement.review", backend, t0, stage=stage, step="bulk_cuts", cuts=len(rows))
        t0 = time.perf_counter()
        services.review_submit(actor=a[persona], review=reviews[stage], opinion="同意")
        total = time.perf_counter() - t0
        own = total - merge_s.get("s", 0) if stage == "audit" else total
        emit(
            "settlement.review",
            backend=backend,
            stage=stage,
            step="submit",
            seconds=round(own, 3),
            under_target=own < TARGET_S,
        )
    services.reviews_merge = real_merge
    audit.refresh_from_db()
    emit(
        "settlement.merge",
        backend=backend,
        seconds=round(merge_s["s"], 3),
        under_target=merge_s["s"] < TARGET_S,
        cut_lines=audit.results.count(),
    )

    t0 = time.perf_counter()
    page, rows = selectors.line_page(actor=a["auditor"], audit=audit, page=37, show="")
    _t("settlement.lines_page", backend, t0, rows=len(rows), filter="all")
    t0 = time.perf_counter()
    page, rows = selectors.line_page(actor=a["auditor"], audit=audit, page=5, show="cut")
    _t("settlement.lines_page", backend, t0, rows=len(rows), filter="cut")

    disputed = [r[0] for r in finance_rows[: args.disputes]]
    t0 = time.perf_counter()
    services_close.cuts_respond(
        actor=a["contractor"], audit=audit, disputes={pk: "有签认依据" for pk in disputed}
    )
    _t("settlement.respond", backend, t0, disputed=len(disputed))
    claimed = dict(lines)
    t0 = time.perf_counter()
    services_close.meeting_record(
        actor=a["owner"],
        audit=audit,
        held_on=dt.date.today(),
        venue="会议室",
        attendees="建设单位、施工单位、审计机构、财政评审机构",
        minutes="会商确定",
        figures={pk: (claimed[pk] * Decimal("0.98")).quantize(Decimal("0.01")) for pk in disputed},
    )
    _t("settlement.meeting", backend, t0, lines=len(disputed))

    t0 = time.perf_counter()
    audit = services_close.report_issue(actor=a["auditor"], audit=audit)
    _t(
        "settlement.audit_finish",
        backend,
        t0,
        lines=n_lines,
        submitted=str(audit.submitted_amount),
        audited=str(audit.audited_amount),
        reduction_ratio=str(audit.reduction_ratio),
        credit_recorded=audit.credit_recorded,
    )
    t0 = time.perf_counter()
    pdf = report.report_document(actor=a["auditor"], audit=audit)
    _t("settlement.report_pdf", backend, t0, bytes=len(pdf))
    t0 = time.perf_counter()
    xlsx = report.report_xlsx(audit)
    _t("settlement.report_xlsx", backend, t0, bytes=len(xlsx), lines=n_lines)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lines", type=int, default=20_000)
    p.add_argument("--variations", type=int, default=300)
    p.add_argument("--cuts", type=int, default=6000, help="cuts per review")
    p.add_argument("--disputes", type=int, default=50)
    p.add_argument("--quick", action="store_true", help="2,000 lines, 30 variations")
    p.add_argument("--backends", default="")
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--profile", default="", help="directory for one .pstats per step")
    p.add_argument("--child", default="")
    args = p.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
