"""Contracts API: from award to signed, terms errors, subcontracts, register, ledger proofs."""

from __future__ import annotations

import base64
import json

import pytest

from jianguan.contracts.models import Contract
from jianguan.contracts.tests.helpers_award import make_award, subcontractor
from jianguan.ledger import merkle
from jianguan.ledger.services import tree_head_sign

pytestmark = pytest.mark.django_db
API = "/api/v1/contracts"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Api:
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


@pytest.fixture
def as_(client, bearer):
    return lambda actor: Api(client, bearer(actor))


def test_award_to_signed_contract_over_the_api(deal, as_):
    a, o = deal["actors"], deal["orgs"]
    owner, gc = as_(a["owner"]), as_(a["contractor"])
    award, _ = make_award(deal)
    # only the project's owner sees the award
    r = as_(a["other_owner"]).post(f"{API}/from-award", {"award_id": award.pk})
    assert r.status_code in (403, 404)
    r = owner.post(f"{API}/from-award", {"award_id": award.pk, "auditor_id": o["auditor"].pk})
    assert r.status_code == 201, r.content
    c = r.json()
    assert c["boq_lines"] == 5 and c["boq_total"] == c["price"] and c["status"] == "draft"
    assert c["supervisor"]["id"] == o["supervisor"].pk
    r = owner.post(f"{API}/from-award", {"award_id": award.pk})
    assert r.status_code == 409 and r.json()["code"] == "contract_exists"
    cid = c["id"]
    # bad input: Chinese 400 with a stable code, nothing changed
    for body, code in (
        ({"progress_ratio": "abc"}, "bad_number"),
        ({"security_amount": "Infinity"}, "bad_number"),
        ({"retention_form": "gold"}, "bad_choice"),
        ({"auditor_id": o["supervisor"].pk}, "bad_party"),
    ):
        r = owner.patch(f"{API}/{cid}/terms", body)
        assert r.status_code == 400 and r.json()["code"] == code, r.content
    assert owner.patch(f"{API}/{cid}/terms", {"title": "x" * 300}).status_code == 400
    assert gc.patch(f"{API}/{cid}/terms", {"progress_ratio": "0.9"}).status_code == 403
    # an unlawful term is accepted as a draft but refuses the signature, listing every problem
    r = owner.patch(f"{API}/{cid}/terms", {"progress_ratio": "0.7", "retention_ratio": "0.05"})
    assert r.status_code == 200
    assert {p["code"] for p in owner.get(f"{API}/{cid}").json()["problems"]} >= {
        "progress_ratio_too_low",
        "retention_too_high",
    }
    r = owner.post(f"{API}/{cid}/signatures")
    assert r.status_code == 400
    codes = {p["code"] for p in r.json()["details"]["problems"]}
    assert codes >= {"progress_ratio_too_low", "retention_too_high"}
    assert "不得低于" in r.json()["message"]
    r = owner.patch(f"{API}/{cid}/terms", {"progress_ratio": "0.85", "retention_ratio": "0.03"})
    assert r.status_code == 200 and r.json()["progress_ratio"] == "0.8500"
    # both sides sign; the supervisor cannot; a stranger does not even see it
    assert as_(a["supervisor"]).post(f"{API}/{cid}/signatures").status_code == 403
    assert as_(a["other_owner"]).post(f"{API}/{cid}/signatures").status_code == 404
    r = gc.post(f"{API}/{cid}/signatures")
    assert r.status_code == 201 and r.json()["status"] == "signing"
    assert gc.post(f"{API}/{cid}/signatures").json()["code"] == "already_signed"
    r = owner.post(f"{API}/{cid}/signatures")
    assert r.status_code == 201 and r.json()["status"] == "signed"
    award.tender.refresh_from_db()
    assert award.tender.status == "contracted"
    # the register lists it for the parties, not for a stranger
    rows = owner.get(API, status="signed").json()
    assert cid in [x["id"] for x in rows]
    assert as_(a["other_owner"]).get(API).json() == []
    assert owner.get(API, project_id="abc").json() == []
    assert as_(a["other_owner"]).get(f"{API}/{cid}").status_code == 404
    assert owner.get(f"{API}/99999999999999999999").status_code == 404


def test_manual_contract_and_subcontract_over_the_api(deal, as_):
    a, o = deal["actors"], deal["orgs"]
    owner, gc = as_(a["owner"]), as_(a["contractor"])
    r = owner.post(
        API,
        {
            "project_id": deal["project"].pk,
            "contractor_id": o["general_contractor"].pk,
            "title": "附属工程",
            "price": "1e40",
            "duration_days": 30,
        },
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_number"
    r = owner.post(
        API,
        {
            "project_id": deal["project"].pk,
            "contractor_id": o["general_contractor"].pk,
            "title": "附属工程",
            "price": "300000.00",
            "duration_days": 30,
        },
    )
    assert r.status_code == 201 and r.json()["kind"] == "main"
    parent = deal["contract"].pk
    org = subcontractor()
    body = {
        "contractor_id": org.pk,
        "subcontract_type": "specialist",
        "title": "幕墙专业分包",
        "scope": "幕墙",
        "price": "1000.00",
        "duration_days": 60,
    }
    r = gc.post(f"{API}/{parent}/subcontracts", {**body, "covers_main_structure": True})
    assert r.status_code == 400 and r.json()["code"] == "main_structure_subcontracted"
    bad = subcontractor(licensed=False)
    r = gc.post(f"{API}/{parent}/subcontracts", {**body, "contractor_id": bad.pk})
    assert r.status_code == 400 and r.json()["code"] == "subcontractor_ineligible"
    assert r.json()["details"]["reasons"]
    r = gc.post(f"{API}/{parent}/subcontracts", body)
    assert r.status_code == 201, r.content
    sub = r.json()["id"]
    assert gc.post(f"{API}/{sub}/approval", {"approve": True}).status_code == 403
    r = owner.post(f"{API}/{sub}/approval", {"approve": True, "opinion": "同意"})
    assert r.status_code == 200 and r.json()["approved_at"]
    assert Contract.objects.get(pk=sub).parent_id == parent


def test_ledger_export_proofs_verify_offline(deal, as_):
    a = deal["actors"]
    owner = as_(a["owner"])
    award, _ = make_award(deal)
    cid = owner.post(
        f"{API}/from-award", {"award_id": award.pk, "auditor_id": deal["orgs"]["auditor"].pk}
    ).json()["id"]
    tree_head_sign(force=True)
    data = as_(a["auditor"]).get(f"{API}/{cid}/ledger").json()
    head = data["head"]
    assert data["contract"]["id"] == cid and head["signature"] and head["key_id"]
    entry = data["entries"][0]
    assert entry["type"] == "contracts.contract_created" and entry["verified"] is True
    leaf = base64.b64decode(entry["leaf_input_b64"])
    assert json.loads(leaf) == entry["document"]
    path = [base64.b64decode(p) for p in entry["inclusion_proof_b64"]]
    assert merkle.verify_inclusion(
        head["hash_alg"],
        merkle.leaf_hash(leaf, head["hash_alg"]),
        entry["index"],
        head["tree_size"],
        path,
        bytes.fromhex(head["root_hash"]),
    )
    assert as_(a["other_owner"]).get(f"{API}/{cid}/ledger").status_code == 404
