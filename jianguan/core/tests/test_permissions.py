"""Deny by default: the permission registry, the view decorator and the HTTP answers."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied as DjangoDenied
from django.http import HttpResponse
from django.test import RequestFactory

from jianguan.accounts.models import OrganisationKind, Role
from jianguan.core import permissions
from jianguan.core.actor import ANONYMOUS, SYSTEM, Actor
from jianguan.core.errors import PermissionDenied


def _actor(kind: str | None, *roles: str) -> Actor:
    return Actor(user_id=1, username="x", organisation_kind=kind, roles=frozenset(roles))


REGULATOR_ADMIN = _actor("regulator", "admin", "staff", "inspector")
CONTRACTOR_ADMIN = _actor("general_contractor", "admin", "staff")


@pytest.fixture
def scratch(monkeypatch):
    """Register throw-away permissions without leaking them into other tests."""
    monkeypatch.setattr(permissions, "_REGISTRY", permissions.registered())
    monkeypatch.setattr(permissions, "_LABELS", dict(permissions._LABELS))
    return permissions


def test_unregistered_permission_is_denied_to_everyone_but_system():
    name = "nobody.registered.this"
    assert name not in permissions.registered()
    for actor in (REGULATOR_ADMIN, CONTRACTOR_ADMIN, _actor("regulator", *Role.values)):
        assert not permissions.allowed(actor, name)
        assert not actor.can(name)
        with pytest.raises(PermissionDenied):
            permissions.require(actor, name)
    assert permissions.allowed(SYSTEM, name)
    permissions.require(SYSTEM, name)


def test_anonymous_is_denied_even_what_everyone_may_do():
    assert permissions.allowed(CONTRACTOR_ADMIN, "dashboard.view")
    assert not ANONYMOUS.is_authenticated
    assert not permissions.allowed(ANONYMOUS, "dashboard.view")
    assert not permissions.allowed(ANONYMOUS, "accounts.organisation.view")


def test_user_without_organisation_is_denied_wildcard_grants():
    homeless = Actor(user_id=7, username="h", roles=frozenset({"admin"}))
    assert homeless.is_authenticated
    assert not permissions.allowed(homeless, "dashboard.view")


def test_grants_match_kind_and_role(scratch):
    scratch.register("test.kind_role", "测试权限", [("regulator", "admin")])
    assert permissions.allowed(_actor("regulator", "admin"), "test.kind_role")
    assert not permissions.allowed(_actor("regulator", "staff"), "test.kind_role")
    assert not permissions.allowed(_actor("owner", "admin"), "test.kind_role")

    assert not permissions.allowed(_actor("owner"), "test.kind_role")

    scratch.register("test.any_kind", "测试权限", [("*", "reviewer")])
    assert permissions.allowed(_actor("auditor", "reviewer"), "test.any_kind")
    assert not permissions.allowed(_actor("auditor", "staff"), "test.any_kind")


def test_a_grant_names_its_role(scratch):
    """No role wildcard: a grant written (kind, "*") would cover roles added later, the
    evaluation expert's included (issue 13, hole 4)."""
    for grant in (("owner", "*"), ("*", "*"), ("*", "admn")):
        with pytest.raises(ValueError):
            scratch.register("test.any_role", "测试权限", [grant])
    with pytest.raises(ValueError):  # a personal role is not held for an organisation kind
        scratch.register("test.kind_expert", "测试权限", [("auditor", "expert")])
    assert "test.any_role" not in permissions.registered()
    scratch.register("test.roles", "测试权限", permissions.pairs("owner", ("admin", "staff")))
    assert permissions.registered()["test.roles"] == {("owner", "admin"), ("owner", "staff")}


def test_roles_are_the_accounts_roles():
    assert set(permissions.ROLES) == set(Role.values)
    assert not set(permissions.MEMBER_ROLES) & set(permissions.PERSONAL_ROLES)


def test_an_actor_without_organisation_holds_only_personal_grants(scratch):
    scratch.register("test.mixed", "测试权限", [("*", "staff"), ("*", "expert")])
    expert = Actor(user_id=8, username="e", roles=frozenset({"expert"}))
    assert permissions.allowed(expert, "test.mixed")
    assert permissions.allowed(expert, "dashboard.view")
    assert not permissions.allowed(Actor(user_id=9, roles=frozenset({"staff"})), "test.mixed")
    for name in ("ledger.view_all", "projects.view_all", "projects.view_own", "contracts.view"):
        assert not permissions.allowed(expert, name), name
        # nor when the actor (wrongly) carried its employer's kind
        assert not permissions.allowed(_actor("auditor", "expert"), name), name


def test_register_adds_grants_rather_than_replacing(scratch):
    scratch.register("test.add", "测试权限", [("owner", "admin")])
    scratch.register("test.add", "测试权限", [("designer", "admin")])
    assert permissions.allowed(_actor("owner", "admin"), "test.add")
    assert permissions.allowed(_actor("designer", "admin"), "test.add")


def test_require_raises_a_chinese_domain_error():
    with pytest.raises(PermissionDenied) as info:
        permissions.require(CONTRACTOR_ADMIN, "accounts.organisation.create")
    assert info.value.status == 403
    assert info.value.code == "permission_denied"
    assert info.value.message == "无权执行此操作：登记机构"


def test_every_registered_grant_names_a_real_kind_and_role():
    """A typo in a grant (e.g. "regulater") would silently deny: catch it here."""
    kinds = set(OrganisationKind.values) | {"*"}
    roles = set(Role.values)
    registry = permissions.registered()
    assert {"dashboard.view", "accounts.organisation.create", "ledger.view_all"} <= set(registry)
    for name, grants in registry.items():
        assert grants, name
        assert permissions.label(name) != name, f"{name} has no Chinese label"
        for kind, role in grants:
            assert kind in kinds, (name, kind)
            assert role in roles, (name, role)


def test_regulator_grants_are_as_designed():
    assert permissions.allowed(REGULATOR_ADMIN, "accounts.organisation.create")
    assert permissions.allowed(_actor("regulator", "staff"), "accounts.organisation.create")
    assert not permissions.allowed(_actor("regulator", "inspector"), "accounts.user.create")
    assert not permissions.allowed(CONTRACTOR_ADMIN, "accounts.organisation.create")
    assert not permissions.allowed(CONTRACTOR_ADMIN, "ledger.view_all")
    assert permissions.allowed(_actor("auditor", "staff"), "ledger.view_all")


# --- the view decorator --------------------------------------------------------------------


def _view(request):
    return HttpResponse("ok")


def _request(actor):
    request = RequestFactory().get("/somewhere/?a=1")
    request.actor = actor
    return request


def test_decorator_sends_anonymous_to_login():
    response = permissions.permission_required("dashboard.view")(_view)(_request(ANONYMOUS))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "somewhere" in response["Location"]


def test_decorator_refuses_with_chinese_message():
    wrapped = permissions.permission_required("accounts.organisation.create")(_view)
    with pytest.raises(DjangoDenied, match="无权访问：登记机构"):
        wrapped(_request(CONTRACTOR_ADMIN))
    assert wrapped(_request(REGULATOR_ADMIN)).content == b"ok"
    assert wrapped.__name__ == "_view"


# --- services, pages and the API agree -----------------------------------------------------


def test_contractor_cannot_create_organisations_through_the_service(contractor):
    from jianguan.accounts import services
    from jianguan.accounts.models import Organisation
    from jianguan.accounts.tests.factories import _code
    from jianguan.ledger.models import LedgerEntry

    before = (Organisation.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=contractor,
            name="越权登记的公司",
            kind="owner",
            credit_code=_code(1),
            legal_representative="李四",
        )
    assert (Organisation.objects.count(), LedgerEntry.objects.count()) == before


def test_contractor_gets_a_chinese_403_page(contractor, login_as):
    client = login_as(contractor)
    for method, url in (
        ("get", "/accounts/organisations/new/"),
        ("post", "/accounts/organisations/new/"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "无权访问" in html
        assert "登记机构" in html


def test_contractor_gets_403_json_from_the_api(client, contractor, bearer):
    from jianguan.accounts.models import Organisation
    from jianguan.accounts.tests.factories import _code

    count = Organisation.objects.count()
    response = client.post(
        "/api/v1/organisations",
        {"name": "越权", "kind": "owner", "credit_code": _code(2), "legal_representative": "李"},
        content_type="application/json",
        headers=bearer(contractor),
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert "无权" in body["message"]
    assert Organisation.objects.count() == count


@pytest.mark.django_db
def test_anonymous_page_redirects_to_login(client):
    for url in ("/", "/accounts/organisations/", "/accounts/organisations/new/", "/ledger/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.django_db
def test_anonymous_api_gets_401_json(client):
    for url in ("/api/v1/me", "/api/v1/organisations", "/api/v1/organisations/1"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "unauthenticated"
    response = client.post("/api/v1/organisations", {}, content_type="application/json")
    assert response.status_code == 401


def test_grant_table_is_generated_from_the_registry():
    from django.core.management import call_command

    from jianguan.core.management.commands.grant_table import holders

    out = io.StringIO()
    call_command("grant_table", stdout=out)
    rows = [r for r in out.getvalue().splitlines() if r.startswith("| `")]
    assert len(rows) == len(permissions.registered())
    assert any(
        r.startswith("| `dashboard.view` | 查看工作台 | *: all members, expert |") for r in rows
    )
    assert holders({("regulator", "admin"), ("*", "expert")}) == "*: expert; regulator: admin"
