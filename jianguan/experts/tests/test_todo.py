"""An expert on a committee finds its work on the dashboard (待办): the sheets to score and
submit while the tender is in evaluation, then the report to sign; the other experts' seats and
everyone else's lists stay out of it."""

from __future__ import annotations

from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.experts import services
from jianguan.experts.tests.test_scoring import _scores, scored  # noqa: F401  (fixture)


def _kinds(actor) -> list[str]:
    return [i.kind for i in todo_for(actor, today_local()) if i.kind.startswith("experts.")]


def test_each_expert_scores_submits_then_signs(scored, market, client, bearer):  # noqa: F811
    committee, actors, tender = scored["committee"], scored["actors"], scored["tender"]
    members = list(committee.members.select_related("expert"))
    bids = list(tender.bids.filter(status="opened").order_by("received_at"))
    for m in members:
        assert _kinds(actors[m.expert_id]) == ["experts.sheet_submit"]
    assert _kinds(scored["reg"]) == [] and _kinds(market["owner"]) == []
    first = members[0]
    me = actors[first.expert_id]
    body = client.get("/api/v1/me/todo", headers=bearer(me)).json()
    (item,) = [i for i in body["items"] if i["kind"] == "experts.sheet_submit"]
    assert item["url"] == f"/experts/committees/{committee.pk}/" and tender.code in item["title"]
    assert client.get(item["url"], headers=bearer(me)).status_code in (200, 302)
    for i, m in enumerate(members):
        actor = actors[m.expert_id]
        for bid in bids:
            services.sheet_save(actor=actor, member=m, bid=bid, scores=_scores(18 - i % 2))
        assert _kinds(actor) == ["experts.sheet_submit"]  # saved, not yet submitted
        services.sheets_submit(actor=actor, member=m)
        assert _kinds(actor) == []
    services.evaluation_compute(actor=scored["reg"], committee=committee)
    for m in members:
        assert _kinds(actors[m.expert_id]) == ["experts.report_sign"]
    services.report_sign(actor=me, member=first)
    assert _kinds(me) == []
    assert _kinds(actors[members[1].expert_id]) == ["experts.report_sign"]
