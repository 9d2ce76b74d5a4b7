"""Every operation in the OpenAPI document is reachable: no path shadows another.

A parametrised path registered before a fixed one (``/sanctions/{id}`` before
``/sanctions/cards``) swallows it, and the fixed operation answers 405 to every client.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_no_documented_operation_answers_405(client):
    from config.api import api

    schema = api.get_openapi_schema()
    shadowed = []
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = getattr(client, method)(url, content_type="application/json")
            if response.status_code == 405:
                shadowed.append(f"{method.upper()} {path}")
    assert shadowed == []
