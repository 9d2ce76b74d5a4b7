"""Fixtures of the register API tests (test_api.py, test_api_checks.py)."""

import pytest

from jianguan.projects.tests.api_client import Api


@pytest.fixture
def as_(client, bearer):
    return lambda actor: Api(client, bearer(actor))


@pytest.fixture
def town(db):
    from jianguan.accounts.tests.factories import TownFactory

    return TownFactory(name="黄村镇")


@pytest.fixture
def rules_loaded(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()
