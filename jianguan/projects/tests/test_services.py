"""Project register services with a database: the lifecycle journey and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts import services as accounts
from jianguan.accounts.actors import actor_for
from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
from jianguan.core.actor import SYSTEM
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services
from jianguan.projects.models import KeyNode, Project, ProjectLead, WarrantyClock
from jianguan.rules.services import rules_sync_from_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
D = dt.date


def pdf(name="f.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def member(org, username, roles):
    user = accounts.user_create(actor=SYSTEM, username=username, password="Persona-pass-2026")
    accounts.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=roles)
    return actor_for(user)


@pytest.fixture
def world(db):
    rules_sync_from_data()
    town = TownFactory(name="黄村镇")
    orgs = {
        kind: OrganisationFactory(kind=kind)
        for kind in (
            "owner",
            "surveyor",
            "designer",
            "general_contractor",
            "supervisor",
            "regulator",
        )
    }
    orgs["other_supervisor"] = OrganisationFactory(kind="supervisor")
    orgs["other_owner"] = OrganisationFactory(kind="owner")
    actors = {
        "owner": member(orgs["owner"], "own1", ["admin", "staff", "signer"]),
        "other_owner": member(orgs["other_owner"], "own2", ["admin", "staff"]),
        "supervisor": member(orgs["supervisor"], "sup1", ["staff", "signer"]),
        "other_supervisor": member(orgs["other_supervisor"], "sup2", ["staff", "signer"]),
        "regulator": member(orgs["regulator"], "reg1", ["staff", "inspector"]),
        "contractor": member(orgs["general_contractor"], "gc1", ["admin", "staff", "signer"]),
    }
    return {"town": town, "orgs": orgs, "actors": actors}


def create(world, **over):
    args = dict(
        actor=world["actors"]["owner"],
        name="大兴区第一小学扩建工程",
        type="building",
        funding="government",
        budget="35600000.00",
        town=world["town"],
        longitude="116.3312",
        latitude="39.7268",
        owner=world["orgs"]["owner"],
    )
    args.update(over)
    return services.project_create(**args)


def to_construction_ready(world, project):
    owner = world["actors"]["owner"]
    for role in ("surveyor", "designer", "general_contractor", "supervisor"):
        services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    for party in ("owner", "surveyor", "designer", "general_contractor", "supervisor"):
        services.lead_file(
            actor=owner,
            project=project,
            party=party,
            person_name=f"{party}负责人",
            certificate_number=f"CERT-{party}",
            authorisation=pdf(),
            commitment=pdf(),
            started_on=D(2026, 1, 5),
        )
    services.project_update(
        actor=owner,
        project=project,
        approval_document="京兴发改〔2026〕8号",
        design_review_document="施审-2026-01",
        construction_permit="110115202601050101",
        construction_contract_ref="HT-2026-001",
    )
    for stage in ("design", "tendering"):
        project = services.project_transition(actor=owner, project=project, target=stage)
    return project


def test_create_generates_code_key_nodes_and_ledger(world):
    project = create(world)
    assert project.code.startswith("DX-") and project.code.endswith("-0001")
    assert create(world, name="第二个项目").code.endswith("-0002")
    assert [n.name for n in project.key_nodes.all()][:3] == [
        "桩基完成",
        "基础验收",
        "主体结构验收/主体封顶",
    ]
    assert project.budget == Decimal("35600000.00")
    entry = LedgerEntry.objects.get(type="project.created", object_id=str(project.pk))
    assert entry.actor_user == "own1"


@pytest.mark.parametrize(
    "over,code",
    [
        ({"longitude": "39.7", "latitude": "116.3"}, "bad_location"),
        ({"site_polygon": {"type": "Polygon", "coordinates": [[[1, 2]]]}}, "bad_location"),
        ({"type": "spaceport"}, "unknown_project_type"),
        ({"budget": "-5"}, "bad_budget"),
        ({"budget": "abc"}, "bad_budget"),
        ({"planned": {"construction": (D(2026, 5, 1), D(2026, 4, 1))}}, "dates_out_of_order"),
        ({"planned": {"demolition": (None, None)}}, "unknown_stage"),
    ],
)
def test_bad_input_changes_nothing(world, over, code):
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as info:
        create(world, **over)
    assert info.value.code == code
    assert not Project.objects.exists() and LedgerEntry.objects.count() == before


def test_duplicate_code_and_foreign_owner_are_refused(world):
    create(world, code="DX-2026-0100")
    with pytest.raises(Conflict):
        create(world, code="DX-2026-0100", name="另一个")
    with pytest.raises(PermissionDenied):
        create(world, actor=world["actors"]["other_owner"])
    with pytest.raises(PermissionDenied):
        create(world, actor=world["actors"]["contractor"])


def test_lifecycle_journey(world):
    owner = world["actors"]["owner"]
    project = create(world)
    with pytest.raises(ValidationFailed) as info:
        services.project_transition(actor=owner, project=project, target="construction")
    assert info.value.code == "stage_skipped"
    project = to_construction_ready(world, project)
    # Replace the contractor's lead: the old one stays on record forever.
    services.lead_file(
        actor=owner,
        project=project,
        party="general_contractor",
        person_name="新项目经理",
        certificate_number="CERT-new",
        authorisation=pdf(),
        commitment=pdf(),
        started_on=D(2026, 2, 1),
    )
    leads = ProjectLead.objects.filter(project=project, party="general_contractor").order_by(
        "started_on"
    )
    assert [lead.ended_on for lead in leads] == [D(2026, 2, 1), None]
    project = services.project_transition(actor=owner, project=project, target="construction")
    assert project.stage == "construction"

    refused = pytest.raises(ValidationFailed)
    with refused as info:
        services.project_transition(actor=owner, project=project, target="completion_acceptance")
    assert info.value.code == "guards_unmet"
    assert {d["code"] for d in info.value.details} >= {"key_nodes_passed", "five_party_acceptance"}

    sup, reg = world["actors"]["supervisor"], world["actors"]["regulator"]
    nodes = list(KeyNode.objects.filter(project=project).order_by("sequence"))
    with pytest.raises(PermissionDenied):
        services.key_node_inspect(
            actor=world["actors"]["other_supervisor"], key_node=nodes[0], result="passed"
        )
    with pytest.raises(ValidationFailed):
        services.key_node_inspect(actor=sup, key_node=nodes[1], result="passed")  # out of order
    services.key_node_inspect(
        actor=sup, key_node=nodes[0], result="failed", findings=["桩身完整性检测报告缺失"]
    )
    node = services.key_node_inspect(actor=reg, key_node=nodes[0], result="passed")
    assert node.status == "failed"
    with refused:
        services.key_node_inspect(
            actor=sup, key_node=nodes[0], result="failed"
        )  # findings required
    for n in nodes:
        services.key_node_inspect(actor=sup, key_node=n, result="passed")
        assert services.key_node_inspect(actor=reg, key_node=n, result="passed").status == "passed"

    parties = {
        "owner": "owner",
        "surveyor": "owner",
        "designer": "owner",
        "general_contractor": "contractor",
        "supervisor": "supervisor",
    }
    dates = [D(2026, 9, 1), D(2026, 9, 3), D(2026, 9, 2), D(2026, 9, 9), D(2026, 9, 4)]
    with pytest.raises(PermissionDenied):
        services.completion_sign(
            actor=world["actors"]["contractor"],
            project=project,
            party="owner",
            signed_on=D(2026, 9, 1),
        )
    for (party, who), when in zip(parties.items(), dates, strict=True):
        actor = SYSTEM if party in ("surveyor", "designer") else world["actors"][who]
        result = services.completion_sign(actor=actor, project=project, party=party, signed_on=when)
    assert result["completion_date"] == D(2026, 9, 9)

    project = services.project_transition(
        actor=owner, project=project, target="completion_acceptance"
    )
    assert project.completion_date == D(2026, 9, 9)
    services.project_update(actor=owner, project=project, completion_filing="备案-2026-9")
    project = services.project_transition(actor=owner, project=project, target="settlement")
    with refused:
        services.project_transition(actor=owner, project=project, target="warranty")
    services.project_update(actor=owner, project=project, settlement_document="结审-2026-9")
    project = services.project_transition(actor=owner, project=project, target="warranty")
    clocks = {c.scope: c for c in WarrantyClock.objects.filter(project=project)}
    waterproof = next(c for s, c in clocks.items() if s.startswith("屋面防水"))
    assert waterproof.starts_on == D(2026, 9, 9) and waterproof.ends_on == D(2031, 9, 9)
    assert clocks["基础设施和主体结构"].ends_on == D(2076, 9, 9)
    types = list(LedgerEntry.objects.filter(object_model="project").values_list("type", flat=True))
    assert types.count("project.transitioned") == 6
    assert "project.key_node_signed" in types and "project.completion_signed" in types


def test_lead_upload_must_be_pdf_or_image(world):
    project = create(world)
    with pytest.raises(ValidationFailed) as info:
        services.lead_file(
            actor=world["actors"]["owner"],
            project=project,
            party="owner",
            person_name="张三",
            authorisation=SimpleUploadedFile("a.exe", b"MZ\x90\x00"),
            commitment=pdf(),
            started_on=D(2026, 1, 1),
        )
    assert info.value.code == "bad_file_type"
    assert not ProjectLead.objects.exists()


def test_participant_kind_must_match_role(world):
    project = create(world)
    with pytest.raises(ValidationFailed) as info:
        services.participant_add(
            actor=world["actors"]["owner"],
            project=project,
            organisation=world["orgs"]["designer"],
            role="supervisor",
        )
    assert info.value.code == "role_kind_mismatch"
