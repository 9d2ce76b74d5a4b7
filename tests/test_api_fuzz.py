"""The API is fuzzed against its own OpenAPI spec: no input may cause a 5xx, and every
error answer has the documented JSON shape {code, message, details} with a Chinese message.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def _check(response) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"code", "message"}, body
        assert isinstance(body["code"], str) and body["code"]
        assert CJK.search(body["message"]), body


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, whose request signals close "old" connections:
    on PostgreSQL that closed the test's own connection mid-transaction (autocommit off reads
    as obsolete). Django's test client disconnects these signals the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def regulator_token(regulator):
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM

    _, secret = api_token_create(actor=SYSTEM, user=regulator.user, name="fuzz")
    return secret


@schema.parametrize()
@FUZZ
def test_api_never_fails_with_a_token(case, regulator_token):
    response = case.call(headers={"Authorization": f"Bearer {regulator_token}"})
    _check(response)


@schema.parametrize()
@settings(FUZZ, max_examples=10)
def test_api_never_fails_anonymously(case, db):
    _check(case.call())
