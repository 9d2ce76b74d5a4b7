"""Issue 13, hole 4: an evaluation expert acts as a person, not for the employer.

The expert role holds only what an expert does (the dashboard, the rules, the directory, their
own committees and sheets); a membership whose roles are all personal makes the actor act for
no organisation, so no organisation-based predicate lets the employer's grants or projects
through. A member who is staff and expert in the same organisation still acts as staff.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from jianguan.accounts.actors import actor_for
from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.compliance.tests.test_services import _raise, site  # noqa: F401  (fixture)
from jianguan.core import permissions
from jianguan.core.actor import SYSTEM
from jianguan.experts import services as experts
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.test_services import member, world  # noqa: F401  (fixture)


@pytest.fixture
def cast(site):  # noqa: F811
    """The project's designer employs an expert; an audit firm employs another."""
    order = _raise(site, responsible_organisation=site["orgs"]["designer"])
    audit_firm = OrganisationFactory(kind="auditor")
    return {
        **site,
        "order": order,
        "designer_expert": member(site["orgs"]["designer"], "exp_design", ["expert"]),
        "audit_expert": member(audit_firm, "exp_audit", ["expert"]),
        "designer_staff": member(site["orgs"]["designer"], "des_staff", ["staff"]),
        "staff_expert": member(site["orgs"]["designer"], "des_both", ["staff", "expert"]),
    }


def test_registering_a_grant_for_every_role_is_refused(monkeypatch):
    monkeypatch.setattr(permissions, "_REGISTRY", permissions.registered())
    with pytest.raises(ValueError):
        permissions.register("test.everyone", "测试", [("*", "*")])
    with pytest.raises(ValueError):
        permissions.register("test.auditors", "测试", [("auditor", "*")])
    for name, grants in permissions.registered().items():
        assert all(role != "*" for _, role in grants), name


def test_a_pure_expert_acts_for_no_organisation(cast):
    expert = cast["audit_expert"]
    assert expert.organisation_id is None and expert.organisation is None
    assert expert.organisation_kind is None and expert.organisation_name  # shown, not acted for
    assert expert.roles == {"expert"}
    for name in ("ledger.view_all", "projects.view_all", "projects.view_own", "compliance.view"):
        assert not expert.can(name), name
    assert expert.can("dashboard.view")
    both = cast["staff_expert"]
    assert both.organisation_id == cast["orgs"]["designer"].pk and both.can("projects.view_own")


def test_an_audit_firms_expert_reads_no_ledger_entry_and_no_project(cast, client, bearer):
    h = bearer(cast["audit_expert"])
    project = cast["project"]
    entry = LedgerEntry.objects.get(type="project.created", object_id=str(project.pk))
    r = client.get(f"/api/v1/ledger/entries/{entry.index}", headers=h)
    assert r.status_code in (200, 403, 404)
    assert r.status_code != 200 or (r.json().get("withheld") and "entry" not in r.json())
    r = client.get("/api/v1/projects", headers=h)
    assert r.status_code == 403 or r.json()["count"] == 0
    assert client.get(f"/api/v1/projects/{project.pk}", headers=h).status_code in (403, 404)


def test_a_design_firms_expert_sees_neither_its_project_nor_its_orders(cast, client, bearer):
    project, order = cast["project"], cast["order"]
    # the firm's staff do (the fixture is sound) ...
    h = bearer(cast["designer_staff"])
    assert client.get(f"/api/v1/projects/{project.pk}", headers=h).status_code == 200
    assert client.get(f"/api/v1/compliance/orders/{order.pk}", headers=h).status_code == 200
    # ... and so does the member who is staff as well as expert
    h = bearer(cast["staff_expert"])
    assert client.get(f"/api/v1/projects/{project.pk}", headers=h).status_code == 200
    # the expert employed there does not
    h = bearer(cast["designer_expert"])
    assert client.get(f"/api/v1/projects/{project.pk}", headers=h).status_code in (403, 404)
    r = client.get("/api/v1/projects", headers=h)
    assert r.status_code == 403 or r.json()["count"] == 0
    r = client.get("/api/v1/compliance/orders", headers=h)
    assert r.status_code == 403 or r.json() == []
    for path in (
        f"/api/v1/compliance/orders/{order.pk}",
        f"/api/v1/compliance/orders/{order.pk}/pdf",
    ):
        assert client.get(path, headers=h).status_code in (403, 404), path
    client.force_login(cast["designer_expert"].user)
    for url in (
        reverse("projects:detail", args=[project.pk]),
        reverse("compliance:order", args=[order.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(reverse("web:dashboard")).status_code == 200
    me = client.get("/api/v1/me").json()
    assert me["organisation"] is None and me["roles"] == ["expert"]
    assert "dashboard.view" in me["permissions"] and "projects.view_own" not in me["permissions"]


def test_an_experts_own_acts_name_no_employer(cast):
    actor = cast["designer_expert"]
    expert = experts.expert_register(
        actor=SYSTEM,
        name="设计院专家",
        title="senior",
        experience_years=15,
        specialties_codes=["J01"],
        employer=cast["orgs"]["designer"],
        user=actor.user,
    )
    experts.declaration_add(
        actor=actor_for(actor.user),
        expert=expert,
        organisation_code=cast["orgs"]["owner"].credit_code,
        organisation_name=cast["orgs"]["owner"].name,
        relation="配偶任职",
    )
    entry = LedgerEntry.objects.filter(type="experts.declared").latest("index")
    assert entry.actor_user == actor.username and entry.actor_organisation == ""
