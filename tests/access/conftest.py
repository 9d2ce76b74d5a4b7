"""The seeded district for the access matrix: built once per module inside one transaction that
is rolled back at the end, so no other test sees it; each test runs in a savepoint (``db``)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def _district(django_db_setup, django_db_blocker, tmp_path_factory, _signing_key):
    from tests.access import world as w

    data = tmp_path_factory.mktemp("matrix-data")
    with django_db_blocker.unblock(), override_settings(
        DATA_DIR=data, MEDIA_ROOT=data / "media"
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield w.build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(_district):
    """The district (named ``_district`` underneath so that the suite's per-test upload folder
    fixture leaves MEDIA_ROOT pointing at the files the demo wrote)."""
    return _district
