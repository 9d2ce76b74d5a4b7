"""Candidates barred from bidding after the opening: the warning and the refusal to award.

A firm may be blacklisted (《建筑市场信用管理暂行办法》, 建市〔2017〕241号) or barred from
government procurement (政府采购法 第七十七条) between the opening and the award. It is then
no longer fit to win: 《招标投标法实施条例》第五十五条 lets the tenderer pass over a first
candidate that "被查实存在影响中标结果的违法行为等情形，不符合中标条件", and 第五十六条 has the
committee re-examine a winning candidate whose performance ability may have changed. So the
tenderer, its agency and the regulator are warned (tender page, award API, 待办), and an award
to the barred firm is refused.

Tendering reads compliance's sanctions directly: the two apps are peers above projects, and
compliance imports nothing of tendering (tests/test_layers.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jianguan.compliance import sanctions as S
from jianguan.compliance.models import Sanction
from jianguan.core.timeutil import today_local
from jianguan.tendering import workflow
from jianguan.tendering.models import Candidate, Tender

# Yellow and red cards are district warnings, not a ban on winning; these two are.
BARRING = (S.BLACKLIST, S.PROCUREMENT_BAN)
ARTICLE = "《中华人民共和国招标投标法实施条例》第五十五条、第五十六条"
VERB = {S.BLACKLIST: "列入黑名单", S.PROCUREMENT_BAN: "禁止参加政府采购活动"}


@dataclass(frozen=True)
class SanctionedCandidate:
    candidate: Candidate
    sanction: Sanction

    @property
    def text(self) -> str:
        c, s = self.candidate, self.sanction
        return (
            f"第{c.lot.number}标段排名第{c.rank}的中标候选人{c.bid.bidder.name}"
            f"已被{VERB.get(s.kind, S.KINDS[s.kind])}（决定编号 {s.number}，依据{s.legal_basis}，"
            f"{s.effective_from:%Y-%m-%d} 至 {s.effective_to:%Y-%m-%d}），"
            f"不得确定为中标人；依{ARTICLE}，可依次确定其他中标候选人或重新招标。"
        )

    def as_dict(self) -> dict:
        s = self.sanction
        return {
            "kind": s.kind,
            "kind_label": S.KINDS[s.kind],
            "verb": VERB.get(s.kind, S.KINDS[s.kind]),
            "number": s.number,
            "legal_basis": s.legal_basis,
            "effective_from": s.effective_from,
            "effective_to": s.effective_to,
            "article": ARTICLE,
            "message": self.text,
        }


def barring_sanctions(organisation_ids, on: dt.date):
    return Sanction.objects.filter(
        organisation_id__in=list(organisation_ids),
        kind__in=BARRING,
        status=S.ACTIVE,
        effective_from__lte=on,
        effective_to__gte=on,
    ).order_by("issued_on", "pk")


def sanctioned_candidates(
    tender: Tender, on: dt.date | None = None, candidates=None
) -> list[SanctionedCandidate]:
    """Candidates whose firm is barred on `on` (today), one row per sanction; only while the
    award is still to be made (publicity), when the warning can change the outcome."""
    if tender.status != workflow.Status.PUBLICITY:
        return []
    if candidates is None:
        candidates = Candidate.objects.filter(tender=tender).select_related("lot", "bid__bidder")
    candidates = list(candidates)
    by_org: dict[int, list[Sanction]] = {}
    found = barring_sanctions({c.bid.bidder_id for c in candidates}, on or today_local())
    for s in found:
        by_org.setdefault(s.organisation_id, []).append(s)
    return [
        SanctionedCandidate(c, s)
        for c in sorted(candidates, key=lambda c: (c.lot.number, c.rank))
        for s in by_org.get(c.bid.bidder_id, [])
    ]


def candidate_barred(candidate: Candidate, on: dt.date) -> Sanction | None:
    return barring_sanctions([candidate.bid.bidder_id], on).first()
