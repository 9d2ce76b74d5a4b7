"""The project register API: bad input (a 4xx, and nothing changes), places, and who sees
what. The journey and the lists are in test_api.py, whose client and helpers this uses."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.projects.tests.api_client import (
    BASE,
    HUGE,
    counts,
    err,
    pdf,
    project_body,
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
