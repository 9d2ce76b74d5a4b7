"""The settlement audit through the API: the journey, independence of the two reviews in
what each reviewer reads, bad input (400 with a code, nothing changed), 403 before 400 and
404 for those who may not see."""

from __future__ import annotations

import json

from jianguan.cost.audit.models import AuditCut, SettlementAudit

URL = "/api/v1/cost"


def post(client, path, headers, body=None):
    return client.post(
        URL + path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_audit_journey_through_the_api(client, bearer, deal, account):
    a, o = deal["actors"], deal["orgs"]
    own, fin, aud, gc = (bearer(a[k]) for k in ("owner", "finance", "auditor", "contractor"))
    lines = {x.code: x.pk for x in account.lines.all()}
    # the contractor may not appoint; the owner may (403 before the body is read)
    r = post(client, f"/final-accounts/{account.pk}/audit", gc, {"firm_id": "x"})
    assert r.status_code == 403
    r = post(
        client,
        f"/final-accounts/{account.pk}/audit",
        own,
        {"firm_id": o["owner"].pk, "reference": "R"},
    )
    assert r.status_code == 400 and r.json()["code"] == "firm_not_auditor"
    r = post(
        client,
        f"/final-accounts/{account.pk}/audit",
        own,
        {"firm_id": o["auditor"].pk, "reference": "京兴审委1号"},
    )
    assert r.status_code == 201, r.content
    audit = r.json()
    aid = audit["id"]
    assert audit["state"] == "reviewing" and audit["firm_name"] == o["auditor"].name
    # bad cuts: NaN, negative, above the claim, a stage-settled line, a line of nothing
    for body, code in (
        ({"line_id": lines["BG-001"], "audited_amount": "NaN", "reason": "x"}, "bad_amount"),
        ({"line_id": lines["BG-001"], "audited_amount": "-1", "reason": "x"}, "bad_amount"),
        (
            {"line_id": lines["BG-001"], "audited_amount": "20000.01", "reason": "x"},
            "cut_out_of_range",
        ),
        ({"line_id": lines["010401001001"], "audited_amount": "1", "reason": "x"}, "stage_settled"),
    ):
        r = post(client, f"/audits/{aid}/cuts", aud, {"cuts": [body]})
        assert r.status_code == 400 and r.json()["code"] == code, (body, r.content)
    r = post(
        client,
        f"/audits/{aid}/cuts",
        aud,
        {"cuts": [{"line_id": 99999999, "audited_amount": "1", "reason": "x"}]},
    )
    assert r.status_code == 404
    assert not AuditCut.objects.exists()
    r = post(
        client,
        f"/audits/{aid}/cuts",
        aud,
        {"cuts": [{"line_id": lines["BG-001"], "audited_amount": "15000", "reason": "单价核减"}]},
    )
    assert r.status_code == 200 and r.json() == {"count": 1}
    r = post(
        client,
        f"/audits/{aid}/cuts",
        fin,
        {"cuts": [{"line_id": lines["BG-001"], "audited_amount": "17000.50", "reason": "量差"}]},
    )
    assert r.status_code == 200
    # the firm's line table shows its own cut, not finance's draft
    page = client.get(URL + f"/audits/{aid}/lines?show=cut", headers=aud).json()
    assert page["count"] == 1
    row = page["lines"][0]
    assert row["audit_amount"] == "15000.00" and row["finance_amount"] is None
    # the contractor sees no draft at all
    page = client.get(URL + f"/audits/{aid}/lines?show=cut", headers=gc).json()
    assert page["count"] == 0
    # the contractor may not cut (403), nor answer before both reviews are in (409)
    assert post(client, f"/audits/{aid}/cuts", gc, {"cuts": []}).status_code == 403
    assert post(client, f"/audits/{aid}/responses", gc, {"disputes": []}).status_code == 409
    assert post(client, f"/audits/{aid}/review/submit", fin, {"opinion": "同意"}).status_code == 200
    got = client.get(URL + f"/audits/{aid}", headers=aud).json()
    assert [r["stage"] for r in got["reviews"]] == ["audit"]  # finance's stays hidden
    assert post(client, f"/audits/{aid}/review/submit", aud, {}).status_code == 200
    got = client.get(URL + f"/audits/{aid}", headers=aud).json()
    assert {r["stage"] for r in got["reviews"]} == {"audit", "finance"}
    assert got["state"] == "responding" and got["proposed_amount"] == "201000.00"
    row = client.get(URL + f"/audits/{aid}/lines?show=cut", headers=gc).json()["lines"][0]
    assert (row["finance_amount"], row["audit_amount"], row["proposed_amount"]) == (
        "17000.50",
        "15000.00",
        "15000.00",
    )
    r = post(
        client,
        f"/audits/{aid}/responses",
        gc,
        {"disputes": [{"line_id": lines["BG-001"], "reason": "有签认"}]},
    )
    assert r.status_code == 200 and r.json()["state"] == "disputed"
    body = {
        "held_on": "2999-01-01",
        "venue": "会议室",
        "attendees": "各方",
        "minutes": "纪要",
        "figures": [{"line_id": lines["BG-001"], "final_amount": "16000"}],
    }
    r = post(client, f"/audits/{aid}/meetings", own, body)
    assert r.status_code == 400 and r.json()["code"] == "bad_date"
    body["held_on"] = "2026-01-05"
    body["figures"][0]["final_amount"] = "Infinity"
    assert post(client, f"/audits/{aid}/meetings", own, body).status_code == 400
    body["figures"][0]["final_amount"] = "16000"
    from jianguan.core.timeutil import today_local

    body["held_on"] = today_local().isoformat()
    assert post(client, f"/audits/{aid}/meetings", own, body).status_code == 201
    assert post(client, f"/audits/{aid}/report", own).status_code == 403
    r = post(client, f"/audits/{aid}/report", aud)
    assert r.status_code == 200, r.content
    got = r.json()
    # 206000 − 20000 + 16000 = 202000; (206000 − 202000) / 206000 = 1.94 %
    assert got["state"] == "reported" and got["audited_amount"] == "202000.00"
    assert got["reduction_ratio"] == "0.0194" and not got["credit_recorded"]


def test_outsiders_get_404(client, bearer, deal, account):
    from jianguan.cost.audit import services as svc

    a, o = deal["actors"], deal["orgs"]
    audit = svc.audit_engage(actor=a["owner"], account=account, firm=o["auditor"], reference="R")
    for who in ("other_owner", "other_auditor", "other_supervisor"):
        h = bearer(a[who])
        assert client.get(URL + f"/audits/{audit.pk}", headers=h).status_code == 404
        assert client.get(URL + f"/audits/{audit.pk}/lines", headers=h).status_code == 404
    assert client.get(URL + "/audits/abc", headers=bearer(a["owner"])).status_code == 404
    r = post(client, f"/audits/{audit.pk}/cuts", bearer(a["other_auditor"]), {"cuts": []})
    assert r.status_code == 404
    assert SettlementAudit.objects.count() == 1
