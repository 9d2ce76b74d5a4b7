"""`manage.py seed_demo`: the Daxing demo district, idempotent."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from jianguan.accounts import credit_code as cc
from jianguan.accounts.models import Membership, Organisation, OrganisationKind, Town, User
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

USERNAMES = (
    ["regulator", "owner", "contractor", "subcontractor", "supervisor", "designer"]
    + ["finance", "auditor", "agency", "insurer"]
    + [f"expert{i}" for i in range(1, 10)]
    + [f"bidder{i}" for i in range(1, 7)]
)


@pytest.fixture(autouse=True)
def _accounts_seeder_only(monkeypatch):
    """The command with only the accounts seeder: towns, organisations, users.

    Other apps register their own seeders (jianguan.core.demo; projects adds ~120 projects with their
    whole history, tens of seconds); they test those themselves, and the browser journeys
    run the full command.
    """
    from jianguan.core import demo

    only = {"accounts": demo._SEEDERS["accounts"]}
    monkeypatch.setattr(demo, "_SEEDERS", only)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot():
    return (
        Town.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        LedgerEntry.objects.count(),
        sorted(Membership.objects.values_list("user__username", "organisation_id", "roles")),
    )


def test_seed_demo_builds_the_daxing_district_once(client):
    output = _seed()
    assert settings.DEMO_PASSWORD in output
    assert "regulator" in output

    towns = set(Town.objects.values_list("name", flat=True))
    assert len(towns) == 22
    assert {"西红门镇", "旧宫镇", "黄村镇", "亦庄镇", "魏善庄镇", "兴丰街道", "天宫院街道"} <= towns

    orgs = list(Organisation.objects.all())
    assert len(orgs) == 40
    assert {o.kind for o in orgs} == set(OrganisationKind.values)
    for org in orgs:
        assert cc.is_valid(org.credit_code), (org.name, org.credit_code)
        assert org.credit_code[2:8] == "110115"  # 大兴区
        assert org.town is not None
        assert org.legal_representative
    assert Organisation.objects.get(name="北京市大兴区工程建设管理中心").kind == "regulator"

    users = {u.username: u for u in User.objects.all()}
    assert set(USERNAMES) <= set(users)
    for name in USERNAMES:
        assert users[name].check_password(settings.DEMO_PASSWORD), name
        assert Membership.objects.filter(user=users[name], is_active=True).exists(), name
    assert authenticate(username="regulator", password=settings.DEMO_PASSWORD) == users["regulator"]
    reg = Membership.objects.get(user=users["regulator"])
    assert reg.organisation.kind == "regulator"
    assert set(reg.roles) >= {"admin"}
    assert (
        Membership.objects.get(user=users["contractor"]).organisation.kind == "general_contractor"
    )
    assert Membership.objects.get(user=users["expert1"]).roles == ["expert"]

    # Every organisation was registered through the service, so it is on the ledger.
    created = LedgerEntry.objects.filter(type="organisation.created").count()
    assert created == 40

    # The demo login works through the real login page.
    response = client.post(
        "/accounts/login/", {"username": "regulator", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "王监管" in client.get("/").content.decode()

    # Running it again creates nothing new.
    before = _snapshot()
    _seed()
    assert _snapshot() == before


def test_seed_demo_if_empty_skips_a_populated_database(regulator):
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert not Town.objects.filter(name="西红门镇").exists()
    assert not User.objects.filter(username="regulator").exists()
