"""The sanctions API as a client uses it: issue, read, appeal, review, repair; the bad input."""

from __future__ import annotations

from jianguan.compliance.models import CreditRecord, Sanction, SanctionAppeal
from jianguan.ledger.models import LedgerEntry

API = "/api/v1/compliance"


def _post(client, url, data, headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def test_card_appeal_and_review_over_the_api(client, site, bearer):
    gc = site["orgs"]["general_contractor"]
    reg, gc_h = bearer(site["actors"]["regulator"]), bearer(site["actors"]["contractor"])
    card = {"organisation_id": gc.pk, "kind": "yellow", "reason": "扬尘治理不到位", "evidence": []}
    r = _post(client, f"{API}/sanctions/cards", card, gc_h)
    assert r.status_code == 403 and r.json()["code"] == "not_regulator"
    r = _post(client, f"{API}/sanctions/cards", card, reg)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (
        body["kind"] == "yellow" and body["status"] == "active" and body["number"].startswith("HP-")
    )
    sid = body["id"]
    assert CreditRecord.objects.filter(kind="yellow_card", source_id=sid).exists()
    r = client.get(f"{API}/sanctions/{sid}/notice.pdf", headers=gc_h)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert any(s["id"] == sid for s in client.get(f"{API}/sanctions", headers=gc_h).json())
    r = _post(client, f"{API}/sanctions/{sid}/appeals", {"text": "已整改完毕，附照片"}, gc_h)
    assert r.status_code == 201, r.content
    appeal = r.json()["id"]
    r = _post(client, f"{API}/appeals/{appeal}/review", {"decision": "maybe", "note": "x"}, reg)
    assert r.status_code == 400 and r.json()["code"] == "bad_decision"
    r = _post(
        client, f"{API}/appeals/{appeal}/review", {"decision": "revoked", "note": "核实撤销"}, reg
    )
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert client.get(f"{API}/sanctions/{sid}", headers=reg).json()["status"] == "revoked"
    r = client.get(f"{API}/public/sanctions", {"q": gc.credit_code})
    assert r.status_code == 200 and r.json()["count"] == 0  # revoked: no longer published


def test_blacklist_ban_and_repair_bad_input(client, site, bearer):
    gc = site["orgs"]["general_contractor"]
    reg = bearer(site["actors"]["regulator"])
    before = Sanction.objects.count(), LedgerEntry.objects.count()
    bad = [
        ("sanctions/blacklist", {"trigger": "rumour"}, 400, "unknown_trigger"),
        ("sanctions/blacklist", {"trigger": "large_accidents"}, 400, None),
        ("sanctions/procurement-bans", {"years": 7}, 400, "bad_ban_period"),
        ("sanctions/cards", {"kind": "green"}, 400, None),
        ("sanctions/cards", {"kind": "yellow", "organisation_id": 999999}, 404, "not_found"),
    ]
    for path, over, status, code in bad:
        data = {"organisation_id": gc.pk, "reason": "事由", "evidence": [], **over}
        r = _post(client, f"{API}/{path}", data, reg)
        assert r.status_code == status, (path, over, r.content)
        if code:
            assert r.json()["code"] == code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert (Sanction.objects.count(), LedgerEntry.objects.count()) == before
    data = {
        "organisation_id": gc.pk,
        "reason": "转包",
        "evidence": ["处罚决定书"],
        "trigger": "illegal_subletting",
    }
    r = _post(client, f"{API}/sanctions/blacklist", data, reg)
    assert r.status_code == 201 and r.json()["kind"] == "blacklist"
    r = _post(client, f"{API}/sanctions/{r.json()['id']}/repair", {"note": "已整改"}, reg)
    assert r.status_code == 400 and r.json()["code"] == "repair_too_early"
    ban = {"organisation_id": gc.pk, "reason": "提供虚假材料谋取中标", "evidence": [], "years": 2}
    r = _post(client, f"{API}/sanctions/procurement-bans", ban, reg)
    assert r.status_code == 201 and r.json()["kind"] == "procurement_ban"
    assert r.json()["effective_to"] > r.json()["effective_from"]
    assert not SanctionAppeal.objects.exists()
    assert client.get(f"{API}/sanctions/abc", headers=reg).status_code == 404
