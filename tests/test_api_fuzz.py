"""The API is fuzzed against its own OpenAPI spec, as a regulator, as a general contractor and
anonymously: no input may cause a 5xx; every answer has a documented status code and content
type and matches its documented schema (schemathesis' response checks); every error answer
has the JSON shape {code, message, details} with a Chinese message.

Examples per operation are kept small so that the whole file runs in about two minutes per
database in CI; `bench/api_fuzz.py` runs the same checks with many more examples.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CJK = re.compile(r"[\u4e00-\u9fff]")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def check(case, response) -> None:
    """The response checks of schemathesis, then the error shape of this API."""
    case.validate_response(response, checks=CHECKS)
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


def _token(actor) -> str:
    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM

    _, secret = api_token_create(actor=SYSTEM, user=User.objects.get(pk=actor.user_id), name="fuzz")
    return secret


@pytest.fixture
def regulator_token(regulator):
    return _token(regulator)


@pytest.fixture
def contractor_token(contractor):
    return _token(contractor)


@schema.parametrize()
@FUZZ
def test_api_never_fails_with_a_token(case, regulator_token):
    response = case.call(headers={"Authorization": f"Bearer {regulator_token}"})
    check(case, response)


@schema.parametrize()
@settings(FUZZ, max_examples=4)
def test_api_never_fails_for_a_contractor(case, contractor_token):
    response = case.call(headers={"Authorization": f"Bearer {contractor_token}"})
    check(case, response)


@schema.parametrize()
@settings(FUZZ, max_examples=3)
def test_api_never_fails_anonymously(case, db):
    check(case, case.call())
