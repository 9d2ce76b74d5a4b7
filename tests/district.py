"""The demo district, seeded once per test session for every test that asks for it.

`manage.py seed_demo` drives ~120 projects, tenders, committees and contracts through the
services (about 30 s on SQLite, more on PostgreSQL). Tests that read the demo ask for the
`demo_district` fixture instead of seeding it themselves:

- those tests are moved next to each other (after pytest-django's own ordering), so the
  district is built once, when the first of them starts;
- it is built inside one outer transaction that stays open while they run; each test's own
  transaction nests inside it (a savepoint), so whatever a test changes is rolled back and the
  next test sees the district as seeded;
- when the last of them ends, the outer transaction is rolled back: no other test ever sees
  the district, and its files (keys, uploads) live in their own temporary folder.

Tests that need a committed district (a live server for the browser) still seed their own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Every test whose fixtures reach the session district (directly or through `demo_district`).
FIXTURE = "_district"


@dataclass
class District:
    """What a test may want to know about the seeded district."""

    data_dir: Path
    media_root: Path
    output: str = ""
    _atomic: Any = field(default=None, repr=False)
    _settings: Any = field(default=None, repr=False)

    def seed(self) -> None:
        from django.core.management import call_command
        from django.db import transaction
        from django.test.utils import override_settings

        self._settings = override_settings(DATA_DIR=self.data_dir, MEDIA_ROOT=self.media_root)
        self._settings.enable()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        self.output = out.getvalue()

    def discard(self) -> None:
        from django.db import transaction

        if self._atomic is not None:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            self._atomic = None
        if self._settings is not None:
            self._settings.disable()
            self._settings = None


_CURRENT: dict[str, District] = {}
_BLOCKER: list[Any] = []


def _uses_district(item: pytest.Item) -> bool:
    return FIXTURE in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the district's tests together, where the first of them stood."""
    users = [i for i in items if _uses_district(i)]
    if not users:
        return
    first = items.index(users[0])
    rest = [i for i in items if not _uses_district(i)]
    items[:] = rest[:first] + users + rest[first:]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    if _CURRENT and _uses_district(item) and (nextitem is None or not _uses_district(nextitem)):
        _close()


def _close() -> None:
    district = _CURRENT.pop("district", None)
    if district is None:
        return
    with _BLOCKER[0].unblock():
        district.discard()


@pytest.fixture(scope="session")
def _district(django_db_setup, django_db_blocker, tmp_path_factory):
    """Session-scoped, so pytest sets it up before the test's own `db` transaction begins."""
    _BLOCKER[:] = [django_db_blocker]
    root = tmp_path_factory.mktemp("district")
    district = District(data_dir=root, media_root=root / "media")
    with django_db_blocker.unblock():
        district.seed()
    _CURRENT["district"] = district
    yield district
    _close()


@pytest.fixture
def demo_district(_district) -> District:
    """The seeded Daxing demo district (see the module docstring)."""
    assert _CURRENT.get("district") is _district, "the district's tests must run together"
    return _district
