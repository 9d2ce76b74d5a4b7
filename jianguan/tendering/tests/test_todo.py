"""Objections and complaints come to whoever must answer them (待办), with their statutory
clocks: the tenderer answers an objection by its deadline (实施条例 22), the supervising
department accepts a complaint within 3 working days and decides an accepted one within 30
(实施条例 60–61); bidders and other organisations see none of it."""

from __future__ import annotations

import datetime as dt

from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.tendering import services
from jianguan.tendering.tests.test_services import _publish, _tender


def _kinds(actor, today=None):
    return [
        (i.kind, i.due, i.overdue)
        for i in todo_for(actor, today or today_local())
        if i.kind.startswith("tendering.")
    ]


def test_objection_then_complaint_reach_the_tenderer_then_the_regulator(market, client, bearer):
    owner, reg = market["owner"], market["actors"]["regulator"]
    bidder = market["bidders"][0]
    tender = _publish(market, _tender(market))
    today = today_local()
    objection = services.objection_file(actor=bidder, tender=tender, text="资格条件排斥潜在投标人")
    assert _kinds(owner) == [("tendering.objection_answer", objection.answer_due, False)]
    assert _kinds(bidder) == [] and _kinds(reg) == []
    body = client.get("/api/v1/me/todo", headers=bearer(owner)).json()
    (item,) = [i for i in body["items"] if i["kind"] == "tendering.objection_answer"]
    assert tender.code in item["title"] and item["url"] == f"/tendering/{tender.pk}/"
    services.objection_answer(actor=owner, objection=objection, answer="条件符合规定")
    assert _kinds(owner) == []

    complaint = services.complaint_file(
        actor=bidder, tender=tender, subject="documents", text="答复不成立", known_on=today
    )
    assert _kinds(reg) == [("tendering.complaint_accept", complaint.accept_due, False)]
    late = complaint.accept_due + dt.timedelta(days=1)
    assert _kinds(reg, late) == [("tendering.complaint_accept", complaint.accept_due, True)]
    assert _kinds(owner) == [] and _kinds(bidder) == []
    complaint = services.complaint_accept(actor=reg, complaint=complaint)
    assert _kinds(reg) == [("tendering.complaint_decide", complaint.decide_due, False)]
    (item,) = [i for i in todo_for(reg, today) if i.kind == "tendering.complaint_decide"]
    assert item.kind_label == "投诉待处理"
    services.complaint_decide(actor=reg, complaint=complaint, upheld=False, decision="投诉不成立")
    assert _kinds(reg) == []
