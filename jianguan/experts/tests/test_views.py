"""Pages: the pool for the regulator; the committee page for its officer and its experts."""

from __future__ import annotations

from django.urls import reverse

from jianguan.experts.models import Sheet
from jianguan.experts.tests.test_scoring import _scores, scored  # noqa: F401  (fixture)


def test_pool_and_committee_pages(client, scored, market):  # noqa: F811
    committee, actors = scored["committee"], scored["actors"]
    client.force_login(scored["reg"].user)
    page = client.get(reverse("experts:pool")).content.decode()
    assert 'id="experts-table"' in page and committee.tender.code in page
    page = client.get(reverse("experts:committee", args=[committee.pk])).content.decode()
    member = committee.members.select_related("expert").first()
    assert member.expert.name in page and "汇总评分并公示中标候选人" in page
    assert 'id="collusion-evidence"' in page  # the screens' report goes to the committee too
    # an expert sees their own name and sheet forms, the others' names are hidden
    other = committee.members.select_related("expert").exclude(pk=member.pk).first()
    client.force_login(actors[member.expert_id].user)
    page = client.get(reverse("experts:committee", args=[committee.pk])).content.decode()
    assert 'id="my-sheets"' in page and other.expert.name not in page
    bid = committee.tender.bids.filter(status="opened").first()
    form = {"action": "sheet", "bid": bid.pk}
    for code, (score, reason) in _scores(18).items():
        form[f"score_{code}"], form[f"reason_{code}"] = score, reason
    r = client.post(reverse("experts:committee_act", args=[committee.pk]), form, follow=True)
    assert "已保存评分" in r.content.decode()
    assert Sheet.objects.filter(member=member, bid=bid).exists()
    form["score_T1"] = "99"
    r = client.post(reverse("experts:committee_act", args=[committee.pk]), form, follow=True)
    assert "超出" in r.content.decode() or "范围" in r.content.decode()
    # a bidder neither sees the pool nor the committee
    client.force_login(market["bidders"][0].user)
    assert client.get(reverse("experts:pool")).status_code == 403
    assert client.get(reverse("experts:committee", args=[committee.pk])).status_code == 404
