"""Document management over the API: multipart upload of a document and of a new version, the
file served inline with its sniffed type and SM3, 413 above the limit, 400 for a refused type,
403 before 400, 404 for another organisation, the drawing register, search and transmittals."""

from __future__ import annotations

import json

from jianguan.collab.documents.tests.conftest import pdf_bytes, sm3, stored_files, upload

URL = "/api/v1/collab/documents"


def _post_doc(client, h, pid, data: bytes, name="plan.pdf", **fields):
    form = {"title": "施工组织设计", "discipline": "management", "reason": "报审", **fields}
    return client.post(
        f"{URL}/projects/{pid}/documents", {**form, "file": upload(data, name)}, headers=h
    )


def test_upload_journey_over_the_api(client, bearer, site, django_capture_on_commit_callbacks):
    gc = bearer(site["actors"]["contractor"])
    pid = site["project"].pk
    r = client.post(
        f"{URL}/projects/{pid}/folders",
        json.dumps({"name": "施工管理"}),
        content_type="application/json",
        headers=gc,
    )
    assert r.status_code == 201, r.content
    folder = r.json()
    assert folder["path"] == "/施工管理"
    data = pdf_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        r = _post_doc(client, gc, pid, data, folder_id=folder["id"], number="SZ-001")
    assert r.status_code == 201, r.content
    doc = r.json()
    assert doc["current"]["sm3"] == sm3(data) and doc["current"]["label"] == "V1"
    assert doc["folder_path"] == "/施工管理" and doc["kind_label"] == "文件"
    assert doc["current"]["uploaded_by"] and doc["current"]["organisation"]
    r = client.get(doc["current"]["file_url"], headers=gc)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Content-SM3"] == sm3(data)
    assert r["Content-Disposition"].startswith("inline")
    assert b"".join(r.streaming_content) == data
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"{URL}/documents/{doc['id']}/versions",
            {"reason": "按意见修改", "file": upload(pdf_bytes("二版"))},
            headers=gc,
        )
    assert r.status_code == 201, r.content
    assert r.json()["label"] == "V2"
    r = client.get(f"{URL}/documents/{doc['id']}", headers=bearer(site["actors"]["owner"]))
    assert r.status_code == 200
    versions = r.json()["versions"]
    assert [(v["label"], v["superseded"]) for v in versions] == [("V2", False), ("V1", True)]
    r = client.get(f"{URL}/projects/{pid}/search", {"q": "礼贤镇"}, headers=gc)
    assert r.status_code == 200 and [h["document_id"] for h in r.json()] == [doc["id"]]
    r = client.get(f"{URL}/projects/{pid}/documents", {"folder_id": folder["id"]}, headers=gc)
    assert [d["id"] for d in r.json()] == [doc["id"]]


def test_refusals_over_the_api(client, bearer, site, settings):
    gc = bearer(site["actors"]["contractor"])
    pid = site["project"].pk
    r = _post_doc(client, gc, pid, b"MZ\x90\x00" * 50, name="virus.pdf")
    assert r.status_code == 400 and r.json()["code"] == "bad_file_type"
    r = _post_doc(client, gc, pid, b"", name="empty.pdf")
    assert r.status_code == 400 and r.json()["code"] in ("empty_file", "missing_file")
    settings.COLLAB_DOCUMENT_MAX_BYTES = 1000
    r = _post_doc(client, gc, pid, pdf_bytes())
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    r = client.post(
        f"{URL}/projects/{pid}/documents", {"title": "x", "discipline": "general"}, headers=gc
    )
    assert r.status_code == 400 and r.json()["code"] == "missing_file"
    assert stored_files(site["media"]) == []
    # no grant: 403 before the body is read; another owner: 404 for the project
    r = client.post(
        f"{URL}/projects/{pid}/documents", {}, headers=bearer(site["actors"]["regulator"])
    )
    assert r.status_code in (403, 404)
    r = _post_doc(client, bearer(site["actors"]["other_owner"]), pid, pdf_bytes())
    assert r.status_code == 404


def test_another_organisation_cannot_see_or_download(client, bearer, site):
    gc = bearer(site["actors"]["contractor"])
    r = _post_doc(client, gc, site["project"].pk, pdf_bytes())
    doc = r.json()
    other = bearer(site["actors"]["other_owner"])
    for path in (
        f"/documents/{doc['id']}",
        f"/versions/{doc['current']['id']}",
        f"/versions/{doc['current']['id']}/file",
        f"/projects/{site['project'].pk}/documents",
        f"/projects/{site['project'].pk}/drawings",
    ):
        assert client.get(URL + path, headers=other).status_code == 404, path
    assert (
        client.get(
            doc["current"]["file_url"], headers=bearer(site["actors"]["regulator"])
        ).status_code
        == 200
    )


def test_drawing_register_and_transmittal_over_the_api(client, bearer, site):
    des = bearer(site["designer"])
    gc_actor = site["actors"]["contractor"]
    pid = site["project"].pk
    r = _post_doc(
        client,
        des,
        pid,
        pdf_bytes(),
        kind="drawing",
        drawing_number="结施-01",
        title="基础平面布置图",
        discipline="structure",
        scale="1:100",
    )
    assert r.status_code == 201, r.content
    doc = r.json()
    r = client.post(
        f"{URL}/documents/{doc['id']}/versions",
        {"reason": "会审意见", "file": upload(pdf_bytes("B"))},
        headers=des,
    )
    rev_b = r.json()
    r = client.get(f"{URL}/projects/{pid}/drawings", headers=des)
    row = r.json()[0]
    assert row["current_revision"] == "B" and [v["superseded"] for v in row["revisions"]] == [
        False,
        True,
    ]
    body = {
        "subject": "结施-01 B 版",
        "purpose": "construction",
        "version_ids": [rev_b["id"]],
        "recipient_ids": [gc_actor.organisation_id],
    }
    r = client.post(
        f"{URL}/projects/{pid}/transmittals",
        json.dumps(body),
        content_type="application/json",
        headers=des,
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["recipients"][0]["acknowledged"] is False and t["items"][0]["sm3"] == rev_b["sm3"]
    # the designer is no recipient: 403; the contractor acknowledges once, then 409
    assert client.post(f"{URL}/transmittals/{t['id']}/acknowledge", headers=des).status_code == 403
    gc = bearer(gc_actor)
    r = client.post(f"{URL}/transmittals/{t['id']}/acknowledge", headers=gc)
    assert r.status_code == 200 and r.json()["recipients"][0]["acknowledged"] is True
    assert client.post(f"{URL}/transmittals/{t['id']}/acknowledge", headers=gc).status_code == 409
    r = client.get(
        f"{URL}/transmittals", {"project_id": pid}, headers=bearer(site["actors"]["owner"])
    )
    assert [x["number"] for x in r.json()] == ["TR-0001"]
    assert (
        client.get(
            f"{URL}/transmittals/{t['id']}", headers=bearer(site["actors"]["other_owner"])
        ).status_code
        == 404
    )
