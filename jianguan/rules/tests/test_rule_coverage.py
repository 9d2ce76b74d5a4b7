"""Every rule code the code reads has a boundary test (issue 14, "Prove the law").

The check lists the codes the code reads: every string in ``jianguan/`` (tests and migrations
aside) that is a code of the rule data (``rule("…")``, ``rule_value("…")``, and codes kept in
tables such as ``DUE_DAY_CODES`` or ``min_invitees_rule``), every literal first argument of a
``rule``/``rule_value``/``rule_decimal`` call, and every f-string that builds codes
(``f"credit.points.{code}"`` is the family ``credit.points.*``).

A boundary test declares the codes it covers with ``@pytest.mark.rule("code", ...)`` (a family
as ``"credit.points.*"``), or a module-level ``COVERS = {...}``. A code the code reads that no
test covers and that is not in ``NOT_YET_COVERED`` fails; so does a covered code still listed
there, and a stale or misspelt entry.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "jianguan"
DATA = PACKAGE / "rules" / "data"
RULE_CALLS = {"rule", "rule_value", "rule_decimal"}
FAMILY = re.compile(r"[a-z0-9_]+(\.[a-z0-9_*]+)+")

# Codes read by the code that still lack a boundary test (limit and one unit each side, through
# the pure function and the service that applies it, citing the article). The next session
# continues from here: remove a code when its boundary test declares it. Never add a code here
# to make this test pass for new code: write its boundary test.
NOT_YET_COVERED: set[str] = set()
# Every code is covered. Where: tendering/tests/test_workflow.py (publication, sale,
# clarification, objections, bond cap, invitees, bidder count, withdrawal refund, late
# completion), tendering/tests/test_workflow_award.py (prequalification count, publicity, award
# dates, unsealing, abnormally low bids, collusion screens), tendering/tests/
# test_workflow_complaints.py, compliance/tests/test_credit_boundaries.py (score range, points
# and validity of every kind), compliance/tests/test_sanction_boundaries.py,
# compliance/tests/test_risk_rectification_boundaries.py, compliance/tests/test_sanctions.py
# (yellow card), contracts/tests/test_credit_audit_boundary.py and test_rule_boundaries_*.py,
# experts/tests/test_rule_boundaries.py, registry/tests/test_rule_boundaries.py,
# projects/tests/test_warning_boundaries.py and test_warranty_boundaries.py.


def data_codes() -> set[str]:
    out: set[str] = set()
    for path in DATA.glob("*.json"):
        out |= {item["code"] for item in json.loads(path.read_text(encoding="utf-8"))["rules"]}
    return out


def _source_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def read_codes(known: set[str]) -> dict[str, set[str]]:
    """{code or family pattern: files that read it}."""
    found: dict[str, set[str]] = {}
    for path in _source_files():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            code = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                code = node.value if node.value in known else None
            elif isinstance(node, ast.JoinedStr):
                pattern = "".join(
                    v.value if isinstance(v, ast.Constant) else "*" for v in node.values
                )
                if "*" in pattern and FAMILY.fullmatch(pattern) and fnmatch.filter(known, pattern):
                    code = pattern
            elif (
                isinstance(node, ast.Call)
                and _call_name(node) in RULE_CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                code = node.args[0].value  # a literal code, in the data or not
            if code:
                found.setdefault(code, set()).add(rel)
    return found


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def covered_codes() -> dict[str, set[str]]:
    """{code or family: test files that declare a boundary test for it}."""
    out: dict[str, set[str]] = {}
    for base in (PACKAGE, ROOT / "tests"):
        for path in sorted(base.rglob("test_*.py")):
            rel = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                codes: list[str] = []
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "rule"
                    and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "mark"
                ):
                    codes = [s for arg in node.args for s in _strings(arg)]
                elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "COVERS" for t in node.targets
                ):
                    codes = _strings(node.value)
                for code in codes:
                    out.setdefault(code, set()).add(rel)
    return out


def _matches(code: str, known: set[str]) -> bool:
    return bool(fnmatch.filter(known, code)) if "*" in code else code in known


def test_every_code_the_code_reads_is_in_the_rule_data():
    known = data_codes()
    missing = {c: sorted(f) for c, f in read_codes(known).items() if not _matches(c, known)}
    assert not missing, f"rule codes read by the code but absent from rule data: {missing}"


def test_every_code_the_code_reads_has_a_boundary_test():
    known = data_codes()
    read = read_codes(known)
    covered = covered_codes()
    lacking = {
        code: sorted(files)
        for code, files in sorted(read.items())
        if code not in covered and code not in NOT_YET_COVERED
    }
    assert not lacking, (
        "rule codes read by the code with no boundary test: declare one with "
        f'@pytest.mark.rule("code") on a test at the limit and one unit each side: {lacking}'
    )


def test_not_yet_covered_holds_only_uncovered_codes_the_code_reads():
    known = data_codes()
    read = read_codes(known)
    covered = covered_codes()
    now_covered = sorted(NOT_YET_COVERED & covered.keys())
    assert not now_covered, f"boundary tests exist: remove from NOT_YET_COVERED: {now_covered}"
    stale = sorted(NOT_YET_COVERED - read.keys())
    assert not stale, f"no longer read by the code: remove from NOT_YET_COVERED: {stale}"


def test_declared_codes_exist_in_the_rule_data():
    known = data_codes()
    unknown = {c: sorted(f) for c, f in covered_codes().items() if not _matches(c, known)}
    assert not unknown, f"boundary tests declare rule codes absent from rule data: {unknown}"


def test_the_scan_sees_what_it_must():
    """The scanner itself: known reads of each kind are found."""
    read = read_codes(data_codes())
    assert "jianguan/tendering/services/common.py" in read["tender.document_sale_min"]
    assert "credit.points.*" in read and "credit.validity.*" in read  # f-string families
    assert "tender.invited_bidders_min" in read  # a code kept as a class attribute
    assert "rectification.due_days_major" in read  # a code kept in a table
    covered = covered_codes()
    assert "jianguan/tendering/tests/test_workflow.py" in covered["tender.document_sale_min"]
