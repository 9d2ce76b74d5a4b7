"""异常低价: a query with a due date, an explanation, the committee's decision; an
unexplained bid is rejected as below cost and leaves the ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict, NotFound, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.tendering import services
from jianguan.tendering.models import LowBidQuery
from jianguan.tendering.tests.test_award import _opened


def test_query_explain_decide_and_rejection(market, tmp_path):
    owner = market["owner"]
    prices = ["21000000.00", "28000000.00", "28300000.00", "28600000.00"]
    tender = _opened(market, tmp_path, prices)
    queries = services.low_bids_check(actor=owner, tender=tender)
    assert len(queries) == 1 and queries[0].bid.price == 21000000
    assert any("平均" in r for r in queries[0].reasons)
    with pytest.raises(Conflict) as exc:
        services.evaluation_conclude(actor=owner, tender=tender)
    assert exc.value.code == "low_bids_pending"
    query = queries[0]
    with pytest.raises(NotFound):  # only the bidder explains
        services.low_bid_explain(actor=market["bidders"][1], query=query, text="x")
    with pytest.raises(Conflict):  # nothing to decide on before the due date
        services.low_bid_decide(actor=owner, query=query, accepted=False, decision="")
    LowBidQuery.objects.filter(pk=query.pk).update(due=now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed) as exc:
        services.low_bid_explain(actor=market["bidders"][0], query=query, text="自有材料")
    assert exc.value.code == "explanation_late"
    with pytest.raises(ValidationFailed):
        services.low_bid_decide(actor=owner, query=query, accepted=True, decision="")
    decided = services.low_bid_decide(actor=owner, query=query, accepted=False, decision="")
    assert decided.accepted is False and "低于成本" in decided.decision
    made = services.evaluation_conclude(actor=owner, tender=tender)
    assert query.bid_id not in {c.bid_id for c in made}
    assert [str(c.price) for c in made] == ["28000000.00", "28300000.00", "28600000.00"]


def test_explained_and_accepted_stays(market, tmp_path):
    owner = market["owner"]
    tender = _opened(market, tmp_path, ["21000000.00", "28000000.00", "28300000.00", "28600000.00"])
    query = services.low_bids_check(actor=owner, tender=tender)[0]
    services.low_bid_explain(
        actor=market["bidders"][0], query=query, text="自有钢材库存，附采购合同"
    )
    services.low_bid_decide(actor=owner, query=query, accepted=True, decision="说明合理，证据充分")
    made = services.evaluation_conclude(actor=owner, tender=tender)
    assert made[0].bid_id == query.bid_id


def test_low_bids_over_the_api(client, market, tmp_path, bearer):
    tender = _opened(market, tmp_path, ["21000000.00", "28000000.00", "28300000.00", "28600000.00"])
    r = client.post(
        f"/api/v1/tendering/tenders/{tender.pk}/low-bids/check", headers=bearer(market["owner"])
    )
    assert r.status_code == 200 and len(r.json()) == 1
    qid = r.json()[0]["id"]
    r = client.post(
        f"/api/v1/tendering/low-bids/{qid}/explain",
        {"text": "自有材料"},
        content_type="application/json",
        headers=bearer(market["bidders"][0]),
    )
    assert r.status_code == 200 and r.json()["explained"] is True
    r = client.post(
        f"/api/v1/tendering/low-bids/{qid}/decide",
        {"accepted": True, "decision": "合理"},
        content_type="application/json",
        headers=bearer(market["bidders"][0]),
    )
    assert r.status_code == 403
