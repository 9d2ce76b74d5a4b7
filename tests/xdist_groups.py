"""Groups for pytest-xdist (CI runs each database's suite as `-n 2 --dist loadgroup`).

- the demo district's tests (tests/district.py) form one group, so one worker seeds the
  district once and runs them back to back;
- a test with a module- or class-scoped fixture goes with its module, so that fixture is built
  by one worker only;
- every other test goes to whichever worker is free.

pytest-xdist's own `xdist_group` mark renames the test's node id, which pytest 9 no longer
allows (`Item.nodeid` is derived from `Item._id`), so the marks do nothing. Instead each worker
writes the groups of what it collected to a file the controller named, and the controller's
scheduler reads it when it splits the tests into work units (after every worker has collected).
"""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from xdist.scheduler import LoadScopeScheduling

from tests.district import FIXTURE

_ENV = "JIANGUAN_XDIST_GROUPS"


def _group(item: pytest.Item) -> str | None:
    if FIXTURE in getattr(item, "fixturenames", ()):
        return "district"
    info = getattr(item, "_fixtureinfo", None)
    for defs in info.name2fixturedefs.values() if info is not None else ():
        # pytest-django's class-scoped unittest helper is not a fixture the tests share.
        if defs and defs[-1].scope in ("module", "class", "package"):
            if not defs[-1].argname.startswith("_django"):
                return item.nodeid.split("::", 1)[0]
    return None


def _grouping(config: pytest.Config) -> bool:
    return config.getoption("dist", "no") == "loadgroup" or bool(os.environ.get(_ENV))


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("dist", "no") == "loadgroup" and not os.environ.get("PYTEST_XDIST_WORKER"):
        # The controller: workers start after this and inherit the environment.
        fd, path = tempfile.mkstemp(prefix="jianguan-xdist-", suffix=".json")
        os.close(fd)
        os.environ[_ENV] = path
        config.add_cleanup(lambda: os.path.exists(path) and os.unlink(path))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    path = os.environ.get(_ENV)
    if not path or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    groups = {item.nodeid: g for item in items if (g := _group(item)) is not None}
    tmp = f"{path}.{os.environ['PYTEST_XDIST_WORKER']}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(groups, f)
    os.replace(tmp, path)  # every worker collects the same tests: the last write is as good


class _GroupScheduling(LoadScopeScheduling):
    """LoadScopeScheduling whose work units are the groups above (a test alone otherwise)."""

    _groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:
            with open(os.environ[_ENV], encoding="utf-8") as f:
                self._groups = json.load(f)
        return self._groups.get(nodeid, nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getoption("dist", "no") != "loadgroup":
        return None
    return _GroupScheduling(config, log)
