"""The project register API: the whole journey, bad input, and who sees what."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.timeutil import today_local

BASE = "/api/v1/projects"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HUGE = "99999999999999999999"


class Api:
    """A tiny JSON client for one persona (Bearer token)."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, body=None):
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def patch(self, url, body):
        return self.client.patch(
            url, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def upload(self, url, data, **files):
        return self.client.post(url, {**data, **files}, headers=self.headers)


@pytest.fixture
def as_(client, bearer):
    return lambda actor: Api(client, bearer(actor))


@pytest.fixture
def town(db):
    from jianguan.accounts.tests.factories import TownFactory

    return TownFactory(name="黄村镇")


def project_body(owner, town, /, **extra):
    body = {
        "name": "大兴新城道路工程",
        "type": "road",
        "funding": "government",
        "budget": "12000000.00",
        "town": town.pk,
        "owner": owner.organisation_id,
        "longitude": "116.338",
        "latitude": "39.726",
        "description": "测试项目",
    }
    body.update(extra)
    return body


def err(response, status, code=None):
    assert response.status_code == status, response.content.decode()[:800]
    body = response.json()
    assert set(body) >= {"code", "message", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    if code:
        assert body["code"] == code, body
    return body


def counts():
    from jianguan.ledger.models import LedgerEntry
    from jianguan.projects.models import (
        CompletionSignature,
        Finding,
        JointInspection,
        Participant,
        Project,
        ProjectLead,
    )

    return (
        Project.objects.count(),
        Participant.objects.count(),
        ProjectLead.objects.count(),
        JointInspection.objects.count(),
        Finding.objects.count(),
        CompletionSignature.objects.count(),
        LedgerEntry.objects.count(),
    )


def pdf(name="file.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def rules_loaded(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


# --- the journey --------------------------------------------------------------------------------------


def test_the_whole_journey(
    as_,
    owner,
    regulator,
    contractor,
    supervisor,
    make_persona,
    town,
    rules_loaded,
    django_capture_on_commit_callbacks,
):
    from jianguan.accounts.tests.factories import OrganisationFactory
    from jianguan.ledger.models import LedgerEntry
    from jianguan.projects.models import Finding, Organisation

    o, reg, sup = as_(owner), as_(regulator), as_(supervisor)
    today = today_local()
    late = today - dt.timedelta(days=70)

    # 1. the owner registers its project, with planned dates
    r = o.post(
        BASE,
        project_body(
            owner,
            town,
            code="DX-2026-0101",
            planned={
                "construction": {"start": str(late - dt.timedelta(days=300)), "end": str(late)}
            },
        ),
    )
    assert r.status_code == 201, r.content
    project = r.json()
    pid = project["id"]
    assert project["code"] == "DX-2026-0101" and project["stage"] == "approval"
    assert project["stage_label"] == "立项" and project["budget"] == "12000000.00"
    assert [s["stage"] for s in project["stages"]][:2] == ["approval", "design"]
    construction = next(s for s in project["stages"] if s["stage"] == "construction")
    assert construction["planned_end"] == str(late)

    # 2. participants (the owner is one already)
    surveyor_org = OrganisationFactory(kind="surveyor", name="北京勘察院")
    designer_org = OrganisationFactory(kind="designer", name="北京设计院")
    gc_org = Organisation.objects.get(pk=contractor.organisation_id)
    sup_org = Organisation.objects.get(pk=supervisor.organisation_id)
    for org, role in [
        (surveyor_org, "surveyor"),
        (designer_org, "designer"),
        (gc_org, "general_contractor"),
        (sup_org, "supervisor"),
    ]:
        r = o.post(f"{BASE}/{pid}/participants", {"organisation": org.pk, "role": role})
        assert r.status_code == 201, r.content
        assert r.json()["role"] == role
    r = o.get(f"{BASE}/{pid}/participants")
    assert {p["role"] for p in r.json()} == {
        "owner",
        "surveyor",
        "designer",
        "general_contractor",
        "supervisor",
    }
    err(
        o.post(f"{BASE}/{pid}/participants", {"organisation": sup_org.pk, "role": "supervisor"}),
        409,
    )

    # 3. the five leads with their signed files (SM3 on the ledger)
    for party in ("owner", "surveyor", "designer", "general_contractor", "supervisor"):
        r = o.upload(
            f"{BASE}/{pid}/leads",
            {"party": party, "person_name": f"{party}负责人", "started_on": str(today)},
            authorisation=pdf("授权书.pdf"),
            commitment=pdf("承诺书.pdf"),
        )
        assert r.status_code == 201, r.content
        assert r.json()["is_current"] and len(r.json()["authorisation_sm3"]) == 64
    entry = LedgerEntry.objects.filter(type="project.lead_filed").order_by("-index").first()
    assert len(json.loads(entry.leaf_input)["files"]) == 2
    # a lead without files is refused
    err(
        o.upload(
            f"{BASE}/{pid}/leads",
            {"party": "owner", "person_name": "某人", "started_on": str(today)},
        ),
        400,
        "missing_file",
    )

    # 4. approval → design → tendering, documents via PATCH
    err(o.post(f"{BASE}/{pid}/transition", {"target": "design"}), 400, "guards_unmet")
    assert o.patch(f"{BASE}/{pid}", {"approval_document": "京兴发改〔2026〕1号"}).status_code == 200
    assert o.post(f"{BASE}/{pid}/transition", {"target": "design"}).json()["stage"] == "design"
    o.patch(f"{BASE}/{pid}", {"design_review_document": "京审〔2026〕8号"})
    assert o.post(f"{BASE}/{pid}/transition", {"target": "tendering"}).status_code == 200

    # construction is refused with the list of unmet guards, in Chinese
    body = err(o.post(f"{BASE}/{pid}/transition", {"target": "construction"}), 400, "guards_unmet")
    assert {d["code"] for d in body["details"]} == {"construction_permit", "construction_contract"}
    assert any("施工许可证" in d["message"] for d in body["details"])
    r = o.patch(
        f"{BASE}/{pid}",
        {
            "construction_permit": "110115202611230101",
            "construction_permit_date": str(today),
            "construction_contract_ref": "DXHT-2026-018",
        },
    )
    assert r.json()["construction_permit"] == "110115202611230101"
    with django_capture_on_commit_callbacks(execute=True):
        r = o.post(f"{BASE}/{pid}/transition", {"target": "construction"})
    assert r.status_code == 200 and r.json()["stage"] == "construction"

    # the stage is 70 days behind plan: a red warning, explained
    w = o.get(f"{BASE}/{pid}/warnings").json()
    assert w["level"] == 4 and w["level_label"] == "红色预警"
    slip = next(a for a in w["active"] if a["rule_code"] == "schedule_slip")
    assert slip["rule_label"] == "进度滞后" and "已滞后 70 天" in slip["reason"]
    assert w["history"][0]["kind"] == "raised" and w["history"][0]["kind_label"] == "触发"

    # 5. key nodes: joint inspection by the chief supervisor AND the regulator
    nodes = o.get(f"{BASE}/{pid}/key-nodes").json()
    assert [n["code"] for n in nodes] == [
        "foundation_acceptance",
        "main_structure",
        "completion_acceptance",
    ]
    first, second, third = (n["id"] for n in nodes)

    def inspect(api, node, result, findings=()):
        return api.post(
            f"{BASE}/{pid}/key-nodes/{node}/inspect", {"result": result, "findings": list(findings)}
        )

    # a contractor is no inspector
    err(inspect(as_(contractor), first, "passed"), 403, "not_inspector")
    # order matters
    err(inspect(sup, second, "passed"), 400, "previous_node_pending")
    r = inspect(sup, first, "passed")
    assert r.json()["status"] == "pending"  # one side is not enough
    err(inspect(sup, first, "passed"), 409, "already_signed")
    r = inspect(reg, first, "passed")
    assert r.json()["status"] == "passed" and r.json()["passed_on"] == str(today)

    # the regulator fails the second node with findings; they stay open until re-inspection
    err(inspect(reg, second, "failed"), 400, "findings_required")
    r = inspect(reg, second, "failed", ["主体结构混凝土强度不足", "钢筋保护层偏薄"])
    assert r.json()["status"] == "failed"
    inspect(sup, second, "passed")
    assert Finding.objects.filter(project_id=pid, closed_at__isnull=True).count() == 2
    r = inspect(sup, second, "passed")  # round 2
    r = inspect(reg, second, "passed")
    node = r.json()
    assert node["status"] == "passed" and [i["round"] for i in node["inspections"]] == [1, 2]
    assert len(node["inspections"][0]["findings"]) == 2
    assert all(f["closed_at"] for f in node["inspections"][0]["findings"])
    inspect(sup, third, "passed")
    assert inspect(reg, third, "passed").json()["status"] == "passed"

    # 6. completion: five signatures, the LAST one fixes the completion date
    signers = {
        "owner": owner,
        "supervisor": supervisor,
        "surveyor": make_persona("sur_sign", roles=["signer"], organisation=surveyor_org),
        "designer": make_persona("des_sign", roles=["signer"], organisation=designer_org),
        "general_contractor": make_persona("gc_sign", roles=["signer"], organisation=gc_org),
    }
    # the owner cannot sign for the supervisor
    err(
        o.post(
            f"{BASE}/{pid}/completion-signatures", {"party": "supervisor", "signed_on": str(today)}
        ),
        403,
        "not_party_signer",
    )
    dates = {
        "owner": today - dt.timedelta(days=5),
        "supervisor": today - dt.timedelta(days=2),  # the last one
        "surveyor": today - dt.timedelta(days=4),
        "designer": today - dt.timedelta(days=3),
        "general_contractor": today - dt.timedelta(days=6),
    }
    for party, signer in signers.items():
        r = as_(signer).post(
            f"{BASE}/{pid}/completion-signatures", {"party": party, "signed_on": str(dates[party])}
        )
        assert r.status_code == 201, r.content
    assert r.json()["completion_date"] == str(dates["supervisor"])
    assert len(r.json()["signatures"]) == 5

    # 7. into completion acceptance, with the completion date fixed
    r = o.post(f"{BASE}/{pid}/transition", {"target": "completion_acceptance"})
    assert r.status_code == 200, r.content
    assert r.json()["completion_date"] == str(dates["supervisor"])
    types = set(
        LedgerEntry.objects.filter(object_model="project", object_id=str(pid)).values_list(
            "type", flat=True
        )
    )
    assert types >= {
        "project.created",
        "project.participant_added",
        "project.lead_filed",
        "project.updated",
        "project.transitioned",
        "project.key_node_signed",
        "project.completion_signed",
        "project.warning_changed",
    }


# --- list, filters, detail ----------------------------------------------------------------------------


def test_list_filters_sort_and_page(as_, regulator, owner, town):
    from jianguan.accounts.tests.factories import TownFactory

    reg = as_(regulator)
    other_town = TownFactory(name="西红门镇")
    for i, (t, kind) in enumerate([(town, "road"), (town, "bridge"), (other_town, "road")]):
        r = reg.post(
            BASE,
            project_body(owner, t, code=f"DX-2026-{i + 1:04d}", type=kind, name=f"项目{i}号"),
        )
        assert r.status_code == 201, r.content
    page = reg.get(BASE).json()
    assert page["count"] == 3 and [p["code"] for p in page["items"]][0] == "DX-2026-0003"
    assert reg.get(BASE, town=town.pk).json()["count"] == 2
    assert reg.get(BASE, type="bridge").json()["count"] == 1
    assert reg.get(BASE, q="0002").json()["items"][0]["type_label"] == "桥梁"
    assert reg.get(BASE, stage="approval", warning_level=0).json()["count"] == 3
    assert reg.get(BASE, owner=owner.organisation_id, funding="government").json()["count"] == 3
    assert reg.get(BASE, created_from=str(today_local())).json()["count"] == 3
    asc = reg.get(BASE, sort="code", limit=2, offset=1).json()
    assert asc["count"] == 3 and [p["code"] for p in asc["items"]] == [
        "DX-2026-0002",
        "DX-2026-0003",
    ]
    err(reg.get(BASE, sort="password"), 400, "bad_sort")
    err(reg.get(BASE, stage="flying"), 400, "unknown_stage")
    err(reg.get(BASE, limit=501), 400)
    err(reg.get(BASE, town=HUGE), 400)
    err(
        reg.get(BASE, created_from="2026-05-02", created_to="2026-05-01"), 400, "dates_out_of_order"
    )


# --- bad input: 4xx and nothing changes ------------------------------------------------------------


@pytest.fixture
def one_project(as_, owner, town):
    r = as_(owner).post(BASE, project_body(owner, town, code="DX-2026-0001"))
    assert r.status_code == 201, r.content
    return r.json()


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"type": "castle"}, 400, "unknown_project_type"),
        ({"longitude": "2.35", "latitude": "48.85"}, 400, "bad_location"),  # Paris
        ({"longitude": "39.7", "latitude": "116.3"}, 400, "bad_location"),  # swapped
        (
            {"site_polygon": {"type": "Polygon", "coordinates": [[[116.3, 39.7]]]}},
            400,
            "bad_location",
        ),
        ({"site_polygon": {"type": "Point", "coordinates": [116.3, 39.7]}}, 400, "bad_location"),
        (
            {"planned": {"construction": {"start": "2026-09-01", "end": "2026-03-01"}}},
            400,
            "dates_out_of_order",
        ),
        ({"planned": {"flying": {"start": "2026-01-01"}}}, 400, "unknown_stage"),
        ({"code": "DX-2026-0001"}, 409, "duplicate_project_code"),
        ({"town": int(HUGE)}, 400, "validation_error"),
        ({"town": 987654}, 400, "unknown_town"),
        ({"owner": int(HUGE)}, 400, "validation_error"),
        ({"budget": "-5"}, 400, "bad_budget"),
        ({"budget": "NaN"}, 400, None),
        ({"name": "bad\x00name"}, 400, "validation_error"),
    ],
)
def test_bad_create_changes_nothing(as_, owner, town, one_project, extra, status, code):
    before = counts()
    err(as_(owner).post(BASE, project_body(owner, town, **extra)), status, code)
    assert counts() == before


def test_bad_transitions_change_nothing(as_, owner, one_project):
    from jianguan.projects.models import Project

    pid = one_project["id"]
    o = as_(owner)
    before = counts()
    err(o.post(f"{BASE}/{pid}/transition", {"target": "flying"}), 400, "unknown_stage")
    body = err(o.post(f"{BASE}/{pid}/transition", {"target": "construction"}), 400, "stage_skipped")
    assert "设计" in body["message"]
    err(o.post(f"{BASE}/{pid}/transition", {}), 400, "validation_error")
    assert counts() == before and Project.objects.get(pk=pid).stage == "approval"


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/{HUGE}",
        f"{BASE}/0",
        f"{BASE}/-1",
        f"{BASE}/abc",
        f"{BASE}/123456",
        f"{BASE}/{HUGE}/warnings",
        f"{BASE}/{HUGE}/key-nodes",
        f"{BASE}/{HUGE}/participants",
    ],
)
def test_ids_that_do_not_exist_are_404(as_, regulator, path):
    err(as_(regulator).get(path), 404)


def test_bad_ids_in_writes(as_, owner, regulator, one_project):
    pid = one_project["id"]
    before = counts()
    err(
        as_(owner).post(
            f"{BASE}/{pid}/participants", {"organisation": int(HUGE), "role": "supervisor"}
        ),
        400,
    )
    err(
        as_(owner).post(
            f"{BASE}/{pid}/participants", {"organisation": 424242, "role": "supervisor"}
        ),
        400,
        "unknown_organisation",
    )
    err(as_(regulator).post(f"{BASE}/{pid}/key-nodes/{HUGE}/inspect", {"result": "passed"}), 404)
    err(as_(regulator).post(f"{BASE}/{pid}/key-nodes/1x/inspect", {"result": "passed"}), 404)
    err(as_(owner).patch(f"{BASE}/{HUGE}", {"name": "x"}), 404)
    err(as_(owner).patch(f"{BASE}/{pid}", {"name": ""}), 400)
    err(as_(owner).patch(f"{BASE}/{pid}", {"is_public": None}), 400)
    assert counts() == before


def test_participant_of_the_wrong_kind_is_refused(as_, owner, contractor, one_project):
    pid = one_project["id"]
    before = counts()
    r = as_(owner).post(
        f"{BASE}/{pid}/participants",
        {"organisation": contractor.organisation_id, "role": "supervisor"},
    )
    err(r, 400, "role_kind_mismatch")
    err(
        as_(owner).post(
            f"{BASE}/{pid}/participants",
            {"organisation": contractor.organisation_id, "role": "king"},
        ),
        400,
        "unknown_role",
    )
    assert counts() == before


def test_lead_uploads_must_be_documents(as_, owner, one_project):
    pid = one_project["id"]
    before = counts()
    exe = SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    r = as_(owner).upload(
        f"{BASE}/{pid}/leads",
        {"party": "owner", "person_name": "张三", "started_on": "2026-01-05"},
        authorisation=exe,
        commitment=pdf(),
    )
    err(r, 400, "bad_file_type")
    r = as_(owner).upload(
        f"{BASE}/{pid}/leads",
        {"party": "emperor", "person_name": "张三", "started_on": "2026-01-05"},
        authorisation=pdf(),
        commitment=pdf(),
    )
    err(r, 400, "unknown_party")
    assert counts() == before


# --- spatial -------------------------------------------------------------------------------------


def test_spatial_within_and_near(as_, regulator, owner, town):
    reg = as_(regulator)
    points = {
        "DX-2026-0001": ("116.3300", "39.7300"),
        "DX-2026-0002": ("116.3400", "39.7300"),
        "DX-2026-0003": ("116.5000", "39.8000"),
    }
    for code, (lon, lat) in points.items():
        assert (
            reg.post(
                BASE, project_body(owner, town, code=code, longitude=lon, latitude=lat)
            ).status_code
            == 201
        )
    square = {
        "type": "Polygon",
        "coordinates": [
            [[116.32, 39.72], [116.335, 39.72], [116.335, 39.74], [116.32, 39.74], [116.32, 39.72]]
        ],
    }
    r = reg.post(f"{BASE}/spatial/within", {"polygon": square})
    assert r.status_code == 200, r.content
    assert [p["code"] for p in r.json()["items"]] == ["DX-2026-0001"]
    r = reg.get(
        f"{BASE}/spatial/within", polygon=json.dumps({"type": "Feature", "geometry": square})
    )
    assert r.json()["count"] == 1
    # 116.33 → 116.34 at 39.73°N is about 856 m
    r = reg.get(f"{BASE}/spatial/near", lon="116.33", lat="39.73", radius_m="1000")
    items = r.json()["items"]
    assert [p["code"] for p in items] == ["DX-2026-0001", "DX-2026-0002"]
    assert items[0]["distance_m"] == 0 and 800 < items[1]["distance_m"] < 900
    assert (
        reg.get(f"{BASE}/spatial/near", lon="116.33", lat="39.73", radius_m="500").json()["count"]
        == 1
    )
    err(
        reg.post(f"{BASE}/spatial/within", {"polygon": {"type": "Polygon", "coordinates": "x"}}),
        400,
        "bad_geojson",
    )
    err(reg.get(f"{BASE}/spatial/within", polygon="{not json"), 400, "bad_geojson")
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[116.3, 39.7], [116.4, 39.8], [116.4, 39.7], [116.3, 39.8], [116.3, 39.7]]
        ],
    }
    err(reg.post(f"{BASE}/spatial/within", {"polygon": bowtie}), 400, "bad_geojson")
    err(
        reg.get(f"{BASE}/spatial/near", lon="2.35", lat="48.85", radius_m="100"),
        400,
        "bad_location",
    )
    err(reg.get(f"{BASE}/spatial/near", lon="116.33", lat="39.73", radius_m="0"), 400, "bad_radius")
    err(reg.get(f"{BASE}/spatial/near", lon="nan", lat="39.73", radius_m="10"), 400)
    err(reg.get(f"{BASE}/spatial/near", lon="116.33", lat="39.73", radius_m="inf"), 400)


# --- permissions --------------------------------------------------------------------------------------


def test_contractor_sees_only_its_projects(as_, owner, contractor, town):
    o = as_(owner)
    mine = o.post(BASE, project_body(owner, town, code="DX-2026-0001")).json()
    other = o.post(BASE, project_body(owner, town, code="DX-2026-0002")).json()
    o.post(
        f"{BASE}/{mine['id']}/participants",
        {"organisation": contractor.organisation_id, "role": "general_contractor"},
    )
    gc = as_(contractor)
    page = gc.get(BASE).json()
    assert page["count"] == 1 and page["items"][0]["code"] == "DX-2026-0001"
    assert gc.get(f"{BASE}/{mine['id']}").status_code == 200
    err(gc.get(f"{BASE}/{other['id']}"), 404)
    err(gc.get(f"{BASE}/{other['id']}/warnings"), 404)
    # and it cannot change even its own project
    err(gc.patch(f"{BASE}/{mine['id']}", {"name": "改名"}), 403)
    err(gc.post(BASE, project_body(owner, town)), 403)
    near = gc.get(f"{BASE}/spatial/near", lon="116.338", lat="39.726", radius_m="100").json()
    assert [p["code"] for p in near["items"]] == ["DX-2026-0001"]


def test_anonymous_sees_only_public_basic_information(client, as_, owner, town):
    o = as_(owner)
    public = o.post(BASE, project_body(owner, town, code="DX-2026-0001")).json()
    hidden = o.post(BASE, project_body(owner, town, code="DX-2026-0002")).json()
    o.patch(f"{BASE}/{hidden['id']}", {"is_public": False})
    err(client.get(BASE), 401)
    err(client.get(f"{BASE}/{public['id']}"), 401)
    err(
        client.post(BASE, json.dumps(project_body(owner, town)), content_type="application/json"),
        401,
    )
    r = client.get("/api/v1/public/projects")
    assert r.status_code == 200
    page = r.json()
    assert page["count"] == 1
    item = page["items"][0]
    assert set(item) == {
        "code",
        "name",
        "type",
        "type_label",
        "town",
        "stage",
        "stage_label",
        "longitude",
        "latitude",
    }
    assert item["code"] == "DX-2026-0001" and item["town"] == "黄村镇"
    assert client.get("/api/v1/public/projects", {"q": "0002"}).json()["count"] == 0
    err(client.get("/api/v1/public/projects", {"stage": "flying"}), 400, "unknown_stage")


def test_owner_cannot_manage_another_owners_project(as_, owner, make_persona, town, one_project):
    from jianguan.projects.models import Project

    other = make_persona("own2", "owner", ["admin", "staff", "signer"])
    o2 = as_(other)
    pid = one_project["id"]
    before = counts()
    err(o2.patch(f"{BASE}/{pid}", {"name": "抢注"}), 404)
    err(o2.post(f"{BASE}/{pid}/transition", {"target": "design"}), 404)
    err(
        o2.post(
            f"{BASE}/{pid}/participants", {"organisation": other.organisation_id, "role": "owner"}
        ),
        404,
    )
    # nor register a project in the other owner's name
    err(o2.post(BASE, project_body(owner, town, code="DX-2026-0009")), 403, "not_project_owner")
    assert counts() == before and Project.objects.get(pk=pid).name == "大兴新城道路工程"


def test_a_supervisor_not_on_the_project_cannot_sign(
    as_, owner, regulator, supervisor, make_persona, one_project
):
    from jianguan.core.errors import PermissionDenied
    from jianguan.projects.models import KeyNode, Project
    from jianguan.projects.services import key_node_inspect

    pid = one_project["id"]
    Project.objects.filter(pk=pid).update(stage="construction")
    outsider = make_persona("sup2", "supervisor", ["signer"])
    node = KeyNode.objects.filter(project_id=pid).order_by("sequence").first()
    before = counts()
    err(as_(outsider).post(f"{BASE}/{pid}/key-nodes/{node.pk}/inspect", {"result": "passed"}), 404)
    with pytest.raises(PermissionDenied):
        key_node_inspect(actor=outsider, key_node=node, result="passed")
    # a supervisor staff member without the signing role cannot sign either, even on the project
    as_(owner).post(
        f"{BASE}/{pid}/participants",
        {"organisation": supervisor.organisation_id, "role": "supervisor"},
    )
    clerk = make_persona("sup_clerk", roles=["staff"], organisation=supervisor.organisation)
    before = counts()
    err(
        as_(clerk).post(f"{BASE}/{pid}/key-nodes/{node.pk}/inspect", {"result": "passed"}),
        403,
        "not_inspector",
    )
    assert counts() == before


def test_openapi_lists_the_project_routes(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/transition",
        "/api/v1/projects/{project_id}/key-nodes/{node_id}/inspect",
        "/api/v1/projects/{project_id}/warnings",
        "/api/v1/public/projects",
        "/api/v1/projects/spatial/near",
    } <= set(spec["paths"])


def test_budget_is_money_not_float(as_, owner, one_project):
    r = as_(owner).get(f"{BASE}/{one_project['id']}")
    assert r.json()["budget"] == "12000000.00"
    assert Decimal(r.json()["budget"]) == Decimal("12000000")


def test_a_non_ascii_digit_organisation_header_is_ignored(client, bearer, regulator):
    """`"²".isdigit()` is True but `int("²")` fails: that header used to be a 500."""
    headers = {**bearer(regulator), "X-Organisation": "²"}
    assert client.get(BASE, headers=headers).status_code == 200
