"""A candidate blacklisted between the opening and the award (实施条例 55/56): the tenderer
and the regulator are warned on the tender page, in the candidates API and in the to-do
list; awarding to it is refused (409, nothing changes); the next candidate may win."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.compliance import services as compliance
from jianguan.core.errors import Conflict
from jianguan.core.timeutil import now, today_local
from jianguan.core.todo import todo_for
from jianguan.tendering import services
from jianguan.tendering.models import Award, Candidate, Tender
from jianguan.tendering.tests.test_award import _opened

pytestmark = pytest.mark.django_db

PRICES = ["28700000.00", "29100000.00", "29300000.00"]


@pytest.fixture
def barred(market, tmp_path):
    """Publicity over, the first candidate blacklisted after the opening."""
    tender = _opened(market, tmp_path, PRICES)
    services.evaluation_conclude(actor=market["owner"], tender=tender)
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    first = Candidate.objects.select_related("bid__bidder").get(tender=tender, rank=1)
    sanction = compliance.blacklist_issue(
        actor=market["actors"]["regulator"],
        organisation=first.bid.bidder,
        trigger="illegal_subletting",
        reason="将承包工程转包给无资质单位",
        evidence=["京兴建罚〔2026〕12号行政处罚决定书"],
    )
    return {"tender": Tender.objects.get(pk=tender.pk), "first": first, "sanction": sanction}


def test_award_to_a_blacklisted_candidate_is_refused_and_nothing_changes(market, barred):
    tender, first = barred["tender"], barred["first"]
    with pytest.raises(Conflict) as exc:
        services.award_decide(actor=market["owner"], tender=tender, candidate=first)
    assert exc.value.code == "candidate_sanctioned"
    assert first.bid.bidder.name in exc.value.message and "列入黑名单" in exc.value.message
    assert exc.value.details["sanction"] == barred["sanction"].number
    assert "第五十五条" in exc.value.details["article"]
    assert not Award.objects.filter(tender=tender).exists()
    assert Tender.objects.get(pk=tender.pk).status == "publicity"
    # a barred first candidate does not hold the others back, even with state funds (条例 55)
    second = Candidate.objects.get(tender=tender, rank=2)
    award = services.award_decide(actor=market["owner"], tender=tender, candidate=second)
    assert award.supplier_id == second.bid.bidder_id


def test_a_card_is_no_bar_and_an_expired_blacklist_neither(market, barred):
    """Only a ban on winning bars: a yellow card is a warning, and a blacklist read on a day
    outside its period does not count."""
    from jianguan.tendering.award.sanctioned import sanctioned_candidates

    second = Candidate.objects.select_related("bid__bidder").get(tender=barred["tender"], rank=2)
    compliance.card_issue(
        actor=market["actors"]["regulator"],
        organisation=second.bid.bidder,
        kind="yellow",
        reason="扬尘治理不到位",
    )
    rows = sanctioned_candidates(barred["tender"])
    assert [r.candidate.pk for r in rows] == [barred["first"].pk]
    later = barred["sanction"].effective_to + dt.timedelta(days=1)
    assert sanctioned_candidates(barred["tender"], on=later) == []


def test_api_warns_and_refuses_with_a_stable_code(client, market, barred):
    tender, first = barred["tender"], barred["first"]
    client.force_login(market["owner"].user)
    rows = client.get(f"/api/v1/tendering/tenders/{tender.pk}/candidates").json()
    warned = {r["rank"]: r["sanctions"] for r in rows}
    assert warned[2] == [] and len(warned[1]) == 1
    assert barred["sanction"].number in warned[1][0] and "第五十六条" in warned[1][0]
    r = client.post(
        f"/api/v1/tendering/tenders/{tender.pk}/award",
        {"candidate_id": first.pk},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "candidate_sanctioned"
    assert "不得确定为中标人" in r.json()["message"]
    assert not Award.objects.filter(tender=tender).exists()


def test_tender_page_warns_the_tenderer_and_the_regulator_not_a_bidder(client, market, barred):
    tender, first = barred["tender"], barred["first"]
    url = f"/tendering/{tender.pk}/"
    for who in (market["owner"], market["actors"]["regulator"]):
        client.force_login(who.user)
        page = client.get(url).content.decode()
        assert 'id="sanction-warning"' in page, who.username
        assert first.bid.bidder.name in page and barred["sanction"].number in page
        assert "第五十五条" in page
    client.force_login(market["owner"].user)
    page = client.get(url).content.decode()
    assert "已被限制投标，不得定标" in page  # the award button is gone for that row
    client.force_login(market["bidders"][4].user)  # a bidder that is not concerned
    assert 'id="sanction-warning"' not in client.get(url).content.decode()


def test_the_tenderer_finds_it_in_the_to_do_list(market, barred):
    items = [
        i
        for i in todo_for(market["owner"], today_local())
        if i.kind == "tendering.candidate_sanctioned"
    ]
    assert len(items) == 1
    assert barred["first"].bid.bidder.name in items[0].title
    assert items[0].url == f"/tendering/{barred['tender'].pk}/"
    # the bidder itself gets no such item
    bidder = market["bidders"][0]
    assert not [
        i for i in todo_for(bidder, today_local()) if i.kind == "tendering.candidate_sanctioned"
    ]
