"""Known-answer vectors (issue 14) are computed by scripts in each app's tests/vectors/ that
re-implement the published algorithm; they must never import the code under test."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imported(script: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(script.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_vector_scripts_import_nothing_from_jianguan():
    scripts = sorted(ROOT.glob("jianguan/*/tests/vectors/*.py"))
    apps = {s.parts[-4] for s in scripts}
    assert {"compliance", "experts", "ledger", "tendering"} <= apps, apps
    for script in scripts:
        bad = [n for n in _imported(script) if n.split(".")[0] == "jianguan"]
        assert not bad, f"{script.relative_to(ROOT)} imports {bad}"
