"""The claims API as clients use it: the double review with the auditor's view checked as raw
JSON for the finance figures, and bad input answering 4xx with nothing changed."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from jianguan.contracts.models import BoqItem, PaymentClaim, ReviewCut
from jianguan.contracts.tests.test_claims import P1, P2, snapshot
from jianguan.core.timeutil import today_local

API = "/api/v1/contracts"


@pytest.fixture
def call(client, bearer, deal):
    tokens = {}

    def make(persona, method, path, data=None):
        if persona not in tokens:
            tokens[persona] = bearer(deal["actors"][persona])
        fn = getattr(client, method)
        if method == "get":
            return fn(f"{API}{path}", headers=tokens[persona])
        return fn(
            f"{API}{path}", data or {}, content_type="application/json", headers=tokens[persona]
        )

    return make


def text(response) -> str:
    """The JSON as readable text (the raw body escapes Chinese as \\uXXXX)."""
    return json.dumps(response.json(), ensure_ascii=False)


def body(deal, share="0.5", period=P1):
    items = BoqItem.objects.filter(contract=deal["contract"]).order_by("sequence")
    return {
        "period_start": str(period[0]),
        "period_end": str(period[1]),
        "lines": [
            {
                "code": i.code,
                "cumulative_quantity": str(i.quantity * D(share)),
                "evidence_note": "计量",
            }
            for i in items
        ],
    }


def test_double_review_over_the_api(call, deal):
    cid = deal["contract"].pk
    r = call("contractor", "post", f"/{cid}/claims", body(deal))
    assert r.status_code == 201, r.content
    claim = r.json()["claim"]
    k = claim["id"]
    assert claim["status"] == "draft" and claim["number"].startswith("JD-")
    assert all(c["passed"] for c in call("contractor", "get", f"/claims/{k}/checks").json())
    r = call("contractor", "post", f"/claims/{k}/submission")
    assert r.status_code == 200 and r.json()["claim"]["status"] == "supervisor", r.content
    assert [c["id"] for c in call("supervisor", "get", "/worklist").json()] == [k]
    for persona in ("supervisor", "owner"):
        assert call(persona, "post", f"/claims/{k}/reviews").status_code == 201
        r = call(persona, "post", f"/claims/{k}/reviews/submission", {"decision": "approve"})
        assert r.status_code == 200, r.content
    assert call("finance", "post", f"/claims/{k}/reviews").status_code == 201
    lines = call("finance", "get", f"/claims/{k}").json()["lines"]
    l0 = lines[0]
    secret_qty = str(D(l0["claimed"]) - D("11.111"))
    r = call(
        "finance",
        "put",
        f"/claims/{k}/reviews/cuts",
        {"line": l0["id"], "accepted_quantity": secret_qty, "reason": "财政评审核减机密理由"},
    )
    assert r.status_code == 200, r.content
    # the auditor may not start while finance is open: 409
    r = call("auditor", "post", f"/claims/{k}/reviews")
    assert r.status_code == 409 and r.json()["code"] == "previous_review_open"
    # the contractor does not see the finance draft
    raw = text(call("contractor", "get", f"/claims/{k}"))
    assert "财政评审核减机密理由" not in raw and secret_qty not in raw
    r = call("finance", "post", f"/claims/{k}/reviews/submission", {"opinion": "核减一项"})
    assert r.status_code == 200
    assert call("auditor", "post", f"/claims/{k}/reviews").status_code == 201
    r = call("auditor", "get", f"/claims/{k}")
    raw = text(r)
    assert "财政评审核减机密理由" not in raw and secret_qty not in raw and "核减一项" not in raw
    assert all(row["stages"]["finance"] is None for row in r.json()["lines"])
    assert r.json()["may"]["cut"] and r.json()["hidden_note"]
    # the contractor now sees the submitted finance review
    assert "财政评审核减机密理由" in text(call("contractor", "get", f"/claims/{k}"))
    # the auditor cuts less than finance on l0: the finance figure stands
    r = call(
        "auditor",
        "put",
        f"/claims/{k}/reviews/cuts",
        {"line": l0["id"], "accepted_quantity": str(D(l0["claimed"]) - 1), "reason": "审计复核"},
    )
    assert r.status_code == 200
    r = call("auditor", "post", f"/claims/{k}/reviews/submission", {})
    assert r.status_code == 200, r.content
    view = r.json()
    assert view["claim"]["status"] == "approved" and "财政评审核减机密理由" in text(r)
    assert view["lines"][0]["final"] == secret_qty
    payable = D(view["claim"]["payable_amount"])
    assert payable == (D(view["claim"]["approved_value"]) * D("0.85")).quantize(D("0.01"))
    over = {"amount": str(payable + D("0.01")), "paid_on": str(today_local()), "reference": "ZF-1"}
    r = call("owner", "post", f"/claims/{k}/payments", over)
    assert r.status_code == 400 and r.json()["code"] == "payment_exceeds_approved"
    assert "支付金额超过审定应付金额" in r.json()["message"]
    r = call("owner", "post", f"/claims/{k}/payments", {**over, "amount": str(payable)})
    assert r.status_code == 201 and r.json()["claim"]["status"] == "paid"
    assert [c["status"] for c in call("auditor", "get", f"/{cid}/claims").json()] == ["paid"]


def test_bad_input_over_the_api_changes_nothing(call, deal):
    cid = deal["contract"].pk
    before = snapshot()
    code0 = body(deal)["lines"][0]["code"]
    for quantity in ("-1", "abc", "NaN", "1e400", "1.2345"):
        data = body(deal)
        data["lines"][0]["cumulative_quantity"] = quantity
        r = call("contractor", "post", f"/{cid}/claims", data)
        assert r.status_code == 400, (quantity, r.content)
        assert r.json()["code"] == "bad_quantity" and r.json()["details"]["line"] == code0
        assert "工程量" in r.json()["message"]
    r = call("owner", "post", f"/{cid}/claims", body(deal))
    assert r.status_code == 403
    r = call("other_auditor", "post", f"/{cid}/claims", body(deal))
    assert r.status_code == 404
    assert call("contractor", "get", "/claims/999999").status_code == 404
    assert snapshot() == before
    k = call("contractor", "post", f"/{cid}/claims", body(deal)).json()["claim"]["id"]
    call("contractor", "post", f"/claims/{k}/submission")
    r = call("other_auditor", "post", f"/claims/{k}/reviews")
    assert r.status_code == 404  # not a party: the claim does not exist for them
    r = call("auditor", "post", f"/claims/{k}/reviews")
    assert r.status_code == 409 and r.json()["code"] == "previous_review_open"
    r = call(
        "owner",
        "put",
        f"/claims/{k}/reviews/cuts",
        {"line": 1, "accepted_quantity": "1", "reason": "x"},
    )
    assert r.status_code == 404 and r.json()["code"] == "review_not_started"
    call("supervisor", "post", f"/claims/{k}/reviews")
    r = call("supervisor", "post", f"/claims/{k}/reviews/submission", {"decision": "return"})
    assert r.status_code == 400 and r.json()["code"] == "opinion_missing"
    r = call(
        "owner",
        "post",
        f"/claims/{k}/payments",
        {"amount": "1", "paid_on": str(today_local()), "reference": "X"},
    )
    assert r.status_code == 409 and r.json()["code"] == "claim_not_approved"
    assert not ReviewCut.objects.exists()
    r = call("contractor", "patch", f"/claims/{k}", {"period_end": str(P2[1])})
    assert r.status_code == 409 and r.json()["code"] == "claim_locked"
    assert PaymentClaim.objects.get().period_end == P1[1]
