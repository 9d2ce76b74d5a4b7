"""Permission before validation and lookup: a caller who may not enter credit records or
review appeals is refused with a 403, never told that its body or the appeal id is wrong."""

from __future__ import annotations

API = "/api/v1/compliance"


def test_a_contractor_entering_a_credit_record_gets_403_not_400_on_the_subject(
    client, world, bearer
):
    body = {"kind": "award", "occurred_on": "2026-01-05", "description": "x"}  # no subject
    r = client.post(
        f"{API}/credit/records",
        body,
        content_type="application/json",
        headers=bearer(world["actors"]["contractor"]),
    )
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "permission_denied"


def test_a_missing_appeal_is_403_to_others_and_404_only_to_the_regulator(client, world, bearer):
    body = {"decision": "upheld", "note": "维持"}
    url = f"{API}/appeals/999999/review"
    r = client.post(
        url, body, content_type="application/json", headers=bearer(world["actors"]["contractor"])
    )
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "not_regulator"
    r = client.post(
        url, body, content_type="application/json", headers=bearer(world["actors"]["regulator"])
    )
    assert r.status_code == 404 and r.json()["code"] == "appeal_not_found"


def test_the_credit_record_page_refuses_a_non_regulator_with_403(client, world):
    client.login(username="gc1", password="Persona-pass-2026")
    r = client.post("/compliance/credit/records/", {})
    assert r.status_code == 403
