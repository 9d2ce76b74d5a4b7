"""The API and the contract's 预付款与质量保证金 page: the same journey by HTTP, refusals in
Chinese with stable codes and nothing changed; 403 before 400."""

from __future__ import annotations

import pytest

from jianguan.cost.payments.models import AdvancePayment, AdvanceTerms


def _client(client, actor):
    client.force_login(actor.user)
    return client


@pytest.fixture
def api(money, client):
    return money, client


def test_api_journey_and_refusals(api):
    m, client = api
    cid = m["contract"].pk
    base = f"/api/v1/cost/payments/contracts/{cid}"
    c = _client(client, m["actors"]["contractor"])
    # 403 before 400: the contractor may not set terms, whatever the body
    r = c.put(f"{base}/terms", data={"start_ratio": "NaN"}, content_type="application/json")
    assert r.status_code == 403
    c = _client(client, m["actors"]["owner"])
    r = c.put(
        f"{base}/terms",
        data={"start_ratio": "0.2", "rate": "0.25", "defects_period_months": 12},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["terms"]["rate"] == "0.2500"
    c = _client(client, m["actors"]["contractor"])
    body = {
        "amount": "6882.57",
        "guarantee_number": "YFBH-1",
        "guarantee_issuer": "中国银行",
        "guarantee_amount": "7000.00",
        "guarantee_expires_on": "2099-01-01",
    }
    r = c.post(f"{base}/advance", data=body, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "advance_above_ratio"
    assert "超过合同价的 10%" in r.json()["message"]
    assert not AdvancePayment.objects.exists()
    r = c.post(f"{base}/advance", data={**body, "amount": "NaN"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "bad_amount"
    r = c.post(
        f"{base}/advance", data={**body, "amount": "6882.56"}, content_type="application/json"
    )
    assert r.status_code == 201
    aid = r.json()["advance"]["id"]
    assert r.json()["advance"]["status_label"] == "承包人已申请，待建设单位审批"
    c = _client(client, m["actors"]["owner"])
    r = c.post(
        f"/api/v1/cost/payments/advances/{aid}/decision",
        data={"approve": True},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["advance"]["status"] == "approved"
    c = _client(client, m["actors"]["finance"])
    r = c.post(
        f"/api/v1/cost/payments/advances/{aid}/payment",
        data={"paid_on": "2099-01-01", "reference": "X"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_date"
    from jianguan.core.timeutil import today_local

    r = c.post(
        f"/api/v1/cost/payments/advances/{aid}/payment",
        data={"paid_on": today_local().isoformat(), "reference": "GKZF-1"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["position"]["advance_outstanding"] == "6882.56"
    # release before completion: 409 with its code
    c = _client(client, m["actors"]["contractor"])
    r = c.post(f"{base}/releases", data={"amount": "1.00"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "defects_period_not_started"
    # a stranger's contract is not found
    c = _client(client, m["actors"]["other_owner"])
    assert c.get(base).status_code == 404


def test_page_shows_position_and_the_parties_forms(api):
    m, client = api
    AdvanceTerms.objects.create(
        contract=m["contract"], start_ratio="0.2", rate="0.25", set_by="factory"
    )
    url = f"/cost/payments/contracts/{m['contract'].pk}/"
    page = _client(client, m["actors"]["contractor"]).get(url).content.decode()
    assert "预付款与质保金" in page and 'id="advance-request-form"' in page
    assert "起扣点" in page and "20%" in page and "13,765.12" in page  # 20 % of 68,825.62
    assert 'id="terms-form"' not in page
    page = _client(client, m["actors"]["owner"]).get(url).content.decode()
    assert 'id="terms-form"' in page and 'id="advance-request-form"' not in page
    # a bad form comes back with the Chinese message and nothing written
    c = _client(client, m["actors"]["contractor"])
    r = c.post(
        url + "act/",
        {
            "action": "advance_request",
            "amount": "9999999",
            "guarantee_number": "A",
            "guarantee_issuer": "B",
            "guarantee_amount": "9999999",
            "guarantee_expires_on": "2099-01-01",
        },
    )
    assert r.status_code == 400 and "超过合同价的 10%" in r.content.decode()
    assert not AdvancePayment.objects.exists()
    r = c.post(
        url + "act/",
        {
            "action": "advance_request",
            "amount": "6882.56",
            "guarantee_number": "A",
            "guarantee_issuer": "B",
            "guarantee_amount": "6882.56",
            "guarantee_expires_on": "2099-01-01",
        },
    )
    assert r.status_code == 302
    r = c.post(url + "act/", {"action": "hold_add", "amount": "1", "reason": "x"})
    assert r.status_code == 403  # the contractor holds nothing
    page = _client(client, m["actors"]["owner"]).get(url).content.decode()
    assert 'id="advance-decide-form"' in page and "6,882.56" in page
    # the contract page links the tab
    detail = client.get(f"/contracts/{m['contract'].pk}/").content.decode()
    assert url in detail
