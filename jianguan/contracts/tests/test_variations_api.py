"""The variation and acceptance APIs: journeys, and bad input answering 4xx in Chinese with a
stable code and nothing changed."""

from __future__ import annotations

from decimal import Decimal

from jianguan.compliance.models import RectificationOrder
from jianguan.contracts.models import AcceptanceItem, BoqItem, Contract, Variation
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.test_services import member, pdf

BASE = "/api/v1/contracts"


def _as(client, actor):
    client.force_login(actor.user)
    return client


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _chinese(response) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def _body(deal, **over):
    first = BoqItem.objects.filter(contract=deal["contract"]).order_by("sequence").first()
    data = {
        "kind": "variation",
        "title": "增加排水沟",
        "reason": "现场积水",
        "cause": "site_condition",
        "lines": [
            {"boq_item": first.pk, "quantity_delta": "2"},
            {
                "code": "01B010",
                "name": "排水沟",
                "unit": "m",
                "unit_rate": "100.00",
                "quantity": "3",
            },
        ],
    }
    data.update(over)
    return data, first


def test_variation_api_journey(client, deal):
    c = deal["contract"]
    data, first = _body(deal)
    r = _post(_as(client, deal["actors"]["contractor"]), f"{BASE}/{c.pk}/variations", data)
    assert r.status_code == 201, r.content
    v = r.json()
    expected = (first.unit_rate * 2 + Decimal("300.00")).quantize(Decimal("0.01"))
    assert Decimal(v["amount"]) == expected and v["next_step"] == "supervisor"
    assert len(v["lines"]) == 2 and v["lines"][1]["new"] is True
    r = client.post(f"{BASE}/variations/{v['id']}/evidence", {"files": [pdf("a.pdf")]})
    assert r.status_code == 200 and len(r.json()["evidence"]) == 1
    r = client.get(f"{BASE}/{c.pk}/variations?kind=variation")
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [v["id"]]
    assert client.get(f"{BASE}/{c.pk}/variations?kind=site_instruction").json() == []
    # the owner may not jump the supervisor's step
    r = _post(
        _as(client, deal["actors"]["owner"]),
        f"{BASE}/variations/{v['id']}/decision",
        {"decision": "approve"},
    )
    assert r.status_code == 409 and r.json()["code"] == "wrong_step" and _chinese(r)
    r = _post(
        _as(client, deal["actors"]["supervisor"]),
        f"{BASE}/variations/{v['id']}/decision",
        {"decision": "approve", "opinion": "属实"},
    )
    assert r.status_code == 200 and r.json()["status"] == "supervisor_ok"
    r = _post(
        _as(client, deal["actors"]["owner"]),
        f"{BASE}/variations/{v['id']}/decision",
        {"decision": "approve"},
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [s["step"] for s in r.json()["steps"]] == ["supervisor", "owner"]
    assert Contract.objects.get(pk=c.pk).current_value == c.price + expected
    r = client.post(f"{BASE}/variations/{v['id']}/evidence", {"files": [pdf("b.pdf")]})
    assert r.status_code in (403, 409)


def test_variation_api_refusals_change_nothing(client, deal):
    c = deal["contract"]
    data, first = _body(deal)
    _as(client, deal["actors"]["contractor"])
    bad = [
        ({**data, "lines": [{"boq_item": first.pk, "quantity_delta": "NaN"}]}, 400, "bad_number"),
        ({**data, "lines": [{"boq_item": first.pk, "quantity_delta": "-1e9"}]}, 400, None),
        (
            {
                **data,
                "lines": [
                    {"code": "N", "name": "n", "unit": "桶", "unit_rate": "1", "quantity": "1"}
                ],
            },
            400,
            "unknown_unit",
        ),
        ({**data, "lines": []}, 400, "validation_error"),
        ({**data, "kind": "bribe"}, 400, "validation_error"),
        ({**data, "title": "x" * 300}, 400, "validation_error"),
        ({**data, "cause": "finding", "finding_id": 999999}, 400, "finding_not_in_project"),
    ]
    entries = LedgerEntry.objects.count()
    for body, status, code in bad:
        r = _post(client, f"{BASE}/{c.pk}/variations", body)
        assert r.status_code == status, (body, r.content)
        assert _chinese(r) and (code is None or r.json()["code"] == code)
    assert not Variation.objects.exists() and LedgerEntry.objects.count() == entries
    assert client.get(f"{BASE}/99999999999/variations").status_code == 404
    assert client.get(f"{BASE}/variations/99999999999999999999").status_code == 404
    # a supervisor cannot raise; an unrelated owner cannot even see the contract
    r = _post(_as(client, deal["actors"]["supervisor"]), f"{BASE}/{c.pk}/variations", data)
    assert r.status_code == 403 and _chinese(r)
    r = _post(_as(client, deal["actors"]["other_owner"]), f"{BASE}/{c.pk}/variations", data)
    assert r.status_code == 404


def test_decider_not_in_chain_gets_4xx_and_nothing_changes(client, deal):
    c = deal["contract"]
    data, _ = _body(deal)
    v = _post(_as(client, deal["actors"]["contractor"]), f"{BASE}/{c.pk}/variations", data).json()
    entries = LedgerEntry.objects.count()
    r = _post(client, f"{BASE}/variations/{v['id']}/decision", {"decision": "approve"})
    assert r.status_code == 403 and _chinese(r)
    r = _post(
        _as(client, deal["actors"]["other_supervisor"]),
        f"{BASE}/variations/{v['id']}/decision",
        {"decision": "approve"},
    )
    assert r.status_code == 404
    r = _post(
        _as(client, deal["actors"]["supervisor"]),
        f"{BASE}/variations/{v['id']}/decision",
        {"decision": "reject"},
    )
    assert r.status_code == 400 and r.json()["code"] == "opinion_required"
    assert Variation.objects.get(pk=v["id"]).status == "submitted"
    assert LedgerEntry.objects.count() == entries
    assert Contract.objects.get(pk=c.pk).current_value == c.price


def test_acceptance_api_tree_failure_and_completion(client, deal):
    c = deal["contract"]
    _as(client, deal["actors"]["contractor"])
    r = _post(
        client, f"{BASE}/{c.pk}/acceptance", {"level": "unit", "code": "U1", "name": "教学楼"}
    )
    assert r.status_code == 201, r.content
    unit = r.json()["id"]
    r = _post(
        client,
        f"{BASE}/{c.pk}/acceptance",
        {"level": "lot", "code": "L1", "name": "x", "parent_id": unit},
    )
    assert r.status_code == 400 and r.json()["code"] == "wrong_level" and _chinese(r)
    r = _post(
        client,
        f"{BASE}/{c.pk}/acceptance",
        {"level": "division", "code": "D1", "name": "地基与基础", "parent_id": unit},
    )
    division = r.json()["id"]
    r = _post(client, f"{BASE}/acceptance/{division}/decision", {"passed": True})
    assert r.status_code == 403
    assert (
        _post(client, f"{BASE}/acceptance/{division}/self-check", {"note": "合格"}).status_code
        == 200
    )
    _as(client, deal["actors"]["supervisor"])
    r = _post(client, f"{BASE}/acceptance/{unit}/decision", {"passed": True})
    assert r.status_code == 400 and r.json()["code"] == "not_self_checked"
    r = _post(
        client,
        f"{BASE}/acceptance/{division}/decision",
        {"passed": False, "opinion": "混凝土强度不足", "severity": "major"},
    )
    assert r.status_code == 200 and r.json()["status"] == "failed"
    order = RectificationOrder.objects.get(pk=r.json()["order_id"])
    assert order.finding.severity == "major"
    tree = client.get(f"{BASE}/{c.pk}/acceptance").json()
    assert [i["code"] for i in tree["items"]] == ["U1", "D1"]
    assert tree["units"] == 1 and tree["units_accepted"] == 0 and tree["completion_date"] is None
    r = _post(
        _as(client, deal["actors"]["owner"]),
        f"{BASE}/{c.pk}/completion-signatures",
        {"signed_on": today_local().isoformat()},
    )
    assert r.status_code == 409 and r.json()["code"] == "units_not_accepted"
    # the surveyor is no party of the contract, but a five-party lead of the project
    surveyor = member(deal["orgs"]["surveyor"], "srv9", ["signer"])
    r = _post(
        _as(client, surveyor),
        f"{BASE}/{c.pk}/completion-signatures",
        {"signed_on": today_local().isoformat()},
    )
    assert r.status_code == 409
    assert client.get(f"{BASE}/{c.pk}/acceptance").status_code == 404
    r = _post(client, f"{BASE}/{c.pk}/completion-signatures", {"signed_on": "not-a-date"})
    assert r.status_code == 400
    assert (
        client.post(
            f"{BASE}/acceptance/0/self-check", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert AcceptanceItem.objects.count() == 2
