"""异常低价 (12号令 21; 招标投标法 41; 条例 51): a bid far below the others gets a written
explanation request with a due date; the committee accepts it, or rejects the bid as below
cost — an unexplained one by the due date is rejected with that reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule_value
from jianguan.tendering import workflow
from jianguan.tendering.evaluation import price_score
from jianguan.tendering.models import Bid, LowBidQuery, Tender
from jianguan.tendering.services.common import local_date, require_manager


def _threshold(code: str, on) -> Decimal | None:
    value = rule_value(code, on=on)
    return Decimal(str(value)) if value is not None else None


@transaction.atomic
def low_bids_check(*, actor: Actor, tender: Tender) -> list[LowBidQuery]:
    """Runs the thresholds over the valid bids (≤ ceiling) and opens a query for each flag."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    if tender.status != workflow.Status.EVALUATION:
        raise Conflict("招标项目不在评标阶段", code="not_evaluating")
    at = now()
    on = local_date(at)
    days = int(rule_value("abnormally_low_bid.explanation_days", on=on))
    made = []
    for lot in tender.lots.all():
        bids = {
            str(b.pk): b
            for b in Bid.objects.filter(lot=lot, status=Bid.OPENED, price__lte=lot.price_ceiling)
        }
        flags = price_score.abnormally_low(
            {k: b.price for k, b in bids.items()},
            below_mean_others_pct=_threshold("abnormally_low_bid.below_mean_others_pct", on),
            below_next_pct=_threshold("abnormally_low_bid.below_next_pct", on),
            cost_line=None,
        )
        for key, reasons in flags.items():
            bid = bids[key]
            if LowBidQuery.objects.filter(bid=bid).exists():
                continue
            query = LowBidQuery.objects.create(
                tender=tender, bid=bid, reasons=reasons, due=at + dt.timedelta(days=days)
            )
            made.append(query)
            record(
                actor=actor,
                type="tendering.low_bid_queried",
                obj=bid,
                payload={
                    "tender": tender.code,
                    "receipt": bid.receipt_number,
                    "reasons": reasons,
                    "due": query.due,
                },
            )
    return made


@transaction.atomic
def low_bid_explain(*, actor: Actor, query: LowBidQuery, text: str) -> LowBidQuery:
    query = LowBidQuery.objects.select_for_update().select_related("bid").get(pk=query.pk)
    if query.bid.bidder_id != actor.organisation_id:
        raise NotFound("说明要求不存在", code="not_found")
    if query.explained_at is not None or query.decided_at is not None:
        raise Conflict("已提交说明或已作出评审意见", code="already_explained")
    if now() > query.due:
        raise ValidationFailed(
            f"书面说明期限（{query.due:%Y-%m-%d %H:%M}）已过", code="explanation_late"
        )
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写书面说明及证明材料情况", code="text_missing")
    query.explanation, query.explained_at = text[:10000], now()
    query.save()
    record(
        actor=actor,
        type="tendering.low_bid_explained",
        obj=query.bid,
        payload={"receipt": query.bid.receipt_number, "explanation": query.explanation},
    )
    return query


@transaction.atomic
def low_bid_decide(
    *, actor: Actor, query: LowBidQuery, accepted: bool, decision: str
) -> LowBidQuery:
    """The committee's view; no explanation by the due date can only be a rejection."""
    query = LowBidQuery.objects.select_for_update().select_related("bid", "tender").get(pk=query.pk)
    require_manager(actor, query.tender)
    if query.decided_at is not None:
        raise Conflict("已作出评审意见", code="already_decided")
    unexplained = query.explained_at is None
    if unexplained and now() <= query.due:
        raise Conflict("说明期限未到，投标人尚未提交说明", code="awaiting_explanation")
    if unexplained and accepted:
        raise ValidationFailed("投标人未在期限内说明，不能认定说明成立", code="unexplained")
    decision = (decision or "").strip() or (
        "投标人未在期限内作出书面说明，按低于成本报价否决" if unexplained else ""
    )
    if not decision:
        raise ValidationFailed("请填写评审意见", code="decision_missing")
    query.accepted, query.decision = accepted, decision[:500]
    query.decided_at, query.decided_by = now(), actor.username
    query.save()
    record(
        actor=actor,
        type="tendering.low_bid_decided",
        obj=query.bid,
        payload={
            "receipt": query.bid.receipt_number,
            "accepted": accepted,
            "decision": query.decision,
        },
    )
    return query


def rejected_bid_ids(tender: Tender) -> set[int]:
    return set(
        LowBidQuery.objects.filter(tender=tender, accepted=False).values_list("bid_id", flat=True)
    )


def open_queries(tender: Tender) -> int:
    return LowBidQuery.objects.filter(tender=tender, decided_at__isnull=True).count()
