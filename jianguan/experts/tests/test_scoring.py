"""综合评估法 end to end: experts score only their own sheets, bad scores are refused, the
sheets stay hidden until all are in, the result ranks the bids and is recomputed from the
ledger alone with the same ranking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.experts import services
from jianguan.experts.models import Member, Sheet
from jianguan.experts.services.scoring import compute
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document
from jianguan.projects.tests.test_services import member as make_member
from jianguan.tendering.evaluation import config as cfg
from jianguan.tendering.evaluation.services import tender_evaluation_set
from jianguan.tendering.tests import test_award
from jianguan.tendering.tests.test_evaluation_config import COMPREHENSIVE
from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit, _tender


def _payloads(type_):
    return [entry_document(e)["payload"] for e in LedgerEntry.objects.filter(type=type_)]


@pytest.fixture
def scored(market, tmp_path, monkeypatch):
    tender = _tender(market)
    tender_evaluation_set(actor=market["owner"], tender=tender, config=COMPREHENSIVE)
    monkeypatch.setattr(test_award, "_tender", lambda m: tender)
    tender = test_award._opened(market, tmp_path, ["28000000.00", "27500000.00", "29000000.00"])
    home = OrganisationFactory(kind="designer")
    actors = {}
    for i, code in enumerate(["J01", "J01", "J01", "E01", "E01"]):
        actor = make_member(home, f"expertx{i}", ["expert"])
        expert = services.expert_register(
            actor=SYSTEM,
            name=f"专家{i}",
            title="senior",
            experience_years=12,
            specialties_codes=[code],
            user=actor.user,
        )
        actors[expert.pk] = actor
    reg = market["actors"]["regulator"]
    committee = services.committee_draw(actor=reg, tender=tender, needs=[("J01", 3), ("E01", 2)])
    for m in committee.members.all():
        services.member_check_in(actor=reg, member=m, present=True)
    return {"tender": tender, "committee": committee, "actors": actors, "reg": reg}


def _scores(base):
    return {
        "T1": [str(base), "施工组织设计合理，进度计划可行"],
        "T2": [str(base // 2), "质量安全措施完整"],
        "C1": ["4", ""],
    }


def test_scoring_result_and_recompute_from_the_ledger(scored, market, tmp_path):
    committee, actors, tender = scored["committee"], scored["actors"], scored["tender"]
    members = list(committee.members.select_related("expert"))
    bids = list(tender.bids.filter(status="opened").order_by("received_at"))
    first = members[0]
    me = actors[first.expert_id]
    before = Sheet.objects.count()
    for bad, code in (
        ({**_scores(18), "T1": ["25", "超出满分"]}, "bad_scores"),
        ({**_scores(18), "T2": ["8", ""]}, "bad_scores"),  # subjective without a reason
        ({**_scores(18), "X9": ["1", "x"]}, "bad_scores"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.sheet_save(actor=me, member=first, bid=bids[0], scores=bad)
        assert exc.value.code == code
    # an opened bid of another tender is outside this committee's evaluation
    other = _publish(market, _tender(market, title="另一个招标项目"))
    bidder = market["bidders"][0]
    _, public = _keys(bidder, other)
    other_tender_bid = _submit(bidder, other, _seal(tmp_path, public, "100.00"))
    type(bids[0]).objects.filter(pk=other_tender_bid.pk).update(status="opened")
    other_tender_bid.refresh_from_db()  # opened: only the tender differs
    with pytest.raises(NotFound) as exc:
        services.sheet_save(actor=me, member=first, bid=other_tender_bid, scores=_scores(18))
    assert exc.value.code == "bid_not_in_evaluation"
    with pytest.raises(PermissionDenied):  # another expert's sheet
        services.sheet_save(
            actor=actors[members[1].expert_id], member=first, bid=bids[0], scores=_scores(18)
        )
    assert Sheet.objects.count() == before
    grades = {bids[0].pk: 18, bids[1].pk: 16, bids[2].pk: 19}
    for i, m in enumerate(members):
        actor = actors[m.expert_id]
        for bid in bids:
            services.sheet_save(
                actor=actor, member=m, bid=bid, scores=_scores(grades[bid.pk] - i % 2)
            )
        if i == 0:
            with pytest.raises(Conflict):
                services.evaluation_compute(actor=scored["reg"], committee=committee)
            seen = services.visible_sheets(actor=actor, committee=committee)
            assert {s.member_id for s in seen} == {m.pk}  # only their own until all are in
        services.sheets_submit(actor=actor, member=m)
    with pytest.raises(Conflict):
        services.sheet_save(actor=me, member=first, bid=bids[0], scores=_scores(10))
    result = services.evaluation_compute(actor=scored["reg"], committee=committee)
    tender.refresh_from_db()
    assert tender.status == "publicity" and tender.candidates.count() == 3
    ranking = [bid for bid, _, _ in result["ranking"]]
    # the sum of the parts is each total
    for line in result["lines"].values():
        parts = (
            sum(Decimal(v) for v in line["criteria"].values())
            + Decimal(line["credit"])
            + Decimal(line["price"])
        )
        assert parts.quantize(Decimal("0.01")) == Decimal(line["total"])
    # recompute from the ledger alone: the sheets, the opening record's prices, the K
    sheets = {
        str(p["order"]): {
            b: {c: Decimal(v[0]) for c, v in row.items()} for b, row in p["scores"].items()
        }
        for p in _payloads("experts.sheets_submitted")
    }
    opening = _payloads("tendering.opening_recorded")[0]["bids"]
    receipts = {b.receipt_number: str(b.pk) for b in bids}
    prices = {
        receipts[r["receipt"]]: Decimal(r["price"]) for r in opening if r["status"] == "opened"
    }
    ceilings = {b: Decimal("29800000.00") for b in prices}
    k = Decimal(_payloads("tendering.k_revealed")[0]["k"])
    stored = _payloads("experts.evaluation_computed")[0]["result"]
    credit = {b: Decimal(line["credit"]) for b, line in stored["lines"].items()}
    again = compute(
        cfg.parse(COMPREHENSIVE), sheets, prices, ceilings, credit, k, [str(b.pk) for b in bids]
    )
    assert [b for b, _, _ in again["ranking"]] == ranking == [b for b, _, _ in stored["ranking"]]
    assert Member.objects.filter(committee=committee, status="checked_in").count() == 5
    # every expert signs the report online; the PDF lists the ranking and the signatures
    import subprocess

    from jianguan.experts.pdf import evaluation_report_pdf

    for m in members:
        services.report_sign(actor=actors[m.expert_id], member=m)
    with pytest.raises(Conflict):
        services.report_sign(actor=me, member=first)
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=evaluation_report_pdf(type(committee).objects.get(pk=committee.pk)),
        capture_output=True,
    ).stdout.decode()
    assert "评标报告" in text and "在线签署" in text and members[0].expert.name in text
    assert "二、评分汇总及排序" in text and result["ranking"][0][1] in text


def test_scoring_over_the_api(scored, client, bearer):
    committee, actors = scored["committee"], scored["actors"]
    member = committee.members.select_related("expert").first()
    h = bearer(actors[member.expert_id])
    bid = scored["tender"].bids.filter(status="opened").first()
    url = f"/api/v1/experts/members/{member.pk}/sheet"
    r = client.put(
        url,
        {"bid_id": bid.pk, "scores": {"T1": ["99", "满分"]}},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_scores"
    r = client.put(
        url, {"bid_id": bid.pk, "scores": _scores(18)}, content_type="application/json", headers=h
    )
    assert r.status_code == 200 and r.json()["submitted"] is False
    other = committee.members.exclude(pk=member.pk).first()
    r = client.put(
        f"/api/v1/experts/members/{other.pk}/sheet",
        {"bid_id": bid.pk, "scores": _scores(18)},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 403
    r = client.post(f"/api/v1/experts/members/{member.pk}/submit", headers=h)
    assert r.status_code == 400 and r.json()["code"] == "sheets_incomplete"
    seen = client.get(f"/api/v1/experts/committees/{committee.pk}/sheets", headers=h).json()
    assert [s["expert_order"] for s in seen] == [member.order]
