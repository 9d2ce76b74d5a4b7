"""The project register API: the whole journey, lists and filters (bad input, places and who
sees what: test_api_checks.py)."""

from __future__ import annotations

import datetime as dt
import json

from jianguan.core.timeutil import today_local
from jianguan.projects.tests.api_client import (
    BASE,
    HUGE,
    err,
    pdf,
    project_body,
)

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
