"""Registry services with a database: permissions, the one-active-project rule, unlawful
criteria, eligibility from the database and the ledger entries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.registry import hooks, selectors, services
from jianguan.registry.tests.conftest import constructor

pytestmark = pytest.mark.usefixtures("rules_loaded")


def qual(actor, org, today, **over):
    fields = dict(
        category="建筑工程施工总承包",
        grade="一级",
        number="D211000001",
        issuer="住房和城乡建设部",
        valid_from=today - dt.timedelta(days=100),
        valid_to=today + dt.timedelta(days=500),
    )
    fields.update(over)
    return services.qualification_add(actor=actor, organisation=org, **fields)


def entries(type_):
    return LedgerEntry.objects.filter(type=type_).count()


def test_own_organisation_and_regulator_may_write_others_not(contractor, regulator, owner, today):
    org = contractor.organisation
    q = qual(contractor, org, today)
    assert entries("qualification.added") == 1
    qual(regulator, org, today, number="D2")
    with pytest.raises(PermissionDenied):
        qual(owner, org, today, number="D3")
    with pytest.raises(PermissionDenied):
        services.qualification_update(actor=owner, qualification=q, grade="特级")
    services.qualification_update(actor=contractor, qualification=q, grade="特级")
    q.refresh_from_db()
    assert q.grade == "特级"
    entry = LedgerEntry.objects.filter(type="qualification.updated").get()
    document = json.loads(bytes(entry.leaf_input))
    assert document["payload"]["changes"]["grade"] == ["一级", "特级"]


def test_bad_input_changes_nothing(contractor, today):
    org = contractor.organisation
    with pytest.raises(ValidationFailed, match="资质等级"):
        qual(contractor, org, today, grade="四级")
    with pytest.raises(ValidationFailed, match="早于"):
        qual(contractor, org, today, valid_to=today - dt.timedelta(days=200))
    qual(contractor, org, today)
    with pytest.raises(Conflict):
        qual(contractor, org, today)
    with pytest.raises(ValidationFailed, match="脱敏"):
        constructor(org, id_number_masked="110115199001011234")
    with pytest.raises(ValidationFailed, match="等级"):
        constructor(org, grade="")
    assert entries("qualification.added") == 1
    assert entries("registered_person.registered") == 0


def test_licence_and_person_write_ledger(contractor, today):
    org = contractor.organisation
    services.safety_licence_add(
        actor=contractor,
        organisation=org,
        number="（京）JZ安许证字〔2024〕000001",
        issuer="北京市住房和城乡建设委员会",
        valid_from=today - dt.timedelta(days=10),
        valid_to=today + dt.timedelta(days=1000),
    )
    constructor(org)
    with pytest.raises(Conflict):
        constructor(org)
    assert entries("safety_licence.added") == 1
    assert entries("registered_person.registered") == 1


def test_constructor_may_lead_one_active_project_only(contractor, make_project, today):
    org = contractor.organisation
    person = constructor(org)
    first, second = make_project(), make_project()
    services.person_assign(
        actor=contractor, person=person, project=first, role="project_manager", start=today
    )
    with pytest.raises(Conflict) as caught:
        services.person_assign(
            actor=contractor, person=person, project=second, role="project_manager", start=today
        )
    assert caught.value.code == "constructor_already_leading"
    assert "第二十一条" in caught.value.message
    # Other roles are not limited; an ended assignment frees the constructor.
    services.person_assign(
        actor=contractor, person=person, project=second, role="technical_lead", start=today
    )
    other = constructor(org, cert="京JZ0002", name="李志强")
    services.person_assign(
        actor=contractor,
        person=other,
        project=first,
        role="project_manager",
        start=today - dt.timedelta(days=300),
        end=today - dt.timedelta(days=10),
    )
    services.person_assign(
        actor=contractor, person=other, project=second, role="project_manager", start=today
    )
    assert entries("registered_person.assigned") == 4


def test_assignment_refuses_expired_certificate_and_bad_dates(contractor, make_project, today):
    person = constructor(contractor.organisation, valid_to=today - dt.timedelta(days=1))
    project = make_project()
    with pytest.raises(ValidationFailed, match="过期"):
        services.person_assign(
            actor=contractor, person=person, project=project, role="project_manager", start=today
        )
    fresh = constructor(contractor.organisation, cert="京JZ9")
    with pytest.raises(ValidationFailed, match="早于"):
        services.person_assign(
            actor=contractor,
            person=fresh,
            project=project,
            role="project_manager",
            start=today,
            end=today - dt.timedelta(days=1),
        )


def test_unlawful_standard_refused_citing_the_articles(regulator, contractor):
    with pytest.raises(ValidationFailed) as caught:
        services.access_standard_define(
            actor=regulator, name="本地企业优先", criteria={"region": "大兴区"}
        )
    assert caught.value.code == "unlawful_criteria"
    assert "《中华人民共和国招标投标法实施条例》第三十二条" in caught.value.message
    assert "《北京市招标投标条例》第二十条" in caught.value.message
    with pytest.raises(PermissionDenied):
        services.access_standard_define(actor=contractor, name="x", criteria={})
    standard = services.access_standard_define(
        actor=regulator, name="房建二级", criteria={"safety_licence": True}
    )
    assert standard.criteria == {"safety_licence": True}
    assert entries("access_standard.defined") == 1


@pytest.fixture
def providers():
    saved = dict(hooks._HOOKS)  # the compliance app registers the real sanction provider
    hooks.register_credit_score_provider(lambda org, on: Decimal("85"))
    hooks.register_sanction_provider(lambda org, on: [])
    yield
    hooks._HOOKS.update(saved)


def test_eligibility_from_the_database(regulator, contractor, make_project, today):
    org = contractor.organisation
    standard = services.access_standard_define(
        actor=regulator,
        name="房建一级",
        criteria={
            "qualification": {"category": "建筑工程施工总承包", "min_grade": "一级"},
            "safety_licence": True,
            "registered_constructor": {"min_grade": "一级"},
            "min_credit_score": "900",
            "no_sanctions": True,
        },
    )
    result = selectors.eligibility(org, standard, on=today)
    assert not result["passed"]
    assert len(result["reasons"]) == 5  # every criterion, not only the first failure
    qual(contractor, org, today)
    person = constructor(org)
    result = selectors.eligibility(org, standard, on=today)
    failed = {r["criterion"] for r in result["reasons"] if not r["passed"]}
    # the compliance app's scores: a new organisation has the base score, below 900
    assert failed == {"safety_licence", "credit_score"}
    score = next(r for r in result["reasons"] if r["criterion"] == "credit_score")
    assert "800.00" in score["message_zh"] and "低于" in score["message_zh"]
    services.person_assign(
        actor=contractor, person=person, project=make_project(), role="project_manager", start=today
    )
    failed = {
        r["criterion"]
        for r in selectors.eligibility(org, standard, on=today)["reasons"]
        if not r["passed"]
    }
    assert "registered_constructor" in failed


def test_eligibility_with_providers(regulator, contractor, today, providers):
    org = contractor.organisation
    standard = services.access_standard_define(
        actor=regulator, name="信用", criteria={"min_credit_score": "80", "no_sanctions": True}
    )
    assert selectors.eligibility(org, standard, on=today)["passed"]
    hooks.register_sanction_provider(lambda o, on: ["黄牌（2026-01-01 至 2026-12-31）"])
    result = selectors.eligibility(org, standard, on=today)
    assert not result["passed"] and "黄牌" in result["reasons"][1]["message_zh"]


def test_expiring(contractor, today):
    org = contractor.organisation
    qual(contractor, org, today, valid_to=today + dt.timedelta(days=20))
    qual(contractor, org, today, number="X2", category="市政公用工程施工总承包")
    constructor(org, valid_to=today - dt.timedelta(days=3))
    items = selectors.expiring(today, 30)
    assert [i["days_left"] for i in items] == [-3, 20]
    assert selectors.expiring(today, 30, OrganisationFactory()) == []


def test_system_actor_may_do_everything(contractor, today):
    """The system actor (imports, the clock) maintains any organisation's credentials: the
    write happens, with its ledger entry, and so does a change."""
    org = contractor.organisation
    before = LedgerEntry.objects.filter(type="qualification.added").count()
    q = qual(SYSTEM, org, today)
    q.refresh_from_db()
    assert q.organisation_id == org.pk and q.number == "D211000001"
    assert LedgerEntry.objects.filter(type="qualification.added").count() == before + 1
    changed = services.qualification_update(actor=SYSTEM, qualification=q, grade="特级")
    assert changed.grade == "特级"
    assert LedgerEntry.objects.filter(type="qualification.updated").count() >= 1
