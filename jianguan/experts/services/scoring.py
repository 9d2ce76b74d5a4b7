"""综合评估法 scoring: each expert fills only their own sheets; the committee's result is
computed from the submitted sheets, the price formula with the revealed K and the credit
score on the opening day — and can be recomputed from the ledger alone."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from jianguan.compliance.selectors_credit import Subject, score_on
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import SHANGHAI, now
from jianguan.experts.models import Committee, Member, Sheet
from jianguan.ledger.services import record
from jianguan.tendering.award.services import candidates_publish
from jianguan.tendering.evaluation import aggregate as agg
from jianguan.tendering.evaluation import config as cfg
from jianguan.tendering.evaluation import price_score
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.services.low_bids import open_queries, rejected_bid_ids

CENT = Decimal("0.01")


def _config(committee: Committee) -> cfg.EvaluationConfig:
    config = cfg.parse(committee.tender.evaluation_config or None)
    if config.method != cfg.COMPREHENSIVE:
        raise Conflict("本项目采用经评审的最低投标价法，无需专家打分", code="not_scored")
    return config


def _own_member(actor: Actor, member: Member) -> Member:
    member = Member.objects.select_related("committee__tender", "expert").get(pk=member.pk)
    if member.expert.user_id is None or member.expert.user_id != actor.user_id:
        raise PermissionDenied("只能填写本人的评分表", code="not_own_sheet")
    if member.status != Member.CHECKED_IN:
        raise Conflict("签到后方可评分", code="not_checked_in")
    if member.committee.tender.status != "evaluation":
        raise Conflict("招标项目不在评标阶段", code="not_evaluating")
    return member


def opened_bids(committee: Committee) -> list[Bid]:
    return list(
        Bid.objects.filter(tender=committee.tender, status=Bid.OPENED).order_by("received_at")
    )


@transaction.atomic
def sheet_save(*, actor: Actor, member: Member, bid: Bid, scores: dict) -> Sheet:
    """Scores of one bid by the expert (criterion -> [score, reason]); refused outside the
    range, without a reason for a subjective criterion, or for a bid of another tender."""
    member = _own_member(actor, member)
    committee = member.committee
    config = _config(committee)
    if bid.tender_id != committee.tender_id or bid.status != Bid.OPENED:
        raise NotFound("该投标文件不在本次评审范围内", code="bid_not_in_evaluation")
    sheet = Sheet.objects.select_for_update().filter(member=member, bid=bid).first()
    if sheet is not None and sheet.submitted_at is not None:
        raise Conflict("评分表已提交，不能修改", code="sheet_submitted")
    try:
        parsed = {
            code: (Decimal(str(value[0])), str(value[1] if len(value) > 1 else ""))
            for code, value in (scores or {}).items()
        }
    except (ArithmeticError, TypeError, ValueError, IndexError):
        raise ValidationFailed("评分须为 [分值, 理由] 形式", code="bad_scores") from None
    criteria = [c for _, c in config.criteria]
    # The problems name the bid by its bidder, as the expert's sheet does (not by its id).
    problems = agg.check_sheet({bid.bidder.name: parsed}, criteria)
    if problems:
        raise ValidationFailed("；".join(problems), code="bad_scores")
    data = {code: [str(s), r] for code, (s, r) in parsed.items()}
    if sheet is None:
        sheet = Sheet.objects.create(member=member, bid=bid, scores=data)
    else:
        sheet.scores = data
        sheet.save(update_fields=["scores", "updated_at"])
    return sheet


@transaction.atomic
def sheets_submit(*, actor: Actor, member: Member) -> Member:
    """Submits all of the expert's sheets at once (each opened bid scored); ledgered."""
    member = _own_member(actor, member)
    bids = {b.pk for b in opened_bids(member.committee)}
    sheets = list(Sheet.objects.select_for_update().filter(member=member))
    if {s.bid_id for s in sheets} != bids:
        raise ValidationFailed("须对每一份有效投标文件评分后再提交", code="sheets_incomplete")
    if any(s.submitted_at for s in sheets):
        raise Conflict("评分表已提交", code="sheet_submitted")
    at = now()
    for s in sheets:
        s.submitted_at = at
        s.save(update_fields=["submitted_at", "updated_at"])
    record(
        actor=actor,
        type="experts.sheets_submitted",
        obj=member.committee,
        payload={
            "tender": member.committee.tender.code,
            "order": member.order,
            "scores": {str(s.bid_id): s.scores for s in sheets},
        },
    )
    return member


def compute(
    config: cfg.EvaluationConfig,
    sheets: dict[str, dict[str, dict[str, Decimal]]],
    prices: dict[str, Decimal],
    ceilings: dict[str, Decimal],
    credit: dict[str, Decimal],
    k: Decimal,
    order: list[str],
) -> dict:
    """Pure: totals, ranking and outliers from sheets, prices, the credit part and K."""
    means = agg.aggregate(sheets, drop_extremes_at=config.drop_extremes_at)
    valid, invalid = {}, {}
    for bid, price in prices.items():
        (valid if price <= ceilings[bid] else invalid)[bid] = price
    price_lines = price_score.price_scores(valid, max(ceilings.values()), config.price, k)
    totals, lines = {}, {}
    for bid in valid:
        expert_part = sum(means.get(bid, {}).values(), Decimal(0))
        total = (expert_part + credit.get(bid, Decimal(0)) + price_lines[bid]["score"]).quantize(
            CENT
        )
        totals[bid] = total
        lines[bid] = {
            "criteria": {c: str(v) for c, v in means.get(bid, {}).items()},
            "credit": str(credit.get(bid, Decimal(0))),
            "price": str(price_lines[bid]["score"]),
            "total": str(total),
        }
    by_price = sorted(valid, key=lambda b: (valid[b], order.index(b)))
    ranking = agg.rank(totals, tie_break=[by_price, order])
    criteria = [c for _, c in config.criteria]
    return {
        "lines": lines,
        "ranking": [[bid, str(total), r] for bid, total, r in ranking],
        "invalid": {b: "投标报价超过最高投标限价" for b in invalid},
        "outliers": agg.outliers(sheets, criteria=criteria),
        "k": str(k),
    }


def _credit_part(config: cfg.EvaluationConfig, bid: Bid) -> Decimal:
    """信用部分: the score published on the bid-opening day (北京 practice), scaled to the
    part's points from the 1,000-point scale; no score → 0 points, stated in the result."""
    if not config.credit_points:
        return Decimal(0)
    day = bid.tender.bid_deadline.astimezone(SHANGHAI).date()
    try:
        value = score_on(Subject(organisation=bid.bidder), day)
    except Exception:
        return Decimal(0)
    return (config.credit_points * value / Decimal(1000)).quantize(CENT)


@transaction.atomic
def evaluation_compute(*, actor: Actor, committee: Committee) -> dict:
    """By the supervising officer once every present member has submitted: the result, its
    ledger entry, and the candidates' publicity."""
    committee = Committee.objects.select_for_update().select_related("tender").get(pk=committee.pk)
    if actor.username != committee.officer and not actor.is_system:
        raise PermissionDenied("只有监督人员可以汇总评分", code="not_officer")
    config = _config(committee)
    present = list(committee.members.filter(status=Member.CHECKED_IN))
    if Sheet.objects.filter(member__in=present, submitted_at__isnull=True).exists() or any(
        not m.sheets.exists() for m in present
    ):
        raise Conflict("尚有专家未提交评分表", code="sheets_pending")
    if open_queries(committee.tender):
        raise Conflict("尚有异常低价说明未评审", code="low_bids_pending")
    rejected = rejected_bid_ids(committee.tender)
    bids = [b for b in opened_bids(committee) if b.pk not in rejected]
    sheets = {
        str(m.order): {
            str(s.bid_id): {c: Decimal(v[0]) for c, v in s.scores.items()}
            for s in m.sheets.all()
            if s.bid_id not in rejected
        }
        for m in present
    }
    result = compute(
        config,
        sheets,
        {str(b.pk): b.price for b in bids},
        {str(b.pk): b.lot.price_ceiling for b in bids},
        {str(b.pk): _credit_part(config, b) for b in bids},
        committee.tender.k_value or Decimal(0),
        [str(b.pk) for b in bids],
    )
    committee.result = result
    committee.save(update_fields=["result", "updated_at"])
    record(
        actor=actor,
        type="experts.evaluation_computed",
        obj=committee,
        payload={"tender": committee.tender.code, "result": result},
    )
    by_id = {str(b.pk): b for b in bids}
    ranking = [by_id[bid] for bid, _, _ in result["ranking"]]
    tender = Tender.objects.select_for_update().get(pk=committee.tender_id)
    if tender.status != "evaluation":
        raise Conflict("招标项目不在评标阶段", code="not_evaluating")
    candidates_publish(
        actor=actor,
        tender=tender,
        ranking=ranking,
        excluded=[{"bid": b, "reason": r} for b, r in result["invalid"].items()],
        scores={by_id[b].pk: t for b, t, _ in result["ranking"]},
    )
    return result


@transaction.atomic
def report_sign(*, actor: Actor, member: Member) -> Member:
    """An expert signs the evaluation report online: the signature binds the result digest."""
    from jianguan.experts.models import ReportSignature
    from jianguan.experts.pdf import result_digest

    member = Member.objects.select_related("committee__tender", "expert").get(pk=member.pk)
    if member.expert.user_id is None or member.expert.user_id != actor.user_id:
        raise PermissionDenied("只能本人签署", code="not_own_signature")
    committee = member.committee
    if not committee.result:
        raise Conflict("评标结果尚未汇总", code="no_result")
    if member.status != Member.CHECKED_IN:
        raise Conflict("未参加评标的专家不能签署", code="not_checked_in")
    if ReportSignature.objects.filter(member=member).exists():
        raise Conflict("已签署", code="already_signed")
    digest = result_digest(committee.result)
    ReportSignature.objects.create(member=member, report_sha256=digest, signed_at=now())
    record(
        actor=actor,
        type="experts.report_signed",
        obj=committee,
        payload={"tender": committee.tender.code, "order": member.order, "report_sha256": digest},
    )
    return member
