"""The policy API: the regulator's journey, the public library without login (no drafts),
403 before 400, acknowledgement by a non-targeted organisation refused."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

BASE = "/api/v1/collab/policies"
BODY = {
    "title": "危险性较大的分部分项工程安全管理规定",
    "issuer": "住房和城乡建设部",
    "number": "住房和城乡建设部令第37号",
    "issued_on": "2018-03-08",
    "effective_on": "2018-06-01",
    "full_text": "施工单位应当在危大工程施工前编制专项施工方案。",
    "tags": ["危大工程"],
    "target_kinds": ["general_contractor"],
}


def test_api_journey(regulator, contractor, supervisor, client, bearer):
    reg, gc, sup = bearer(regulator), bearer(contractor), bearer(supervisor)
    r = client.post(BASE, BODY, content_type="application/json", headers=reg)
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["targets"]["kind_labels"] == ["施工总承包单位"]
    assert client.get(f"{BASE}/public/{pid}").status_code == 404  # a draft: not public
    assert client.get(f"{BASE}/{pid}", headers=gc).status_code == 404
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    r = client.post(f"{BASE}/{pid}/attachments", {"file": pdf, "name": "原文"}, headers=reg)
    assert r.status_code == 201
    r = client.post(f"{BASE}/{pid}/publish", headers=reg)
    assert r.status_code == 200 and r.json()["status_label"] == "已发布"
    r = client.get(f"{BASE}/public?tag=危大工程")
    assert r.status_code == 200 and r.json()["count"] == 1
    att = r.json()["items"][0]["attachments"][0]["url"]
    assert client.get(att).status_code == 200
    assert client.get(f"{BASE}/public?year=2019").json()["count"] == 0
    r = client.get(f"{BASE}/{pid}", headers=gc)
    assert r.json()["targeted"] is True and r.json()["acknowledged_at"] is None
    r = client.post(f"{BASE}/{pid}/acknowledge", headers=sup)
    assert r.status_code == 403 and r.json()["code"] == "not_targeted"
    r = client.post(f"{BASE}/{pid}/acknowledge", headers=gc)
    assert r.status_code == 200 and r.json()["acknowledged_at"]
    r = client.get(f"{BASE}/{pid}/tracking", headers=reg)
    assert r.json()["acknowledged_percent"] == "100%"
    assert client.get(f"{BASE}/{pid}/tracking", headers=gc).status_code == 403
    r = client.put(f"{BASE}/{pid}", {"title": "x"}, content_type="application/json", headers=reg)
    assert r.status_code == 409


def test_403_before_400(contractor, client, bearer):
    r = client.post(BASE, {"title": 1}, content_type="application/json", headers=bearer(contractor))
    assert r.status_code == 403
    assert client.post(BASE, BODY, content_type="application/json").status_code == 401


def test_bad_body_400(regulator, client, bearer):
    body = {**BODY, "target_kinds": ["regulator"]}
    r = client.post(BASE, body, content_type="application/json", headers=bearer(regulator))
    assert r.status_code == 400
    body = {**BODY, "effective_on": "2018-01-01"}
    r = client.post(BASE, body, content_type="application/json", headers=bearer(regulator))
    assert r.status_code == 400 and r.json()["code"] == "bad_dates"
