"""The daily log API: the journey (prefill, create, photo, sign), 403 before 400, 409 on a
duplicate and on an edit after signing, a non-image photo refused, drafts hidden from others."""

from __future__ import annotations

from jianguan.collab.dailylogs.tests.conftest import DAY, jpeg_bytes

BASE = "/api/v1/collab/dailylogs"


def test_api_journey(site, attendance, client, bearer):
    gc = bearer(site["actors"]["contractor"])
    pid = site["project"].pk
    r = client.get(f"{BASE}/projects/{pid}/prefill?log_date={DAY}", headers=gc)
    assert r.status_code == 200 and r.json()["from_attendance"] is True
    labels = {m["trade_label"] for m in r.json()["manpower"]}
    assert labels == {"钢筋工", "电工"}
    body = {
        "kind": "construction",
        "log_date": str(DAY),
        "weather_am": "sunny",
        "work_done": "绑扎",
    }
    r = client.post(
        f"{BASE}/projects/{pid}/logs", body, content_type="application/json", headers=gc
    )
    assert r.status_code == 201, r.content
    log = r.json()
    assert log["manpower_total"] == 3 and log["status_label"] == "草稿"
    r = client.post(
        f"{BASE}/projects/{pid}/logs", body, content_type="application/json", headers=gc
    )
    assert r.status_code == 409 and r.json()["code"] == "duplicate_log"

    url = f"{BASE}/logs/{log['id']}"
    r = client.post(f"{url}/photos", {"photo": _file(b"GIF89a not allowed")}, headers=gc)
    assert r.status_code == 400 and r.json()["code"] == "bad_file_type"
    r = client.post(f"{url}/photos", {"photo": _file(jpeg_bytes()), "caption": "现场"}, headers=gc)
    assert r.status_code == 201
    assert client.get(r.json()["url"], headers=gc).status_code == 200

    # the owner sees no draft
    owner = bearer(site["actors"]["owner"])
    assert client.get(url, headers=owner).status_code == 404
    r = client.post(f"{url}/sign", headers=gc)
    assert r.status_code == 200 and r.json()["status"] == "signed"
    assert client.get(url, headers=owner).status_code == 200
    r = client.put(url, {"issues": "x"}, content_type="application/json", headers=gc)
    assert r.status_code == 409 and r.json()["code"] == "log_signed"
    r = client.post(
        f"{url}/addenda", {"issues": "更正"}, content_type="application/json", headers=gc
    )
    assert r.status_code == 201 and r.json()["addendum_of"] == log["id"]
    r = client.get(f"{BASE}/projects/{pid}/logs", headers=owner)
    assert [x["id"] for x in r.json()] == [log["id"]]  # the addendum is still a draft


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", data, "image/jpeg")


def test_403_before_400(site, client, bearer):
    owner = bearer(site["actors"]["owner"])
    pid = site["project"].pk
    r = client.post(
        f"{BASE}/projects/{pid}/logs", "not json", content_type="application/json", headers=owner
    )
    assert r.status_code == 403
    sup = bearer(site["actors"]["supervisor"])
    r = client.post(
        f"{BASE}/projects/{pid}/logs",
        {"kind": "construction", "log_date": str(DAY)},
        content_type="application/json",
        headers=sup,
    )
    assert r.status_code == 403 and r.json()["code"] == "not_log_writer"
    r = client.post(
        f"{BASE}/projects/{pid}/logs", {"kind": "x"}, content_type="application/json", headers=sup
    )
    assert r.status_code == 400


def test_finding_from_the_api(site, client, bearer):
    sup = bearer(site["actors"]["supervisor"])
    pid = site["project"].pk
    r = client.post(
        f"{BASE}/projects/{pid}/logs",
        {"kind": "supervision", "log_date": str(DAY), "issues": "临边"},
        content_type="application/json",
        headers=sup,
    )
    lid = r.json()["id"]
    body = {
        "type": "safety",
        "severity": "general",
        "description": "临边防护缺失",
        "responsible_organisation_id": site["orgs"]["general_contractor"].pk,
    }
    gc = bearer(site["actors"]["contractor"])
    r = client.post(f"{BASE}/logs/{lid}/finding", body, content_type="application/json", headers=gc)
    assert r.status_code == 403
    r = client.post(
        f"{BASE}/logs/{lid}/finding", body, content_type="application/json", headers=sup
    )
    assert r.status_code == 201 and r.json()["number"].startswith("ZG-")
