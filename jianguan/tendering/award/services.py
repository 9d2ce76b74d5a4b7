"""After opening: ranking by the lowest evaluated price (until the evaluation issue deepens
it), candidate publicity with its objections, and the award."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end, rule, rule_value
from jianguan.tendering import workflow
from jianguan.tendering.award.sanctioned import ARTICLE, SanctionedCandidate, candidate_barred
from jianguan.tendering.collusion.services import collusion_run
from jianguan.tendering.models import Award, Bid, Candidate, Objection, Tender
from jianguan.tendering.ocds.services import ocds_release
from jianguan.tendering.services.common import local_date, move, require_manager
from jianguan.tendering.services.low_bids import open_queries, rejected_bid_ids

MAX_CANDIDATES = 3  # 实施条例 55: no more than three candidates
STATE_FUNDED = ("government", "state_owned")


@transaction.atomic
def evaluation_conclude(*, actor: Actor, tender: Tender) -> list[Candidate]:
    """经评审的最低投标价法: valid bids at or under the ceiling, lowest first; ties go to the
    earlier submission. Up to three candidates per lot, then publicity."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    if tender.status != workflow.Status.EVALUATION:
        raise Conflict("招标项目不在评标阶段", code="not_evaluating")
    if tender.evaluation_method != "lowest_evaluated_price":
        raise Conflict("综合评估法由评标委员会打分后确定候选人", code="committee_scores")
    if open_queries(tender):
        raise Conflict("尚有异常低价说明未评审", code="low_bids_pending")
    rejected = rejected_bid_ids(tender)
    ranking, excluded = [], []
    for lot in tender.lots.all():
        for bid in Bid.objects.filter(lot=lot, status=Bid.OPENED).order_by("price", "received_at"):
            if bid.pk in rejected:
                excluded.append({"receipt": bid.receipt_number, "reason": "低于成本报价，予以否决"})
            elif bid.price > lot.price_ceiling:
                excluded.append(
                    {"receipt": bid.receipt_number, "reason": "投标报价超过最高投标限价"}
                )
            else:
                ranking.append(bid)
    return candidates_publish(actor=actor, tender=tender, ranking=ranking, excluded=excluded)


def candidates_publish(
    *, actor: Actor, tender: Tender, ranking: list[Bid], excluded: list[dict] = (), scores=None
) -> list[Candidate]:
    """Up to three candidates per lot from a ranking, in the caller's transaction; publicity
    for the statutory days, or 流标 when no bid is valid."""
    made = []
    for lot in tender.lots.all():
        ranked = [b for b in ranking if b.lot_id == lot.pk][:MAX_CANDIDATES]
        for rank, bid in enumerate(ranked, 1):
            made.append(
                Candidate.objects.create(
                    tender=tender, lot=lot, bid=bid, rank=rank, price=bid.price
                )
            )
    if not made:
        move(actor, tender, workflow.Status.FAILED, "无有效投标（报价均超过最高投标限价）")
        ocds_release(tender=tender, tag="tenderCancellation", actor=actor)
        return []
    at = now()
    days = int(rule_value("publicity.duration_min", on=local_date(at)))
    tender.publicity_until = at + dt.timedelta(days=days)
    tender.next_check_at = None
    move(actor, tender, workflow.Status.PUBLICITY, f"评标结束，公示中标候选人{days}日")
    record(
        actor=actor,
        type="tendering.candidates_published",
        obj=tender,
        payload={
            "code": tender.code,
            "candidates": [
                {
                    "lot": c.lot.number,
                    "rank": c.rank,
                    "bidder": c.bid.bidder.credit_code,
                    "price": c.price,
                    "score": (scores or {}).get(c.bid_id),
                }
                for c in made
            ],
            "excluded": list(excluded),
            "publicity_until": tender.publicity_until,
        },
    )
    ocds_release(tender=tender, tag="tenderUpdate", actor=actor)
    collusion_run(tender=tender, stage="evaluation", actor=actor)
    return made


@transaction.atomic
def publicity_objection_file(*, actor: Actor, tender: Tender, text: str) -> Objection:
    """实施条例 54: objections to the result only during publicity; the process pauses."""
    # Who may object comes first (a 403), before the state of the tender is told.
    if (
        actor.organisation_id is None
        or not Bid.objects.filter(tender_id=tender.pk, bidder_id=actor.organisation_id).exists()
    ):
        raise PermissionDenied("只有本项目的投标人可以对评标结果提出异议", code="not_bidder")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    at = now()
    if tender.status != workflow.Status.PUBLICITY or at > tender.publicity_until:
        raise Conflict("异议须在中标候选人公示期内提出", code="not_in_publicity")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写异议内容", code="text_missing")
    days = int(rule_value("publicity.objection_answer_within", on=local_date(at)))
    item = Objection.objects.create(
        tender=tender,
        organisation_id=actor.organisation_id,
        text=text[:5000],
        filed_at=at,
        answer_due=at + dt.timedelta(days=days),
        filed_by=actor.username,
    )
    if tender.paused_at is None:
        tender.paused_at, tender.paused_reason = at, "对评标结果的异议待答复"
        tender.save()
    record(
        actor=actor,
        type="tendering.objection_filed",
        obj=tender,
        payload={
            "code": tender.code,
            "objection": item.pk,
            "text": item.text,
            "stage": "publicity",
        },
    )
    return item


@transaction.atomic
def award_decide(*, actor: Actor, tender: Tender, candidate: Candidate, reason: str = "") -> Award:
    """定标 after publicity; for state-funded projects the first candidate unless it was
    disqualified (实施条例 55); sets the contract and report clocks."""
    tender = Tender.objects.select_for_update().select_related("project").get(pk=tender.pk)
    require_manager(actor, tender)
    at = now()
    if tender.status != workflow.Status.PUBLICITY:
        raise Conflict("招标项目不在公示阶段", code="not_in_publicity")
    if at < tender.publicity_until:
        raise Conflict(
            f"公示期至 {tender.publicity_until:%Y-%m-%d %H:%M} 结束，之后方可定标",
            code="publicity_running",
        )
    if (
        tender.paused_at is not None
        or Objection.objects.filter(tender=tender, answered_at__isnull=True).exists()
    ):
        raise Conflict("尚有异议未答复，暂停定标", code="tender_paused")
    candidate = Candidate.objects.select_related("bid__bidder", "lot").get(pk=candidate.pk)
    if candidate.tender_id != tender.pk:
        raise ValidationFailed("中标候选人不属于本项目", code="bad_candidate")
    on = local_date(at)
    # 实施条例 55/56: a candidate blacklisted or barred since the opening cannot win; the
    # tenderer picks the next candidate (or re-tenders), and a barred first one does not
    # hold the others back.
    barred = candidate_barred(candidate, on)
    if barred is not None:
        raise Conflict(
            SanctionedCandidate(candidate, barred).text,
            code="candidate_sanctioned",
            details={"sanction": barred.number, "article": ARTICLE},
        )
    first = Candidate.objects.select_related("bid").get(lot=candidate.lot, rank=1)
    if (
        tender.project.funding in STATE_FUNDED
        and rule_value("award.state_funded_first_candidate_required", on=on)
        and candidate.rank != 1
        and not first.disqualified_reason
        and candidate_barred(first, on) is None
    ):
        raise ValidationFailed(
            "国有资金占控股或主导地位的项目，应当确定排名第一的中标候选人为中标人",
            code="first_candidate_required",
            details={
                "article": rule("award.state_funded_first_candidate_required", on=on).reference
            },
        )
    report_days = int(rule_value("award.report_within", on=on))
    award = Award.objects.create(
        tender=tender,
        lot=candidate.lot,
        bid=candidate.bid,
        supplier=candidate.bid.bidder,
        value=candidate.price,
        decided_at=at,
        contract_due=on + dt.timedelta(days=int(rule_value("award.contract_within", on=on))),
        report_due=on + dt.timedelta(days=report_days),
        reason=(reason or "")[:500],
        decided_by=actor.username,
    )
    record(
        actor=actor,
        type="tendering.awarded",
        obj=tender,
        payload={
            "code": tender.code,
            "lot": candidate.lot.number,
            "supplier": award.supplier.credit_code,
            "value": award.value,
            "rank": candidate.rank,
            "contract_due": award.contract_due,
            "report_due": award.report_due,
        },
    )
    # 实施条例 57: the others' bonds come back within N days of the contract (due at the
    # latest contract date until the contract is recorded).
    refund = period_end("bid_bond.refund_after_contract", start=award.contract_due, on=on)
    Bid.objects.filter(lot=candidate.lot, bond_refunded_at__isnull=True).exclude(
        pk=candidate.bid_id
    ).exclude(status=Bid.WITHDRAWN).update(bond_refund_due=refund)
    if not tender.lots.exclude(awards__isnull=False).exists():
        move(actor, tender, workflow.Status.AWARDED, "已定标")
    ocds_release(tender=tender, tag="award", actor=actor)
    return award


@transaction.atomic
def bond_refund_record(*, actor: Actor, bid: Bid) -> Bid:
    """The tenderer records that a bid bond was paid back (to the account it came from)."""
    bid = Bid.objects.select_for_update().select_related("tender").get(pk=bid.pk)
    require_manager(actor, bid.tender)
    if bid.bond_refunded_at is not None:
        raise Conflict("该投标保证金已退还", code="bond_refunded")
    if bid.bond_refund_due is None:
        raise Conflict("该投标保证金尚未到退还条件", code="bond_not_due")
    bid.bond_refunded_at = now()
    bid.save(update_fields=["bond_refunded_at", "updated_at"])
    record(
        actor=actor,
        type="tendering.bond_refunded",
        obj=bid,
        payload={
            "tender": bid.tender.code,
            "receipt": bid.receipt_number,
            "amount": bid.bond_amount,
            "account": bid.bond_account,
            "due": bid.bond_refund_due,
            "late": local_date(bid.bond_refunded_at) > bid.bond_refund_due,
        },
    )
    return bid


@transaction.atomic
def award_report_file(*, actor: Actor, award: Award, document) -> Award:
    """招标投标法 47: the written report on the tendering to the supervising department."""
    award = Award.objects.select_for_update().select_related("tender").get(pk=award.pk)
    require_manager(actor, award.tender)
    if award.report_filed_at is not None:
        raise Conflict("书面报告已提交", code="report_filed")
    from jianguan.tendering.services.tenders import _document

    at = now()
    doc = _document(award.tender, document, "notice", "招标投标情况书面报告", at)
    award.report_filed_at, award.report_document = at, doc
    award.save()
    record(
        actor=actor,
        type="tendering.report_filed",
        obj=award.tender,
        payload={
            "code": award.tender.code,
            "award": award.pk,
            "sm3": doc.sm3,
            "due": award.report_due,
            "late": local_date(at) > award.report_due,
        },
        files=[{"name": "report", "sm3": doc.sm3}],
    )
    return award
