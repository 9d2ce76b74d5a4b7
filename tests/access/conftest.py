"""The district for the access matrix: the session's demo district (tests/district.py) plus the
objects the matrix needs, made in one savepoint that is rolled back when the module ends, so
no other test sees them; each test runs in a savepoint of its own (``db``)."""

from __future__ import annotations

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def world(_district, django_db_blocker, _signing_key):
    from tests.access import world as w

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield w.build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
