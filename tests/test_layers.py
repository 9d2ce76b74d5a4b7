"""Dependencies point down (DESIGN.md, "Dependencies point down" and "Registries, not upward
imports"), held by reading every module's imports.

- ``core``, ``rules`` and ``ledger`` know no domain app;
- ``accounts`` knows only those three; ``projects`` (the spine) knows none of the apps that hang
  on it (tendering, contracts, compliance, experts, and those to come);
- nobody imports a module by name (``__import__``, ``importlib.import_module``) except a
  registry's own loading code, listed in LOADERS.

An app that must be asked by a lower one registers with that one's registry instead (lifecycle
guards, facts, navigation, visibility, demo seeders, the actor hooks in ``core.actor``).
Tests and migrations are not held to this: a test may build a whole district.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "jianguan"

BASE = {"core", "rules", "ledger"}
# What each lower app may import, besides itself. web.nav is the navigation registry,
# web.panels the dashboard's.
ALLOWED = {
    "core": set(),
    "ledger": {"core"},
    "rules": {"core", "ledger"},
    "accounts": BASE | {"web.nav"},
    # The workbench (notifications, search) sits above accounts and below every domain app.
    "workbench": BASE | {"accounts", "web.nav"},
    "projects": BASE | {"accounts", "workbench", "web.nav", "web.panels"},
}
# The registries' loaders: the demo seeders ("module:function" paths) and the configured SMS
# sender class (settings.SMS_SENDER).
LOADERS = {"jianguan/core/demo.py", "jianguan/workbench/notifications/senders.py"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield parts[0], path, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.AST) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            out.update(n for n in names if n.startswith("jianguan."))
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("jianguan."))
    return out


def _allowed(target: str, app: str) -> bool:
    rest = target.split(".", 1)[1]
    if rest.split(".")[0] == app:
        return True
    return any(rest == a or rest.startswith(a + ".") for a in ALLOWED[app])


def upward_imports() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app, path, tree in _modules():
        if app not in ALLOWED:
            continue
        # "from jianguan.web import nav" is allowed as web.nav; the bare module is not.
        targets = {t for t in _imports(tree) if not _allowed(t, app)}
        bad = sorted(t for t in targets if not any(_allowed(u, app) for u in _children(t, targets)))
        if bad:
            found[path.relative_to(ROOT).as_posix()] = bad
    return found


def _children(target: str, targets: set[str]) -> list[str]:
    return [t for t in targets if t.startswith(target + ".")]


def imports_by_name() -> dict[str, int]:
    found: dict[str, int] = {}
    for _app, path, tree in _modules():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ("__import__", "import_module") and rel not in LOADERS:
                found[rel] = node.lineno
    return found


def test_lower_layers_import_no_app_above_them():
    assert not upward_imports(), (
        "an upward import: offer a registry (or hook) in the lower app and register with it "
        f"from the upper app's AppConfig.ready(): {upward_imports()}"
    )


def test_nobody_imports_a_module_by_name_outside_the_registries_loaders():
    assert not imports_by_name(), (
        f"__import__/import_module hides an import from the dependency graph: {imports_by_name()}"
    )


def test_the_checks_see_what_they_must():
    """Planted faults of both kinds are found (a check that finds nothing proves nothing)."""
    tree = ast.parse("from jianguan.accounts.actors import actor_for\nimport jianguan.web.nav\n")
    assert _imports(tree) == {
        "jianguan.accounts.actors",
        "jianguan.accounts.actors.actor_for",
        "jianguan.web.nav",
    }
    assert not _allowed("jianguan.accounts.actors", "core")
    assert not _allowed("jianguan.tendering.models", "projects")
    assert _allowed("jianguan.web.nav", "projects")
    assert not _allowed("jianguan.web.views", "projects")
    assert _allowed("jianguan.ledger.services", "rules")
    assert not _allowed("jianguan.rules.lookup", "ledger")
