"""The tendering API as a bidder's tool scripts it: chunked upload with resume, receipt,
unsealing; and the refusals a client meets."""

from __future__ import annotations

import datetime as dt

from jianguan.core.timeutil import now
from jianguan.projects.tests.test_services import PDF
from jianguan.tendering import sealer
from jianguan.tendering.bids import services as bid_services
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.test_services import _seal

API = "/api/v1/tendering"


def _create_and_publish(client, m, h):
    body = {
        "project_id": m["project"].pk,
        "title": "大兴区第一小学扩建工程施工",
        "procedure": "open_post",
        "estimate": "30000000.00",
        "lots": [
            {"title": "施工总承包", "price_ceiling": "29800000.00", "bond_amount": "500000.00"}
        ],
    }
    r = client.post(f"{API}/tenders", body, content_type="application/json", headers=h)
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    start = now() + dt.timedelta(minutes=1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {
        "documents_from": start.isoformat(),
        "sale_end": (start + dt.timedelta(days=5)).isoformat(),
        "bid_deadline": (start + dt.timedelta(days=3)).isoformat(),
        "documents": SimpleUploadedFile("招标文件.pdf", PDF, content_type="application/pdf"),
    }
    r = client.post(f"{API}/tenders/{tid}/publish", form, headers=h)
    assert r.status_code == 400 and r.json()["code"] == "deadline_too_short"
    assert "violations" in r.json()["details"]
    form["bid_deadline"] = (start + dt.timedelta(days=21)).isoformat()
    form["documents"] = SimpleUploadedFile("招标文件.pdf", PDF, content_type="application/pdf")
    r = client.post(f"{API}/tenders/{tid}/publish", form, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "published", r.content
    return tid


def test_upload_protocol_with_resume_and_unsealing(client, market, bearer, tmp_path, monkeypatch):
    monkeypatch.setattr(bid_services, "CHUNK_SIZE", 1024)
    owner = bearer(market["owner"])
    tid = _create_and_publish(client, market, owner)
    bidder = market["bidders"][0]
    h = bearer(bidder)
    private, public = sealer.generate_keypair()
    r = client.post(
        f"{API}/tenders/{tid}/keys",
        {"public_pem": public.decode()},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201 and len(r.json()["fingerprint"]) == 64
    package = _seal(tmp_path, public, "29000000.00")
    data = package.read_bytes()
    start = {
        "size": len(data),
        "sm3": sealer.package_sm3(package),
        "bond_amount": "500000.00",
        "bond_account": "0200004509200123456",
    }
    r = client.post(
        f"{API}/tenders/{tid}/lots/1/uploads", start, content_type="application/json", headers=h
    )
    assert r.status_code == 201, r.content
    up = r.json()
    assert up["chunks"] >= 3 and up["missing"] == list(range(up["chunks"]))
    uid, size = up["upload_id"], up["chunk_size"]

    def put(n, body=None):
        body = data[n * size : (n + 1) * size] if body is None else body
        return client.put(
            f"{API}/uploads/{uid}/chunks/{n}",
            body,
            content_type="application/octet-stream",
            headers=h,
        )

    assert put(0).status_code == 200
    # the connection drops; the tool asks what is missing and resumes
    r = client.get(f"{API}/uploads/{uid}", headers=h)
    assert r.json()["received"] == [0]
    r = client.post(f"{API}/uploads/{uid}/complete", headers=h)
    assert r.status_code == 409 and r.json()["code"] == "chunks_missing"
    assert put(0).json()["code"] == "chunk_duplicate"
    assert put(1, b"short").json()["code"] == "bad_chunk_size"
    for n in r.json()["details"]["missing"]:
        assert put(n).status_code == 200
    # another organisation cannot touch this upload
    assert client.get(f"{API}/uploads/{uid}", headers=owner).status_code == 404
    r = client.post(f"{API}/uploads/{uid}/complete", headers=h)
    assert r.status_code == 201, r.content
    receipt = r.json()
    assert receipt["package_sm3"] == start["sm3"] and receipt["receipt_number"].startswith("HZ")
    bid_id = receipt["bid_id"]
    # before opening nobody but the bidder learns the bid exists
    assert client.get(f"{API}/bids/{bid_id}", headers=owner).status_code == 404
    assert client.get(f"{API}/bids/{bid_id}", headers=h).json()["price"] is None
    r = client.get(f"{API}/bids/{bid_id}/package", headers=h)
    assert r.status_code == 200 and b"".join(r.streaming_content) == data
    assert client.get(f"{API}/bids/{bid_id}/package", headers=owner).status_code == 404
    Tender.objects.filter(pk=tid).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    r = client.post(
        f"{API}/tenders/{tid}/lots/1/uploads", start, content_type="application/json", headers=h
    )
    assert r.status_code == 400 and r.json()["code"] == "after_deadline"
    # two more bids are needed to open: simulate them as already received
    for other in market["bidders"][1:3]:
        Bid.objects.create(
            tender_id=tid,
            lot=Tender.objects.get(pk=tid).lots.get(),
            bidder_id=other.organisation_id,
            status="submitted",
            receipt_number=f"HZ-{other.organisation_id}",
            received_at=now(),
            package="x.zip",
            package_sm3="0" * 64,
            package_size=1,
            manifest={},
            key_fingerprint="x",
            bond_amount="500000",
            bond_account="1234567890",
            submitted_by="t",
        )
    tenders_advance()
    assert Tender.objects.get(pk=tid).status == "opening"
    key = sealer.unwrap_data_key(
        package=Bid.objects.get(pk=bid_id).package.path, private_pem=private
    )
    r = client.post(
        f"{API}/bids/{bid_id}/unseal",
        {"data_key": "zz" * 16},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_data_key"
    r = client.post(
        f"{API}/bids/{bid_id}/unseal",
        {"data_key": key.hex()},
        content_type="application/json",
        headers=h,
    )
    assert (
        r.status_code == 200
        and r.json()["price"] == "29000000.00"
        and r.json()["status"] == "opened"
    )


def test_anonymous_and_unknown(client, market, bearer):
    assert client.get(f"{API}/tenders").status_code == 401
    h = bearer(market["owner"])
    for url in (
        f"{API}/tenders/999999",
        f"{API}/bids/999999",
        f"{API}/uploads/not-a-uuid",
        f"{API}/tenders/x",
    ):
        r = client.get(url, headers=h)
        assert r.status_code == 404 and any("\u4e00" <= c <= "\u9fff" for c in r.json()["message"])
