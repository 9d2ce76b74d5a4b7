"""The registry API: deny by default; only the regulator or the organisation itself writes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from jianguan.ledger.models import LedgerEntry
from jianguan.registry.models import Qualification

pytestmark = pytest.mark.usefixtures("rules_loaded")
BASE = "/api/v1/registry"


def qual_body(number="D1"):
    return {
        "category": "建筑工程施工总承包",
        "grade": "一级",
        "number": number,
        "issuer": "住房和城乡建设部",
        "valid_from": "2024-01-01",
        "valid_to": "2029-01-01",
    }


def test_anonymous_is_refused(client, contractor):
    org = contractor.organisation.pk
    assert client.get(f"{BASE}/organisations/{org}/credentials").status_code == 401
    r = client.post(
        f"{BASE}/organisations/{org}/qualifications", qual_body(), content_type="application/json"
    )
    assert r.status_code == 401


def test_only_regulator_or_itself_writes(client, contractor, regulator, owner, bearer):
    org = contractor.organisation.pk
    url = f"{BASE}/organisations/{org}/qualifications"
    r = client.post(url, qual_body(), content_type="application/json", headers=bearer(owner))
    assert r.status_code == 403 and r.json()["code"] in {
        "not_own_organisation",
        "permission_denied",
    }
    r = client.post(url, qual_body(), content_type="application/json", headers=bearer(contractor))
    assert r.status_code == 201, r.content
    r = client.post(
        url, qual_body("D2"), content_type="application/json", headers=bearer(regulator)
    )
    assert r.status_code == 201
    r = client.post(
        url, qual_body("D2"), content_type="application/json", headers=bearer(regulator)
    )
    assert r.status_code == 409
    pk = r.json() and Qualification.objects.get(number="D2").pk
    r = client.patch(
        f"{BASE}/qualifications/{pk}",
        {"grade": "特级"},
        content_type="application/json",
        headers=bearer(owner),
    )
    assert r.status_code == 403
    r = client.get(f"{BASE}/organisations/{org}/credentials", headers=bearer(owner))
    assert r.status_code == 200 and len(r.json()["qualifications"]) == 2


def test_bad_input_is_a_chinese_400(client, contractor, bearer):
    org = contractor.organisation.pk
    body = qual_body() | {"valid_to": "2020-01-01"}
    r = client.post(
        f"{BASE}/organisations/{org}/qualifications",
        body,
        content_type="application/json",
        headers=bearer(contractor),
    )
    assert r.status_code == 400 and "早于" in r.json()["message"]
    assert not Qualification.objects.exists()


def test_standards_and_eligibility(client, regulator, contractor, bearer):
    r = client.post(
        f"{BASE}/standards",
        {"name": "本地", "criteria": {"local_awards": ["长城杯"]}},
        content_type="application/json",
        headers=bearer(regulator),
    )
    assert r.status_code == 400 and r.json()["code"] == "unlawful_criteria"
    assert "第三十二条" in r.json()["message"]
    r = client.post(
        f"{BASE}/standards",
        {"name": "许可证", "criteria": {"safety_licence": True, "no_sanctions": True}},
        content_type="application/json",
        headers=bearer(contractor),
    )
    assert r.status_code == 403
    r = client.post(
        f"{BASE}/standards",
        {"name": "许可证", "criteria": {"safety_licence": True, "no_sanctions": True}},
        content_type="application/json",
        headers=bearer(regulator),
    )
    assert r.status_code == 201
    standard = r.json()["id"]
    r = client.get(
        f"{BASE}/eligibility",
        {"organisation": contractor.organisation.pk, "standard": standard},
        headers=bearer(contractor),
    )
    body = r.json()
    assert r.status_code == 200 and body["passed"] is False
    failed = [x["criterion"] for x in body["reasons"] if not x["passed"]]
    # the compliance app registers the sanction provider: no sanctions in force → passes
    assert failed == ["safety_licence"]


def test_person_assignment_conflict(client, contractor, bearer, make_project):
    org = contractor.organisation.pk
    r = client.post(
        f"{BASE}/organisations/{org}/persons",
        {
            "name": "王建华",
            "kind": "constructor",
            "grade": "一级",
            "specialty": "建筑工程",
            "certificate_number": "京111",
            "valid_to": (dt.date.today() + dt.timedelta(days=900)).isoformat(),
        },
        content_type="application/json",
        headers=bearer(contractor),
    )
    assert r.status_code == 201, r.content
    person = r.json()["id"]
    start = dt.date.today().isoformat()
    for project, status in ((make_project(), 201), (make_project(), 409)):
        r = client.post(
            f"{BASE}/persons/{person}/assignments",
            {"project_id": project.pk, "role": "project_manager", "start": start},
            content_type="application/json",
            headers=bearer(contractor),
        )
        assert r.status_code == status, r.content
    assert "第二十一条" in r.json()["message"]


def test_import_endpoint(client, contractor, owner, bearer):
    book = Workbook()
    ws = book.active
    ws.title = "资质"
    ws.append(["资质类别", "资质等级", "证书编号", "发证机关", "有效期起", "有效期至"])
    ws.append(["建筑工程施工总承包", "五级", "D1", "住建部", "2024-01-01", "2029-01-01"])
    buf = io.BytesIO()
    book.save(buf)
    url = f"{BASE}/organisations/{contractor.organisation.pk}/import"
    before = LedgerEntry.objects.count()
    for who, status in ((owner, 403), (contractor, 400)):
        buf.seek(0)
        buf.name = "r.xlsx"
        r = client.post(url, {"file": buf}, headers=bearer(who))
        assert r.status_code == status, r.content
    assert "第 2 行" in r.json()["details"][0]
    assert LedgerEntry.objects.count() == before


def test_expiring_endpoint(client, contractor, bearer):
    r = client.get(f"{BASE}/expiring", {"within_days": 30}, headers=bearer(contractor))
    assert r.status_code == 200 and r.json() == []
    r = client.get(f"{BASE}/expiring", {"within_days": -1}, headers=bearer(contractor))
    assert r.status_code == 400
