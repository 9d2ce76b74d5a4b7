"""Complaints: the 10-day window, objection first, working-day clocks, suspension."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.rules.lookup import add_working_days
from jianguan.tendering import services
from jianguan.tendering.models import Complaint, Tender
from jianguan.tendering.tests.test_services import _publish, _tender


def test_complaint_clocks_objection_first_and_suspension(market):
    owner, reg = market["owner"], market["actors"]["regulator"]
    bidder = market["bidders"][0]
    tender = _publish(market, _tender(market))
    today = today_local()
    before = Complaint.objects.count(), LedgerEntry.objects.count()
    for over, code in (
        ({"subject": "documents"}, "objection_first"),
        (
            {"subject": "other", "known_on": today - dt.timedelta(days=11)},
            "complaint_window_passed",
        ),
        ({"subject": "other", "known_on": today + dt.timedelta(days=1)}, "future_date"),
        ({"subject": "bogus"}, "unknown_subject"),
        ({"subject": "other", "text": " "}, "text_missing"),
    ):
        args = {
            "actor": bidder,
            "tender": tender,
            "text": "招标文件设置不合理条件",
            "known_on": today,
        }
        with pytest.raises(ValidationFailed) as exc:
            services.complaint_file(**{**args, **over})
        assert exc.value.code == code
    assert (Complaint.objects.count(), LedgerEntry.objects.count()) == before
    objection = services.objection_file(actor=bidder, tender=tender, text="资格条件排斥潜在投标人")
    services.objection_answer(actor=owner, objection=objection, answer="条件符合规定")
    complaint = services.complaint_file(
        actor=bidder, tender=tender, subject="documents", text="答复不成立", known_on=today
    )
    assert complaint.objection_id == objection.pk
    assert complaint.accept_due == add_working_days(today, 3, provisional=True)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(actor=owner, complaint=complaint)
    deadline = Tender.objects.get(pk=tender.pk).bid_deadline
    complaint = services.complaint_accept(actor=reg, complaint=complaint, suspend=True)
    assert complaint.decide_due == add_working_days(today, 30, provisional=True)
    assert (complaint.decide_due - today).days >= 40  # 30 working days, weekends skipped
    tender.refresh_from_db()
    assert tender.paused_at is not None
    with pytest.raises(ValidationFailed) as exc:  # no bids while suspended
        services.upload_start(
            actor=bidder,
            tender=tender,
            lot=tender.lots.get(),
            size=10,
            sm3="0" * 64,
            bond_amount="500000",
            bond_account="0200004509200123456",
        )
    assert exc.value.code == "tender_paused"
    Tender.objects.filter(pk=tender.pk).update(paused_at=now() - dt.timedelta(days=2))
    services.complaint_decide(actor=reg, complaint=complaint, upheld=False, decision="投诉不成立")
    tender.refresh_from_db()
    assert tender.paused_at is None and tender.bid_deadline - deadline >= dt.timedelta(days=2)
    with pytest.raises(Conflict):
        services.complaint_decide(actor=reg, complaint=complaint, upheld=True, decision="x")
    other = services.complaint_file(
        actor=bidder,
        tender=tender,
        subject="other",
        text="代理机构泄露潜在投标人名单",
        known_on=today,
    )
    refused = services.complaint_refuse(actor=reg, complaint=other, reason="不属于本部门职责")
    assert refused.status == "refused"
    assert LedgerEntry.objects.filter(type__startswith="tendering.complaint_").count() == 5


def test_complaints_over_the_api(client, market, bearer):
    tender = _publish(market, _tender(market))
    bidder, reg = bearer(market["bidders"][0]), bearer(market["actors"]["regulator"])
    url = f"/api/v1/tendering/tenders/{tender.pk}/complaints"
    body = {"subject": "other", "text": "代理机构违规", "known_on": today_local().isoformat()}
    r = client.post(url, body, content_type="application/json", headers=bidder)
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    cid = r.json()["id"]
    r = client.post(
        url, {**body, "subject": "documents"}, content_type="application/json", headers=bidder
    )
    assert r.status_code == 400 and r.json()["code"] == "objection_first"
    r = client.post(
        f"/api/v1/tendering/complaints/{cid}/accept",
        {"suspend": False},
        content_type="application/json",
        headers=bidder,
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/tendering/complaints/{cid}/accept",
        {"suspend": True},
        content_type="application/json",
        headers=reg,
    )
    assert r.status_code == 200 and r.json()["suspended"] is True and r.json()["decide_due"]
    assert [c["id"] for c in client.get("/api/v1/tendering/complaints", headers=reg).json()] == [
        cid
    ]
    other = bearer(market["bidders"][1])
    assert client.get("/api/v1/tendering/complaints", headers=other).json() == []
    r = client.post(
        f"/api/v1/tendering/complaints/{cid}/decide",
        {"upheld": True, "decision": "责令改正"},
        content_type="application/json",
        headers=other,
    )
    assert r.status_code == 404
