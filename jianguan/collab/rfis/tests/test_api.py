"""RFIs and submittals through the API: the journey, filters, the variation link, the stamped
PDF, bad input (400 with a code), 403 before 400, and 404 for those who may not see."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from jianguan.collab.rfis.tests.conftest import make_pdf, pdf_upload

URL = "/api/v1/collab"


def post(client, path, headers, body):
    return client.post(
        URL + path, data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_rfi_journey_through_the_api(client, bearer, team, clock):
    a, o = team["actors"], team["orgs"]
    gc, des = bearer(a["contractor"]), bearer(a["designer"])
    body = {
        "project_id": team["project"].pk,
        "kind": "technical",
        "subject": "外墙防水层数",
        "question": "S-03 与 A-12 不一致",
        "addressed_to_id": o["designer"].pk,
        "cost_impact": True,
        "cost_estimate": "86000.00",
        "schedule_impact_days": 3,
    }
    r = post(client, "/rfis", gc, body)
    assert r.status_code == 201, r.content
    rfi = r.json()
    assert rfi["state"] == "open" and rfi["court"] == "addressee"
    assert rfi["court_organisation_name"] == o["designer"].name
    assert rfi["asked_by_organisation_name"] == o["general_contractor"].name
    assert rfi["due_on"] and rfi["actions"] == []
    rid = rfi["id"]
    # the designer sees it in its court, with its actions
    mine = client.get(URL + "/rfis?court=mine", headers=des).json()
    assert [x["id"] for x in mine] == [rid]
    assert client.get(URL + f"/rfis/{rid}", headers=des).json()["actions"] == ["answer", "return"]
    # not the contractor's turn: 403 with the code
    r = post(client, f"/rfis/{rid}/actions", gc, {"action": "answer", "text": "x"})
    assert r.status_code == 403 and r.json()["code"] == "not_in_court"
    r = post(client, f"/rfis/{rid}/actions", des, {"action": "answer", "text": ""})
    assert r.status_code == 400
    r = post(client, f"/rfis/{rid}/actions", des, {"action": "answer", "text": "以 S-03 为准"})
    assert r.status_code == 200 and r.json()["state"] == "answered"
    r = post(client, f"/rfis/{rid}/comments", gc, {"text": "收到"})
    assert r.status_code == 201 and r.json()["responses"][-1]["action_label"] == "留言"
    line = {
        "code": "010904001099",
        "name": "增设防水卷材",
        "unit": "m2",
        "unit_rate": "86",
        "quantity": "1000",
    }
    r = post(
        client, f"/rfis/{rid}/variation", gc, {"contract_id": team["contract"].pk, "lines": [line]}
    )
    assert r.status_code == 201, r.content
    assert r.json()["variation_number"].startswith("BG-")
    listed = client.get(URL + f"/rfis?project_id={team['project'].pk}", headers=gc).json()
    assert listed[0]["variation_id"] == r.json()["variation_id"]


def test_rfi_bad_input_and_access(client, bearer, team, clock):
    a, o = team["actors"], team["orgs"]
    gc = bearer(a["contractor"])
    body = {
        "project_id": team["project"].pk,
        "kind": "technical",
        "subject": "s",
        "question": "q",
        "addressed_to_id": o["outsider"].pk,
    }
    r = post(client, "/rfis", gc, body)
    assert r.status_code == 400 and r.json()["code"] == "addressee_not_in_project"
    # a regulator may not raise RFIs: 403 before the (bad) body is read
    r = post(client, "/rfis", bearer(a["regulator"]), {"nonsense": 1})
    assert r.status_code == 403
    r = post(client, "/rfis", bearer(a["outsider"]), {**body, "addressed_to_id": o["designer"].pk})
    assert r.status_code == 404  # the outsider does not see the project
    ok = post(client, "/rfis", gc, {**body, "addressed_to_id": o["designer"].pk}).json()
    assert client.get(URL + f"/rfis/{ok['id']}", headers=bearer(a["outsider"])).status_code == 404
    assert client.get(URL + f"/rfis/{ok['id']}", headers=bearer(a["regulator"])).status_code == 200
    assert client.get(URL + "/rfis/abc", headers=gc).status_code == 404
    assert client.get(URL + "/rfis?state=nope", headers=gc).status_code in (400, 422)


def test_submittal_through_the_api(client, bearer, team, clock):
    a = team["actors"]
    gc, sup = bearer(a["contractor"]), bearer(a["supervisor"])
    form = {
        "project_id": team["project"].pk,
        "kind": "construction_design",
        "title": "施工组织设计",
    }
    r = client.post(URL + "/submittals", {**form, "file": io.BytesIO(b"GIF89a...")}, headers=gc)
    assert r.status_code == 400 and r.json()["code"] == "not_pdf"
    upload = pdf_upload()
    r = client.post(URL + "/submittals", {**form, "file": upload}, headers=gc)
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["state_label"] == "待审查"
    # the contractor may not review: 403 before the body is read
    assert post(client, f"/submittals/{sid}/review", gc, {}).status_code == 403
    r = post(client, f"/submittals/{sid}/review", sup, {"decision": "approved"})
    assert r.status_code == 200 and r.json()["revisions"][0]["stamped"]
    code = r.json()["revisions"][0]["document_code"]
    pdf = client.get(URL + f"/submittals/{sid}/pdf", headers=gc)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[-1].extract_text()
    assert "审核通过" in text and code in text
    assert len(pdf.content) != len(make_pdf())
    listed = client.get(URL + "/submittals?state=approved", headers=gc).json()
    assert [x["id"] for x in listed] == [sid]
    assert client.get(URL + f"/submittals/{sid}", headers=bearer(a["outsider"])).status_code == 404
