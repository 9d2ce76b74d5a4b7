"""资格预审: applications checked against the access standard, review, bidding for the
qualified only, 流标 under three; 重新招标 linked to the original."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.projects.tests.test_services import pdf
from jianguan.tendering import services
from jianguan.tendering.models import PrequalApplication, Tender
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.test_services import _keys, _seal, _submit, _tender


def _publish_prequal(m, tender, gap_days=6):
    start = now() + dt.timedelta(minutes=1)
    sale_end = start + dt.timedelta(days=5)
    return services.tender_publish(
        actor=m["owner"],
        tender=tender,
        documents_from=start,
        sale_end=sale_end,
        prequal_deadline=sale_end + dt.timedelta(days=gap_days),
        bid_deadline=start + dt.timedelta(days=30),
        documents=pdf("资格预审文件.pdf"),
    )


def _close_applications(tender):
    past = now() - dt.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(
        sale_end=past, prequal_deadline=past, next_check_at=past
    )
    tenders_advance()
    tender.refresh_from_db()
    return tender


def test_prequalification_to_bidding_for_the_qualified(market, tmp_path):
    from jianguan.registry import services as registry

    owner, reg = market["owner"], market["actors"]["regulator"]
    standard = registry.access_standard_define(
        actor=reg, name="无不良记录", criteria={"no_sanctions": True}
    )
    tender = _tender(market, procedure="open_prequal", access_standard=standard)
    with pytest.raises(ValidationFailed) as exc:
        _publish_prequal(market, tender, gap_days=2)
    assert exc.value.code == "prequal_too_short" and "第十七条" in exc.value.message
    tender = _publish_prequal(market, tender)
    a, b, c, d, e = market["bidders"]
    from jianguan.compliance import services as compliance

    compliance.card_issue(actor=reg, organisation=e.organisation, kind="red", reason="重大安全事故")
    apps = {x.username: services.prequal_apply(actor=x, tender=tender) for x in (a, b, c, d, e)}
    assert apps[e.username].eligible is False and "红牌" in str(apps[e.username].reasons)
    with pytest.raises(Conflict):
        services.prequal_apply(actor=a, tender=tender)
    with pytest.raises(PermissionDenied) as exc:  # nobody bids during prequalification
        _keys(a, tender)
    assert exc.value.code == "not_qualified"
    tender = _close_applications(tender)
    assert tender.status == "prequalification"
    with pytest.raises(ValidationFailed):
        services.prequal_apply(actor=a, tender=tender)
    with pytest.raises(ValidationFailed) as exc:
        services.prequal_review(actor=owner, application=apps[e.username], qualified=True)
    assert exc.value.code == "not_eligible"
    with pytest.raises(ValidationFailed):
        services.prequal_review(actor=owner, application=apps[d.username], qualified=False)
    services.prequal_review(
        actor=owner, application=apps[d.username], qualified=False, note="类似业绩不足"
    )
    tender = services.prequal_close(actor=owner, tender=tender)
    assert tender.status == "bidding"
    qualified = set(
        PrequalApplication.objects.filter(tender=tender, qualified=True).values_list(
            "applicant", flat=True
        )
    )
    assert qualified == {a.organisation_id, b.organisation_id, c.organisation_id}
    _, public = _keys(a, tender)
    bid = _submit(a, tender, _seal(tmp_path, public, "200.00"))
    assert bid.status == "submitted"
    with pytest.raises(PermissionDenied):
        _keys(d, tender)


def test_fewer_than_three_qualified_fail_and_retender(market):
    owner = market["owner"]
    tender = _publish_prequal(market, _tender(market, procedure="open_prequal"))
    for x in market["bidders"][:2]:
        services.prequal_apply(actor=x, tender=tender)
    tender = services.prequal_close(actor=owner, tender=_close_applications(tender))
    assert tender.status == "failed" and "少于3个" in tender.failed_reason
    again = services.tender_retender(actor=owner, tender=tender)
    assert again.status == "draft" and again.original_id == tender.pk
    assert again.lots.get().price_ceiling == tender.lots.get().price_ceiling
    with pytest.raises(Conflict):
        services.tender_retender(actor=owner, tender=tender)


def test_prequalification_over_the_api(client, market, bearer):
    tender = _publish_prequal(market, _tender(market, procedure="open_prequal"))
    h = bearer(market["bidders"][0])
    base = f"/api/v1/tendering/tenders/{tender.pk}/prequalification"
    r = client.post(base, headers=h)
    assert r.status_code == 201 and r.json()["eligible"] is True
    assert client.post(base, headers=h).status_code == 409
    assert len(client.get(base, headers=h).json()) == 1
    assert client.get(base, headers=bearer(market["bidders"][1])).json() == []
    owner = bearer(market["owner"])
    r = client.post(f"{base}/close", headers=owner)
    assert r.status_code == 409 and r.json()["code"] == "not_reviewing"
