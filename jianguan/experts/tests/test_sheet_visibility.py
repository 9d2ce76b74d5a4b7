"""Issue 13, hole 2: score sheets are seen by their own expert, the supervising officer and the
regulator; the other members only once every present member has submitted; bidders, the
tenderer, auditors and everyone else get the committee page's answer (404) from the API too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.errors import NotFound
from jianguan.experts import selectors, services
from jianguan.experts.tests.test_scoring import _scores, scored  # noqa: F401  (fixture)
from jianguan.projects.tests.test_services import member as make_member
from jianguan.tendering.models import Tender


def _orders(client, url, headers):
    r = client.get(url, headers=headers)
    assert r.status_code == 200, r.content
    return sorted({s["expert_order"] for s in r.json()})


def _fill(actor, member, bids, submit=True):
    for bid in bids:
        services.sheet_save(actor=actor, member=member, bid=bid, scores=_scores(18))
    if submit:
        services.sheets_submit(actor=actor, member=member)


@pytest.fixture
def outsiders(market):
    auditor = make_member(OrganisationFactory(kind="auditor"), "aud_x", ["staff", "reviewer"])
    return {
        "bidder": market["bidders"][0],
        "tenderer": market["owner"],
        "contractor": market["actors"]["contractor"],
        "auditor": auditor,
    }


def test_sheets_follow_the_committee_declaration(scored, outsiders, client, bearer):  # noqa: F811
    committee, actors, reg = scored["committee"], scored["actors"], scored["reg"]
    members = list(committee.members.select_related("expert").order_by("order"))
    bids = list(scored["tender"].bids.filter(status="opened"))
    url = f"/api/v1/experts/committees/{committee.pk}/sheets"
    first, second = members[0], members[1]

    _fill(actors[first.expert_id], first, bids)  # the first submits
    _fill(actors[second.expert_id], second, bids[:1], submit=False)  # the second is scoring
    # before all are in: each expert their own, the regulator (officer) every sheet
    assert _orders(client, url, bearer(actors[first.expert_id])) == [first.order]
    assert _orders(client, url, bearer(actors[second.expert_id])) == [second.order]
    assert _orders(client, url, bearer(reg)) == [first.order, second.order]

    for m in members[1:]:
        _fill(actors[m.expert_id], m, bids if m != second else bids[1:])
    everyone = [m.order for m in members]
    # all in: the members see each other's, the regulator all
    assert _orders(client, url, bearer(actors[second.expert_id])) == everyone
    assert _orders(client, url, bearer(reg)) == everyone
    # everyone else: the committee page's answer, on the committee and on its sheets
    for name, actor in outsiders.items():
        headers = bearer(actor)
        for path in (url, f"/api/v1/experts/committees/{committee.pk}"):
            r = client.get(path, headers=headers)
            assert r.status_code == 404, (name, path, r.content)
            assert r.json()["code"] == "committee_not_found", name
        with pytest.raises(NotFound):
            selectors.visible_sheets(actor=actor, committee=committee)
        client.force_login(actor.user)
        page = client.get(reverse("experts:committee", args=[committee.pk]))
        assert page.status_code == 404, name
        client.logout()
    page = client.get(reverse("experts:committee", args=[committee.pk]))  # signed out
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    # a seat of the committee is no handle for outsiders either
    r = client.put(
        f"/api/v1/experts/members/{first.pk}/sheet",
        {"bid_id": bids[0].pk, "scores": _scores(18)},
        content_type="application/json",
        headers=bearer(outsiders["bidder"]),
    )
    assert r.status_code == 404 and r.json()["code"] == "member_not_found"
    # after the award and the reveal: still nothing for outsiders, the sheets included
    Tender.objects.filter(pk=committee.tender_id).update(status="awarded")
    services.committee_reveal(actor=reg, committee=committee)
    for actor in outsiders.values():
        for path in (url, f"/api/v1/experts/committees/{committee.pk}"):
            assert client.get(path, headers=bearer(actor)).status_code == 404, path
    assert _orders(client, url, bearer(reg)) == everyone


def test_a_declined_expert_never_sees_the_others_sheets(scored, market):  # noqa: F811
    """Only members who sat (checked in) see the others' sheets once all are in."""
    from jianguan.experts.models import Member

    committee, actors = scored["committee"], scored["actors"]
    members = list(committee.members.select_related("expert").order_by("order"))
    bids = list(scored["tender"].bids.filter(status="opened"))
    for m in members:
        _fill(actors[m.expert_id], m, bids)
    Member.objects.filter(pk=members[0].pk).update(status=Member.DECLINED)
    gone = actors[members[0].expert_id]
    seen = selectors.visible_sheets(actor=gone, committee=committee)
    assert {s.member_id for s in seen} == {members[0].pk}
    seen = selectors.visible_sheets(actor=actors[members[1].expert_id], committee=committee)
    assert {s.member_id for s in seen} == {m.pk for m in members}


def test_one_submission_does_not_open_the_sheets_while_a_member_has_none(scored, client, bearer):  # noqa: F811
    """A present member who has not saved a single sheet yet is still scoring: the first to
    submit must not see the others' sheets (an earlier check counted sheets, not members)."""
    committee, actors = scored["committee"], scored["actors"]
    members = list(committee.members.select_related("expert").order_by("order"))
    bids = list(scored["tender"].bids.filter(status="opened"))
    first = members[0]
    _fill(actors[first.expert_id], first, bids)  # the others have saved nothing yet
    assert not selectors.all_submitted(committee)
    url = f"/api/v1/experts/committees/{committee.pk}/sheets"
    assert _orders(client, url, bearer(actors[first.expert_id])) == [first.order]
