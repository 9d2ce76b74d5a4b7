"""Shared fixtures (loaded from the root conftest): database checks, the ledger guard for flushes, and named personas."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from jianguan.core.actor import SYSTEM


def pytest_configure(config):
    os.environ.setdefault("TESTING", "1")


@pytest.fixture(scope="session", autouse=True)
def _database_is_what_ci_asked_for(django_db_setup, django_db_blocker):
    """REQUIRE_POSTGRES=1 turns a silent SQLite fallback into a failure."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        from django.db import connection

        assert connection.vendor == "postgresql", (
            "REQUIRE_POSTGRES=1 but the suite runs on " + connection.vendor
        )


@pytest.fixture(scope="session", autouse=True)
def _signing_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "ledger.pem"
    settings.LEDGER_SIGNING_KEY = str(path)
    from jianguan.ledger.keys import ensure_key

    ensure_key()
    return path


@pytest.fixture(scope="session", autouse=True)
def _ledger_unlocked_for_flush():
    """Transactional tests end with a flush; let that flush (only) empty the append-only tables.

    The guard is opened inside Django's flush itself, so it does not depend on the order in
    which pytest tears fixtures down (`transactional_db`, the `transaction=True` marker and
    `live_server` all flush after every autouse fixture of ours has run its teardown).
    """
    from jianguan.ledger import dbguard

    with dbguard.flush_allowed_for_tests():
        yield


@pytest.fixture
def system_actor():
    return SYSTEM


def _persona(username: str, org_kind: str, roles: list[str], org_name: str | None = None):
    from jianguan.accounts import services
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.tests.factories import OrganisationFactory

    org = OrganisationFactory(kind=org_kind, **({"name": org_name} if org_name else {}))
    user = services.user_create(
        actor=SYSTEM, username=username, password=PASSWORD, display_name=username
    )
    services.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=roles)
    return actor_for(user)


PASSWORD = "Persona-pass-2026"


@pytest.fixture
def regulator(db):
    """A regulator administrator (大兴区工程建设管理中心)."""
    return _persona("reg", "regulator", ["admin", "staff", "inspector"], "测试监管中心")


@pytest.fixture
def regulator_staff(db):
    return _persona("reg_staff", "regulator", ["staff"])


@pytest.fixture
def contractor(db):
    return _persona("gc", "general_contractor", ["admin", "staff"])


@pytest.fixture
def owner(db):
    return _persona("own", "owner", ["admin", "staff", "signer"])


@pytest.fixture
def auditor(db):
    return _persona("aud", "auditor", ["staff", "reviewer"])


@pytest.fixture
def persona_password():
    return PASSWORD


@pytest.fixture
def supervisor(db):
    return _persona("sup", "supervisor", ["admin", "staff", "signer"])


@pytest.fixture
def make_persona(db):
    """`make_persona(username, kind, roles, organisation=None)` -> Actor.

    With `organisation`, the user joins that existing organisation (e.g. the signer of a
    surveyor already on a project); otherwise a new organisation of `kind` is made."""
    from jianguan.accounts import services
    from jianguan.accounts.actors import actor_for

    def make(username: str, kind: str = "", roles=("staff",), organisation=None):
        if organisation is None:
            return _persona(username, kind, list(roles))
        user = services.user_create(
            actor=SYSTEM, username=username, password=PASSWORD, display_name=username
        )
        services.membership_grant(
            actor=SYSTEM, user=user, organisation=organisation, roles=list(roles)
        )
        return actor_for(user, organisation.pk)

    return make


@pytest.fixture
def bearer(db):
    """`bearer(actor)` -> request headers carrying a fresh API token for that persona."""
    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create

    def make(actor) -> dict[str, str]:
        user = User.objects.get(pk=actor.user_id)
        _, secret = api_token_create(actor=SYSTEM, user=user, name="test")
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def login_as(client, persona_password):
    """`login_as(actor)` -> the test client, signed in through the real login page."""

    def make(actor):
        response = client.post(
            "/accounts/login/", {"username": actor.username, "password": persona_password}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return make


@pytest.fixture(autouse=True)
def _uploads_in_tmp(request, settings, tmp_path_factory):
    """Uploaded files in tests go to a temporary folder, never into ./data/media (the demo
    district keeps the folder it was seeded with)."""
    if "_district" in request.fixturenames:
        return
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Each test starts with an empty cache: the menu badges are kept per user, organisation
    and day, and those repeat from test to test (ids roll back).
    The access matrix keeps its cache: its world is the same in every test (each request is
    rolled back), and it asks only who gets through, which badges do not change."""
    from django.core.cache import cache

    if "world" not in request.fixturenames:
        cache.clear()
