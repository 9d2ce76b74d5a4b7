"""Pages: the variations tab, raising one, its detail with evidence and the decision form; and
the acceptance tab with self-check, decision, failure → order, and the five-party panel."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from jianguan.compliance.models import RectificationOrder
from jianguan.contracts.models import AcceptanceItem, BoqItem, Contract, Variation
from jianguan.core.timeutil import today_local
from jianguan.projects.tests.test_services import member, pdf


def _as(client, actor):
    client.force_login(actor.user)
    return client


def test_variation_pages_journey(client, deal):
    c = deal["contract"]
    first = BoqItem.objects.filter(contract=c).order_by("sequence").first()
    _as(client, deal["actors"]["contractor"])
    page = client.get(reverse("contracts:variations", args=[c.pk]))
    assert page.status_code == 200 and "提出变更或签证" in page.content.decode()
    new_url = reverse("contracts:variation_new", args=[c.pk])
    form = client.get(new_url)
    assert form.status_code == 200 and first.code in form.content.decode()
    data = {
        "kind": "variation",
        "title": "楼梯加宽",
        "reason": "消防验收要求",
        "cause": "design_change",
        "cause_reference": "",
        "item_id": [str(first.pk)],
        "item_delta": ["abc"],
        "new_code": [""],
        "new_name": [""],
        "new_feature": [""],
        "new_unit": [""],
        "new_unit_rate": [""],
        "new_quantity": [""],
    }
    r = client.post(new_url, data)
    assert r.status_code == 400 and "设计变更文号" in r.content.decode()
    data["cause_reference"] = "设变-01"
    r = client.post(new_url, data)
    assert r.status_code == 400 and "须为数字" in r.content.decode()
    assert not Variation.objects.exists()
    data.update(
        item_delta=["4"],
        new_code=["01B777"],
        new_name=["加宽踏步"],
        new_unit=["m2"],
        new_unit_rate=["150.50"],
        new_quantity=["2"],
        files=[pdf("设计变更.pdf")],
    )
    r = client.post(new_url, data)
    v = Variation.objects.get()
    assert r.status_code == 302 and r.url == reverse("contracts:variation", args=[v.pk])
    detail = client.get(r.url).content.decode()
    assert v.number in detail and "01B777" in detail and "form-variation-decide" not in detail
    ev = v.evidence.get()
    r = client.get(reverse("contracts:variation", args=[v.pk]) + f"?evidence={ev.pk}")
    assert r.status_code == 200 and r["X-Content-SM3"] == ev.sm3
    assert (
        client.get(reverse("contracts:variation", args=[v.pk]) + "?evidence=999999").status_code
        == 404
    )
    # the supervisor sees the decision form; the owner does not yet
    _as(client, deal["actors"]["owner"])
    assert (
        "form-variation-decide"
        not in client.get(reverse("contracts:variation", args=[v.pk])).content.decode()
    )
    decide = reverse("contracts:variation_decide", args=[v.pk])
    r = client.post(decide, {"decision": "approve"})
    assert r.status_code == 409 and Variation.objects.get().status == "submitted"
    _as(client, deal["actors"]["supervisor"])
    assert (
        "form-variation-decide"
        in client.get(reverse("contracts:variation", args=[v.pk])).content.decode()
    )
    assert client.post(decide, {"decision": "approve", "opinion": "同意"}).status_code == 302
    _as(client, deal["actors"]["owner"])
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    expected = (first.unit_rate * 4 + Decimal("301.00")).quantize(Decimal("0.01"))
    assert Contract.objects.get(pk=c.pk).current_value == c.price + expected
    tab = client.get(
        reverse("contracts:variations", args=[c.pk]) + "?kind=variation"
    ).content.decode()
    assert "已批准" in tab and str(expected) in tab
    assert client.get(reverse("contracts:variation", args=[10**25])).status_code == 404
    # strangers get 404
    _as(client, deal["actors"]["other_owner"])
    assert client.get(reverse("contracts:variation", args=[v.pk])).status_code == 404
    assert client.get(reverse("contracts:variations", args=[c.pk])).status_code == 404


def test_acceptance_page_journey(client, deal):
    c = deal["contract"]
    url = reverse("contracts:acceptance", args=[c.pk])
    _as(client, deal["actors"]["contractor"])
    assert client.get(url).status_code == 200
    assert (
        client.post(
            url, {"action": "add", "level": "unit", "code": "U1", "name": "教学楼"}
        ).status_code
        == 302
    )
    unit = AcceptanceItem.objects.get()
    r = client.post(
        url, {"action": "add", "level": "lot", "code": "L1", "name": "x", "parent": str(unit.pk)}
    )
    assert r.status_code == 400 and "下一级" in r.content.decode()
    r = client.post(url, {"action": "sign", "signed_on": today_local().isoformat()})
    assert r.status_code == 409 and "单位工程" in r.content.decode()
    decide = reverse("contracts:acceptance_decide", args=[unit.pk])
    assert client.post(decide, {"passed": "1"}).status_code == 403
    huge = reverse("contracts:acceptance_self_check", args=[10**25])
    assert client.post(huge, {}).status_code == 404
    r = client.post(reverse("contracts:acceptance_self_check", args=[unit.pk]), {"note": "合格"})
    assert r.status_code == 302
    _as(client, deal["actors"]["supervisor"])
    page = client.get(url).content.decode()
    assert "不合格，下达整改" in page
    r = client.post(decide, {"passed": "0", "opinion": ""})
    assert r.status_code == 400 and "验收意见" in r.content.decode()
    assert (
        client.post(
            decide, {"passed": "0", "opinion": "外墙渗水", "severity": "general"}
        ).status_code
        == 302
    )
    order = RectificationOrder.objects.get()
    assert order.number in client.get(url).content.decode()
    assert AcceptanceItem.objects.get().order_id == order.pk
    # the designer (a five-party lead, not a contract party) sees the panel but cannot sign yet
    designer = member(deal["orgs"]["designer"], "des7", ["signer"])
    _as(client, designer)
    page = client.get(url)
    assert page.status_code == 200 and "五方责任主体竣工验收" in page.content.decode()
    assert "form-completion-sign" not in page.content.decode()


def test_owner_signs_the_completion_record_from_the_page(client, deal):
    from jianguan.contracts.acceptance import services as svc
    from jianguan.projects.models import CompletionSignature

    c = deal["contract"]
    unit = svc.acceptance_item_add(
        actor=deal["actors"]["contractor"], contract=c, level="unit", code="U1", name="教学楼"
    )
    svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=unit)
    svc.acceptance_decide(actor=deal["actors"]["supervisor"], item=unit, passed=True)
    url = reverse("contracts:acceptance", args=[c.pk])
    _as(client, deal["actors"]["owner"])
    assert "form-completion-sign" in client.get(url).content.decode()
    r = client.post(url, {"action": "sign", "signed_on": "2026-13-40"})
    assert r.status_code == 400 and "日期" in r.content.decode()
    r = client.post(url, {"action": "sign", "signed_on": today_local().isoformat()})
    assert r.status_code == 302
    sig = CompletionSignature.objects.get()
    assert sig.party == "owner" and sig.signed_on == today_local()
    assert "form-completion-sign" not in client.get(url).content.decode()
