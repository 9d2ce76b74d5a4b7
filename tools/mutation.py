"""Mutation testing of the rule-bearing modules (issue 14 part 3): `make mutation`.

For each module in MODULES (or those named on the command line) this runs mutmut 3 on that
module alone, against that module's own tests, then appends one JSON line to
bench/mutation.jsonl: module, mutants, killed, survived, timeout, no_tests, equivalent,
killed_ratio, seconds, date. Declared equivalent mutants (tools/mutation_equivalent.toml,
each with its reason) are counted as equivalent, not as survivors. killed_ratio is
(killed + timeout) / (mutants - equivalent - not_checked): a mutant that never finishes (a loop
that no longer ends) has been detected. Target: at least 0.90 in every module.

Not part of CI (too slow). Usage:
    make mutation                                   # every module below
    make mutation MODULES=jianguan/ledger/merkle.py # one (or several, space-separated)
    .venv/bin/python tools/mutation.py --again jianguan/ledger/merkle.py
        # after adding tests: keep mutants/ from the last run of that module, copy the new test
        # files in and re-run only its survivors (a killed mutant stays killed: tests were added)
    .venv/bin/python tools/mutation.py --resume jianguan/ledger/merkle.py
        # carry on an interrupted run in mutants/ (mutants not yet checked); stopping the mutmut
        # child (kill <its pid>, here or in a first run) still records a line, with
        # not_checked > 0 marking the figures as partial
    .venv/bin/python tools/mutation.py --tally jianguan/ledger/merkle.py
        # record the figures of the module's mutants/ as they stand (a run stopped with its
        # runner, or equivalents newly declared), running nothing
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "mutation.jsonl"
EQUIVALENT = ROOT / "tools" / "mutation_equivalent.toml"

# module -> its own tests (run inside mutants/, so paths are relative to the repository root)
MODULES: dict[str, list[str]] = {
    # The Merkle tree, split in three modules (issue 15): each against the same tests, less the
    # one known-answer test that records through the database (seconds of CPU a mutant).
    "jianguan/ledger/merkle.py": [
        "jianguan/ledger/tests/test_merkle.py",
        "jianguan/ledger/tests/test_merkle_errors.py",
        "jianguan/ledger/tests/test_known_answers.py",
        "jianguan/ledger/tests/test_merkle_edges.py",
        "-k",
        "not record_writes",
    ],
    "jianguan/ledger/merkle_consistency.py": [
        "jianguan/ledger/tests/test_merkle.py",
        "jianguan/ledger/tests/test_merkle_errors.py",
        "jianguan/ledger/tests/test_known_answers.py",
        "jianguan/ledger/tests/test_merkle_edges.py",
        "-k",
        "not record_writes",
    ],
    "jianguan/ledger/merkle_memory.py": [
        "jianguan/ledger/tests/test_merkle.py",
        "jianguan/ledger/tests/test_merkle_errors.py",
        "jianguan/ledger/tests/test_known_answers.py",
        "jianguan/ledger/tests/test_merkle_edges.py",
        "-k",
        "not record_writes",
    ],
    "jianguan/contracts/payments.py": ["jianguan/contracts/tests/test_payments_pure.py"],
    "jianguan/rules/workdays.py": [
        "jianguan/rules/tests/test_workdays.py",
        "jianguan/rules/tests/test_period_end.py",
    ],
    "jianguan/experts/draw.py": [
        "jianguan/experts/tests/test_draw.py",
        "jianguan/experts/tests/test_draw_edges.py",
        "jianguan/experts/tests/test_known_answers.py",
    ],
    "jianguan/tendering/workflow.py": ["jianguan/tendering/tests/test_workflow_edges.py"],
    "jianguan/contracts/workflow.py": ["jianguan/contracts/tests/test_workflow_edges.py"],
    "jianguan/tendering/evaluation/price_score.py": [
        "jianguan/tendering/evaluation/tests/test_price_score.py",
        "jianguan/tendering/evaluation/tests/test_price_score_edges.py",
        "jianguan/tendering/tests/test_known_answers.py",
    ],
    "jianguan/compliance/credit.py": [
        "jianguan/compliance/tests/test_credit_engine.py",
        "jianguan/compliance/tests/test_known_answers.py",
        "jianguan/compliance/tests/test_credit_edges.py",
    ],
    "jianguan/projects/workflow.py": [
        "jianguan/projects/tests/test_workflow.py",
        "jianguan/projects/tests/test_workflow_edges.py",
    ],
    # The rules themselves, without the database: test_warning_boundaries.py (the same limits
    # read from rule data) syncs every rule into the database in each test, and the recompute
    # tests of test_warnings.py go through the service: together 12 s a mutant, 90 min a run.
    "jianguan/projects/warnings.py": [
        "jianguan/projects/tests/test_warnings.py",
        "jianguan/projects/tests/test_warnings_edges.py",
        "-k",
        "not recompute and not raise_escalate and not open_findings and not periodic_job"
        " and not facts_providers and not register_services and not rule_data",
    ],
    "jianguan/registry/eligibility.py": [
        "jianguan/registry/tests/test_eligibility.py",
        "jianguan/registry/tests/test_eligibility_edges.py",
        # Not test_rule_boundaries.py: even its pure check reads the limit from rule data in the
        # database, and a session that opens the test database (migrate with --reuse-db still
        # walks every migration) costs several CPU seconds a mutant: 60 false timeouts.
    ],
    # The smart site (issue 17): the noise day/night limits and exceedance counts, the
    # GB 11643 identity check, and the wage sheet's rules — each against its pure tests.
    "jianguan/smartsite/limits.py": ["jianguan/smartsite/tests/test_limits.py"],
    "jianguan/smartsite/workers/idcard.py": ["jianguan/smartsite/tests/test_idcard.py"],
    "jianguan/smartsite/wages/workflow.py": ["jianguan/smartsite/tests/test_wages_workflow.py"],
}

STATUS = {
    "killed": "killed",
    "survived": "survived",
    "timeout": "timeout",
    "no tests": "no_tests",
    "not checked": "not_checked",  # only after an interrupted run: the figures are partial
}


def equivalents(module: str) -> dict[str, str]:
    """Declared equivalent mutants of a module: mutant name -> why it cannot be killed."""
    if not EQUIVALENT.exists():
        return {}
    data = tomllib.loads(EQUIVALENT.read_text("utf-8"))
    return {e["mutant"]: e["reason"] for e in data.get(module, [])}


def child(module: str, names: list[str]) -> None:
    """Run mutmut on one module (in this process: config narrowed before mutmut reads it)."""
    from mutmut import configuration

    cfg = configuration.config()
    configuration._config = dataclasses.replace(
        cfg,
        only_mutate=[module],
        pytest_add_cli_args_test_selection=list(MODULES[module]),
        # a test database migrated once per run, not once per mutant (tools/mutation_db.py)
        pytest_add_cli_args=[*cfg.pytest_add_cli_args, "-p", "mutation_db", "--reuse-db"],
    )
    from mutmut.__main__ import cli

    # A mutant may loop allocating (`1 << n` with n grown wild): cap each checked mutant's
    # address space, so it fails with MemoryError (detected) instead of starving the machine.
    cap = int(float(os.environ.get("MUTATION_MEMORY_GB", "4")) * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # MUTATION_JOBS: mutants checked at once (1 by default: the machine is shared)
    jobs = os.environ.get("MUTATION_JOBS", "1")
    cli(["run", "--max-children", jobs, *names], standalone_mode=False)


def tally(module: str) -> tuple[Counter, dict[str, int | None]]:
    from mutmut.stats import status_by_exit_code

    meta = json.loads((ROOT / "mutants" / (module + ".meta")).read_text("utf-8"))
    codes = meta["exit_code_by_key"]
    return Counter(status_by_exit_code[c] for c in codes.values()), codes


def run_child(module: str, names: list[str], resume: bool) -> None:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        TESTING="1",
        MUTATION_TEST_DB=str(ROOT / "mutants" / "mutation-test.sqlite3"),
    )
    with subprocess.Popen(
        [sys.executable, __file__, "--child", module, *names],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as proc:
        for line in proc.stdout:  # mutmut redraws a spinner with \r: keep each line's last state
            print(line.rstrip("\n").split("\r")[-1], flush=True)
    # A child stopped by a signal (kill <child pid>) leaves partial figures: recorded, with
    # not_checked > 0; any other failure stops the run.
    if proc.returncode > 0 and not resume:
        sys.exit(f"{module}: mutmut failed (exit {proc.returncode})")


def keep_verdicts(module: str, before: dict[str, int | None], rerun: set[str]) -> None:
    """After --again, give back the verdicts of the mutants that were not re-run.

    mutmut forgets every verdict when the test selection changes (a test file added to the
    module's MODULES entry): the mutants not named would read "not checked". Tests were only
    added, so what was killed stays killed and a declared equivalent stays one.
    """
    path = ROOT / "mutants" / (module + ".meta")
    meta = json.loads(path.read_text("utf-8"))
    codes = meta["exit_code_by_key"]
    for key, code in before.items():
        if key not in rerun and codes.get(key) is None:
            codes[key] = code
    path.write_text(json.dumps(meta, indent=4), "utf-8")


def one(module: str, again: bool = False, resume: bool = False, tally_only: bool = False) -> dict:
    names: list[str] = []
    if resume or tally_only:
        pass
    elif again:
        from mutmut.stats import status_by_exit_code

        _, codes = tally(module)
        declared = equivalents(module)
        names = [
            k
            for k, c in codes.items()
            if status_by_exit_code[c] in ("survived", "no tests") and k not in declared
        ]
        if not names:
            # Only declarations changed (a survivor now declared equivalent): nothing to run,
            # but the module's line is recorded again with the new tally.
            print(f"{module}: no undeclared survivor to re-run; recording the current tally")
        # test files (a node id's file too), not "-k" and its expression
        for test in {t.split("::")[0] for t in MODULES[module] if ".py" in t}:
            (ROOT / "mutants" / test).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / test, ROOT / "mutants" / test)
    else:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    start = time.monotonic()
    if names or not (again or tally_only):
        run_child(module, names, resume)
    if names:
        keep_verdicts(module, codes, set(names))
    seconds = round(time.monotonic() - start, 1)
    counts, codes = tally(module)
    from mutmut.stats import status_by_exit_code

    declared = equivalents(module)
    survivors = {k for k, c in codes.items() if status_by_exit_code[c] == "survived"}
    equivalent = sorted(survivors & declared.keys())
    stale = sorted(declared.keys() - set(codes))
    row = {"module": module, "mutants": len(codes)}
    for status, key in STATUS.items():
        row[key] = counts.get(status, 0)
    row["survived"] -= len(equivalent)
    row["equivalent"] = len(equivalent)
    other = len(codes) - sum(counts.get(s, 0) for s in STATUS)
    if other:
        row["other"] = other
    denominator = len(codes) - len(equivalent)
    detected = row["killed"] + row["timeout"]
    denominator -= row["not_checked"]
    row["killed_ratio"] = round(detected / denominator, 4) if denominator else 1.0
    if row["killed"] == 0 and len(codes):
        # Nothing killed at all means the tests imported the unmutated code (the editable
        # install) instead of mutants/: the figures would be meaningless.
        sys.exit(f"{module}: no mutant killed; are the tests importing mutants/?")
    row["seconds"] = seconds
    if again or resume or tally_only:
        # seconds: this run alone ("tally only": no mutant run, declarations re-counted)
        row["rerun"] = "resumed" if resume else "survivors only" if names else "tally only"
    row["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    left = sorted(survivors - declared.keys())
    if left:
        print(f"{module}: survivors not declared equivalent:", *left, sep="\n    ")
    if stale:
        print(f"{module}: declared equivalent but not a survivor now:", *stale, sep="\n    ")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all)")
    parser.add_argument("--again", action="store_true", help="re-run the last run's survivors")
    parser.add_argument("--resume", action="store_true", help="carry on an interrupted run")
    parser.add_argument(
        "--tally", action="store_true", help="record the figures of mutants/ as they stand"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.modules)
        return
    if (args.again or args.resume or args.tally) and len(args.modules) != 1:
        sys.exit("--again, --resume and --tally take the one module whose mutants/ copy is there")
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        sys.exit(f"no test mapping for {unknown}; add them to MODULES in tools/mutation.py")
    for module in args.modules or list(MODULES):
        row = one(module, args.again, args.resume, args.tally)
        print(json.dumps(row, ensure_ascii=False))
        with OUT.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
