"""The claim pages: a contractor's claim through the forms, the automatic checks on the page,
the independence of the double review in what each party sees, payments and the worklist."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from jianguan.contracts import workflow
from jianguan.contracts.claims import reviews as review_services
from jianguan.contracts.claims import services as claim_services
from jianguan.contracts.models import BoqItem, Payment, PaymentClaim, Review, ReviewCut
from jianguan.core.timeutil import today_local

pytestmark = pytest.mark.django_db

FINANCE_REASON = "财政评审：现场复核桩基数量不足"
AUDIT_REASON = "审计复审：按竣工图核减"


def _period():
    end = today_local()
    return end - dt.timedelta(days=20), end


def _items(contract):
    return list(BoqItem.objects.filter(contract=contract).order_by("sequence"))


def _post_claim(client, contract, quantities: dict, **extra):
    start, end = _period()
    data = {"period_start": start.isoformat(), "period_end": end.isoformat(), **extra}
    for item, q in quantities.items():
        data[f"q_{item.pk}"] = q
        data[f"n_{item.pk}"] = f"{item.code} 计量单"
    return client.post(reverse("contracts:claim_new", args=[contract.pk]), data)


def _draft(deal, fraction=Decimal("0.5")):
    contract = deal["contract"]
    start, end = _period()
    return claim_services.claim_create(
        actor=deal["actors"]["contractor"],
        contract=contract,
        period_start=start,
        period_end=end,
        lines=[
            {
                "boq_item": it.pk,
                "cumulative_quantity": str((it.quantity * fraction).quantize(Decimal("0.001"))),
            }
            for it in _items(contract)
        ],
    )


def _through(deal, claim, until: str):
    """Review the claim stage by stage (approve) up to, not including, `until`."""
    who = {"supervisor": "supervisor", "owner": "owner", "finance": "finance", "audit": "auditor"}
    for stage in workflow.CHAIN:
        if stage == until:
            return
        actor = deal["actors"][who[stage]]
        review = review_services.review_start(actor=actor, claim=claim)
        if stage == workflow.C_FINANCE:
            line = claim.lines.order_by("boq_item__sequence").first()
            review_services.review_cut(
                actor=actor,
                review=review,
                line=line,
                accepted_quantity=(line.cumulative_quantity - Decimal("7.000")),
                reason=FINANCE_REASON,
            )
        review_services.review_submit(
            actor=actor, review=review, decision="approve", opinion="同意"
        )
        claim.refresh_from_db()


def _approved(deal):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    claim.refresh_from_db()
    _through(deal, claim, "none")
    claim.refresh_from_db()
    return claim


# --- contractor: create and submit -------------------------------------------------------------


def test_contractor_creates_and_submits_a_claim_through_the_pages(deal, login_as):
    contract = deal["contract"]
    client = login_as(deal["actors"]["contractor"])
    tab = client.get(reverse("contracts:claims", args=[contract.pk]))
    assert tab.status_code == 200 and "新建进度款申请" in tab.content.decode()
    page = client.get(reverse("contracts:claim_new", args=[contract.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    items = _items(contract)
    assert all(it.code in body for it in items) and 'id="boq-search"' in body

    half = {it: str((it.quantity / 2).quantize(Decimal("0.001"))) for it in items[:3]}
    response = _post_claim(client, contract, half)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = PaymentClaim.objects.get(contract=contract)
    assert claim.status == workflow.C_DRAFT and claim.lines.count() == 3
    page = client.get(response.url).content.decode()
    assert claim.number in page and 'data-check="quantity_exceeds_boq" data-passed="1"' in page

    done = client.post(reverse("contracts:claim_submit", args=[claim.pk]))
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == workflow.C_SUPERVISOR and claim.round == 1
    tab = client.get(reverse("contracts:claims", args=[contract.pk])).content.decode()
    assert claim.number in tab and "监理审核中" in tab


def test_inflated_quantity_shows_the_failed_check_and_nothing_is_submitted(deal, login_as):
    contract = deal["contract"]
    client = login_as(deal["actors"]["contractor"])
    first = _items(contract)[0]
    response = _post_claim(client, contract, {first: str(first.current_quantity * 3)})
    assert response.status_code == 302
    claim = PaymentClaim.objects.get(contract=contract)
    page = client.get(response.url).content.decode()
    assert 'data-check="quantity_exceeds_boq" data-passed="0"' in page

    refused = client.post(reverse("contracts:claim_submit", args=[claim.pk]))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "自动校验未通过" in body and f"{first.code} {first.name}：累计申报" in body
    claim.refresh_from_db()
    assert claim.status == workflow.C_DRAFT and claim.round == 0 and claim.submitted_at is None


def test_bad_quantities_keep_what_was_typed_and_create_nothing(deal, login_as):
    contract = deal["contract"]
    client = login_as(deal["actors"]["contractor"])
    a, b, c = _items(contract)[:3]
    response = _post_claim(client, contract, {a: "abc", b: "-5", c: "NaN"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "累计工程量须为数字" in body and "累计工程量不能为负数" in body
    assert "累计工程量须为有限的数字" in body and 'value="abc"' in body
    assert not PaymentClaim.objects.exists()
    empty = _post_claim(client, contract, {})
    assert empty.status_code == 400 and "请至少填写一个清单项" in empty.content.decode()
    start, end = _period()
    backwards = client.post(
        reverse("contracts:claim_new", args=[contract.pk]),
        {"period_start": end.isoformat(), "period_end": start.isoformat(), f"q_{a.pk}": "1"},
    )
    assert backwards.status_code == 400 and "不能早于开始日期" in backwards.content.decode()
    assert not PaymentClaim.objects.exists()


def test_draft_can_be_corrected_on_the_same_page(deal, login_as):
    claim = _draft(deal)
    client = login_as(deal["actors"]["contractor"])
    url = reverse("contracts:claim_new", args=[deal["contract"].pk]) + f"?claim={claim.pk}"
    page = client.get(url)
    assert page.status_code == 200 and claim.number in page.content.decode()
    first = _items(deal["contract"])[0]
    start, end = _period()
    response = client.post(
        url,
        {"period_start": start.isoformat(), "period_end": end.isoformat(), f"q_{first.pk}": "1.5"},
    )
    assert response.status_code == 302
    assert claim.lines.get().cumulative_quantity == Decimal("1.500")
    assert (
        client.get(
            reverse("contracts:claim_new", args=[deal["contract"].pk]) + "?claim=x"
        ).status_code
        == 404
    )


def test_only_the_contractor_may_claim_and_strangers_get_404(deal, login_as, client):
    contract = deal["contract"]
    owner = login_as(deal["actors"]["owner"])
    assert owner.get(reverse("contracts:claim_new", args=[contract.pk])).status_code == 403
    tab = owner.get(reverse("contracts:claims", args=[contract.pk])).content.decode()
    assert "新建进度款申请" not in tab
    claim = _draft(deal)
    stranger = login_as(deal["actors"]["other_auditor"])
    assert stranger.get(reverse("contracts:claim", args=[claim.pk])).status_code == 404
    assert stranger.get(reverse("contracts:claims", args=[contract.pk])).status_code == 404


# --- reviews: the UI and independence ----------------------------------------------------------


def test_supervisor_reviews_through_the_page(deal, login_as):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    client = login_as(deal["actors"]["supervisor"])
    url = reverse("contracts:claim_review", args=[claim.pk])
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert 'id="start-review"' in page
    assert client.post(url, {"action": "start"}).status_code == 302
    line = claim.lines.order_by("boq_item__sequence").first()
    bad = client.post(
        url, {"action": "cut", "line": line.pk, "accepted_quantity": "-1", "reason": "x"}
    )
    assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
    assert not ReviewCut.objects.exists()
    ok = client.post(
        url,
        {"action": "cut", "line": line.pk, "accepted_quantity": "10", "reason": "监理：按实测核减"},
    )
    assert ok.status_code == 302
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert "监理：按实测核减" in page
    returned = client.post(url, {"action": "submit", "decision": "return", "opinion": ""})
    assert returned.status_code == 400 and "退回时请填写审核意见" in returned.content.decode()
    sent = client.post(
        url, {"action": "submit", "decision": "approve", "opinion": "同意报建设单位"}
    )
    assert sent.status_code == 302
    claim.refresh_from_db()
    assert claim.status == workflow.C_OWNER
    assert client.post(url, {"action": "bogus"}).status_code == 400


def test_contractor_never_sees_a_draft_cut(deal, login_as):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    sup = deal["actors"]["supervisor"]
    review = review_services.review_start(actor=sup, claim=claim)
    line = claim.lines.order_by("boq_item__sequence").first()
    review_services.review_cut(
        actor=sup,
        review=review,
        line=line,
        accepted_quantity=Decimal("3"),
        reason="监理草稿审减理由",
    )
    client = login_as(deal["actors"]["contractor"])
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert "监理草稿审减理由" not in page
    assert 'id="hidden-note"' in page
    review_services.review_submit(actor=sup, review=review, decision="approve", opinion="同意")
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert "监理草稿审减理由" in page


def test_auditor_cannot_see_the_finance_cut_until_the_audit_is_submitted(deal, login_as):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    _through(deal, claim, workflow.C_AUDIT)
    assert claim.status == workflow.C_AUDIT
    finance_cut = ReviewCut.objects.get(review__stage=workflow.C_FINANCE)
    hidden_qty = f"{finance_cut.accepted_quantity.normalize():f}"

    client = login_as(deal["actors"]["auditor"])
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert FINANCE_REASON not in page and hidden_qty not in page
    assert 'id="hidden-note"' in page and "不可见" in page
    # the auditor reviews through the page
    url = reverse("contracts:claim_review", args=[claim.pk])
    assert client.post(url, {"action": "start"}).status_code == 302
    line = finance_cut.line
    client.post(
        url, {"action": "cut", "line": line.pk, "accepted_quantity": "12.5", "reason": AUDIT_REASON}
    )
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert AUDIT_REASON in page and FINANCE_REASON not in page
    assert (
        client.post(
            url, {"action": "submit", "decision": "approve", "opinion": "复审同意"}
        ).status_code
        == 302
    )
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert FINANCE_REASON in page and hidden_qty in page

    # the finance bureau never saw the audit draft either, but sees it once submitted
    finance = login_as(deal["actors"]["finance"])
    assert AUDIT_REASON in finance.get(reverse("contracts:claim", args=[claim.pk])).content.decode()


def test_worklist_shows_the_claim_to_the_finance_bureau_not_the_auditor(deal, login_as):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    _through(deal, claim, workflow.C_FINANCE)
    finance = login_as(deal["actors"]["finance"])
    page = finance.get(reverse("contracts:worklist")).content.decode()
    assert claim.number in page and deal["contract"].project.name in page and "天" in page
    auditor = login_as(deal["actors"]["auditor"])
    page = auditor.get(reverse("contracts:worklist")).content.decode()
    assert claim.number not in page
    # the supervisor's submitted review is in its 已审 tab
    sup = login_as(deal["actors"]["supervisor"])
    done = sup.get(reverse("contracts:worklist") + "?tab=done").content.decode()
    assert claim.number in done and "监理审核" in done
    contractor = login_as(deal["actors"]["contractor"])
    assert contractor.get(reverse("contracts:worklist")).status_code == 403


# --- approval, payment -------------------------------------------------------------------------


def test_approved_claim_shows_amounts_and_the_owner_records_payment(deal, login_as):
    claim = _approved(deal)
    assert claim.status == workflow.C_APPROVED
    client = login_as(deal["actors"]["owner"])
    url = reverse("contracts:claim", args=[claim.pk])
    page = client.get(url).content.decode()
    assert 'id="certificate-link"' in page and 'id="pay-form"' in page
    assert f"{claim.payable_amount:.2f}" in page
    pay = reverse("contracts:claim_pay", args=[claim.pk])
    too_much = client.post(
        pay,
        {
            "amount": str(claim.payable_amount + 1),
            "paid_on": today_local().isoformat(),
            "reference": "PZ-1",
        },
    )
    assert too_much.status_code == 400 and "超过审定应付金额" in too_much.content.decode()
    for bad in ("NaN", "-3", "1.234", "1e400"):
        r = client.post(
            pay, {"amount": bad, "paid_on": today_local().isoformat(), "reference": "PZ-1"}
        )
        assert r.status_code == 400, bad
    assert not Payment.objects.exists()
    ok = client.post(
        pay,
        {
            "amount": str(claim.payable_amount),
            "paid_on": today_local().isoformat(),
            "reference": "PZ-1",
        },
    )
    assert ok.status_code == 302
    claim.refresh_from_db()
    assert claim.status == workflow.C_PAID and claim.paid_amount == claim.payable_amount
    tab = client.get(reverse("contracts:claims", args=[deal["contract"].pk])).content.decode()
    assert "PZ-1" in tab and "已支付" in tab
    # the contractor cannot pay
    contractor = login_as(deal["actors"]["contractor"])
    assert (
        contractor.post(
            pay, {"amount": "1", "paid_on": today_local().isoformat(), "reference": "x"}
        ).status_code
        == 403
    )


def test_review_forms_only_for_the_stage_reviewer(deal, login_as):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    finance = login_as(deal["actors"]["finance"])
    page = finance.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert 'id="start-review"' not in page
    r = finance.post(reverse("contracts:claim_review", args=[claim.pk]), {"action": "start"})
    assert r.status_code == 409
    assert not Review.objects.exists()


# --- scale --------------------------------------------------------------------------------------


def test_pages_stay_cheap_with_a_thousand_boq_lines(deal, login_as, django_assert_max_num_queries):
    from jianguan.contracts.tests.factories import make_contract

    d = deal["orgs"]
    big = make_contract(
        project=deal["project"],
        employer=d["owner"],
        contractor=d["general_contractor"],
        supervisor=d["supervisor"],
        finance_bureau=d["finance_bureau"],
        auditor=d["auditor"],
        items=1000,
    )
    client = login_as(deal["actors"]["contractor"])
    # The bound is the page's own few queries plus every app's to-do provider (the badges of
    # every page; the collaboration apps added about ten, cost control four): a query per BoQ
    # line would be 1,000. Loading the badges after the page would take the providers out.
    with django_assert_max_num_queries(50):
        page = client.get(reverse("contracts:claim_new", args=[big.pk]))
    assert page.status_code == 200 and page.content.decode().count('name="q_') == 1000
    items = _items(big)
    url = reverse("contracts:claim_new", args=[big.pk])
    start, end = _period()
    dates = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    # without the page's script every input is posted: a Chinese 400, nothing created
    flat = {**dates, **{f"q_{it.pk}": "1" for it in items}, **{f"n_{it.pk}": "" for it in items}}
    refused = client.post(url, flat)
    assert refused.status_code == 400 and "清单项过多" in refused.content.decode()
    assert not PaymentClaim.objects.filter(contract=big).exists()
    # the script packs the filled rows into one field
    packed = [{"id": str(it.pk), "q": "1", "n": "计量单"} for it in items]
    response = client.post(url, {**dates, "lines_json": json.dumps(packed)})
    assert response.status_code == 302
    claim = PaymentClaim.objects.get(contract=big)
    assert claim.lines.count() == 1000
    with django_assert_max_num_queries(62):  # as above: the page's own plus every to-do provider
        page = client.get(response.url)
    assert page.status_code == 200 and page.content.decode().count("data-line=") == 1000


def test_packed_lines_are_checked_like_typed_ones(deal, login_as):
    contract = deal["contract"]
    client = login_as(deal["actors"]["contractor"])
    url = reverse("contracts:claim_new", args=[contract.pk])
    start, end = _period()
    dates = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    for bad in ("not json", "{}", '[{"id": "x"}]', "[1, 2]"):
        r = client.post(url, {**dates, "lines_json": bad})
        assert r.status_code == 400 and "清单数据格式不正确" in r.content.decode(), bad
    first = _items(contract)[0]
    r = client.post(url, {**dates, "lines_json": json.dumps([{"id": first.pk, "q": "Infinity"}])})
    assert r.status_code == 400 and 'value="Infinity"' in r.content.decode()
    # another contract's BoQ item id is ignored, not claimed
    r = client.post(url, {**dates, "lines_json": json.dumps([{"id": 10**9, "q": "1"}])})
    assert r.status_code == 400 and "请至少填写一个清单项" in r.content.decode()
    assert not PaymentClaim.objects.exists()
