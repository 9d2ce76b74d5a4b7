"""pytest plugin for `make mutation` only (tools/mutation.py loads it with `-p mutation_db`).

mutmut runs the selected tests once per mutant, each time in a fresh pytest session: with the
SQLite test database in memory (what `make test` and CI use) every mutant whose tests touch
the database would migrate a new one (about 10 s). Under mutation the test database is a file
(MUTATION_TEST_DB, inside mutants/, so each full run starts from a new one) and pytest-django
is given --reuse-db: the first session migrates it, every later one opens it as it is. Tests
still run inside transactions that are rolled back, so each sees the database as migrated.
Without MUTATION_TEST_DB, or on PostgreSQL, this plugin changes nothing.
"""

from __future__ import annotations

import os


def pytest_configure(config) -> None:
    path = os.environ.get("MUTATION_TEST_DB")
    if not path:
        return
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = path
