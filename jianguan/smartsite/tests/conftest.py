"""Fixtures the smart site's page tests share."""

from __future__ import annotations

import pytest


@pytest.fixture
def login(client):
    """Signs the test client in as an actor made by the helpers (their one password)."""

    def as_(actor):
        client.logout()
        r = client.post(
            "/accounts/login/", {"username": actor.username, "password": "Persona-pass-2026"}
        )
        assert r.status_code == 302
        return client

    return as_
