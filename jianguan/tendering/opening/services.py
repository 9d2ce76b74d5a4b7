"""Opening at the deadline instant: too few bids fail the tender; otherwise each bidder
unseals online within the window, and the opening record is published and ledgered."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal, InvalidOperation

from django.db import transaction

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import Conflict, NotFound, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule, rule_value
from jianguan.tendering import sealer, workflow
from jianguan.tendering.collusion.services import collusion_run
from jianguan.tendering.evaluation.services import k_commit, k_reveal
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.ocds.services import ocds_release
from jianguan.tendering.services.common import local_date, move, opened_dir, periods

# Sealer errors that can only come from the bidder's side: a wrong or tampered key or
# package (办法 31: 因投标人原因 → 撤销). Anything else is the platform's (→ 撤回).
BIDDER_FAULTS = {"wrong_key", "tampered", "truncated", "hash_mismatch", "invalid_input"}


def _valid_by_lot(tender: Tender) -> dict[int, int]:
    counts = {lot.pk: 0 for lot in tender.lots.all()}
    for lot_id in Bid.objects.filter(tender=tender, status=Bid.SUBMITTED).values_list(
        "lot_id", flat=True
    ):
        counts[lot_id] += 1
    return counts


def tender_open(*, tender: Tender, actor: Actor = SYSTEM, at: dt.datetime | None = None) -> Tender:
    """At the deadline: 流标 when fewer than the minimum bids, else the unsealing window."""
    at = at or now()
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        if tender.status not in workflow.ACCEPTING_BIDS or tender.bid_deadline > at:
            return tender
        p = periods(local_date(tender.bid_deadline))
        counts = _valid_by_lot(tender)
        best = max(counts.values(), default=0)
        problem = workflow.check_opening(best, p.min_bidders, p.min_bidders_article)
        if problem is not None:
            tender.next_check_at = None
            tender = move(actor, tender, workflow.Status.FAILED, str(problem))
            ocds_release(tender=tender, tag="tenderCancellation", actor=actor)
            return tender
        hours = int(rule_value("e_tendering.unseal_window", on=local_date(at)))
        tender.unseal_until = tender.bid_deadline + dt.timedelta(hours=hours)
        tender.next_check_at = tender.unseal_until
        k_commit(tender, actor)
        return move(
            actor,
            tender,
            workflow.Status.OPENING,
            f"投标截止，共 {sum(counts.values())} 份投标文件，开始在线解密",
        )


def _summary_values(summary: dict) -> tuple[Decimal, int | None]:
    try:
        price = Decimal(str(summary.get("price", ""))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            "开标一览表缺少有效的投标报价（price）", code="bad_summary"
        ) from None
    duration = summary.get("duration_days")
    if duration is not None and not (isinstance(duration, int) or str(duration).isdigit()):
        raise ValidationFailed("开标一览表的工期（duration_days）须为整数", code="bad_summary")
    return price, int(duration) if duration is not None else None


def _fail(actor: Actor, bid: Bid, code: str, message: str) -> Bid:
    at = local_date(now())
    fault = code in BIDDER_FAULTS
    outcome = workflow.unseal_outcome(
        fault,
        rule_value("e_tendering.unseal_failure_bidder_fault_outcome", on=at),
        rule_value("e_tendering.unseal_failure_other_cause_outcome", on=at),
    )
    bid.status = Bid.REVOKED if outcome == "revoked" else Bid.WITHDRAWN_AT_OPENING
    bid.failure_reason = f"{message}（{'投标人原因' if fault else '非投标人原因'}）"[:500]
    bid.save()
    article = rule("e_tendering.unseal_failure_bidder_fault_outcome", on=at).reference
    record(
        actor=actor,
        type="tendering.bid_unseal_failed",
        obj=bid,
        payload={
            "tender": bid.tender.code,
            "receipt": bid.receipt_number,
            "code": code,
            "reason": bid.failure_reason,
            "outcome": bid.status,
            "article": article,
        },
    )
    return bid


def bid_unseal(*, actor: Actor, bid: Bid, data_key_hex: str) -> Bid:
    """The bidder hands over its data key (unwrapped on its side); the platform decrypts and
    checks every SM3 against the manifest committed at submission."""
    require(actor, "tendering.bid")
    with transaction.atomic():
        bid = Bid.objects.select_for_update().select_related("tender").get(pk=bid.pk)
        if bid.bidder_id != actor.organisation_id:
            raise NotFound("投标文件不存在", code="bid_not_found")
        tender = bid.tender
        if tender.status != workflow.Status.OPENING or now() > tender.unseal_until:
            raise Conflict("当前不在解密时段内", code="not_unsealing")
        if bid.status != Bid.SUBMITTED:
            raise Conflict("该投标文件已解密或已处理", code="bid_not_sealed")
        key_hex = (data_key_hex or "").strip().lower()
        if not re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{64}", key_hex):
            raise ValidationFailed("数据密钥须为 32 或 64 位十六进制", code="bad_data_key")
        out = opened_dir(bid)
        try:
            opened = sealer.open_package(
                package=bid.package.path, data_key=bytes.fromhex(key_hex), out_dir=out
            )
            price, duration = _summary_values(opened.summary)
        except sealer.SealError as exc:
            shutil.rmtree(out, ignore_errors=True)
            return _fail(actor, bid, exc.code, exc.message)
        except ValidationFailed as exc:
            shutil.rmtree(out, ignore_errors=True)
            return _fail(actor, bid, "invalid_input", exc.message)
        bid.status, bid.opened_at = Bid.OPENED, now()
        bid.price, bid.duration_days = price, duration
        bid.summary = {k: v for k, v in opened.summary.items() if k != "nonce"}
        bid.save()
        record(
            actor=actor,
            type="tendering.bid_unsealed",
            obj=bid,
            payload={
                "tender": tender.code,
                "receipt": bid.receipt_number,
                "summary": bid.summary,
                "files": [f.to_dict() for f in sealer.read_manifest(bid.package.path).files],
            },
        )
        return bid


@transaction.atomic
def opening_close(*, tender: Tender, actor: Actor = SYSTEM) -> Tender:
    """After the window: bids still sealed were not unsealed by their bidders (撤销); the
    opening record is published; too few decrypted bids fail the tender."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != workflow.Status.OPENING:
        return tender
    for bid in Bid.objects.select_for_update().filter(tender=tender, status=Bid.SUBMITTED):
        _fail(actor, bid, "wrong_key", "投标人未在解密时限内完成解密")
    bids = list(
        Bid.objects.filter(
            tender=tender, status__in=(Bid.OPENED, Bid.REVOKED, Bid.WITHDRAWN_AT_OPENING)
        )
        .select_related("bidder", "lot")
        .order_by("lot__number", "received_at")
    )
    rows = [
        {
            "lot": b.lot.number,
            "bidder": b.bidder.name,
            "credit_code": b.bidder.credit_code,
            "receipt": b.receipt_number,
            "status": b.status,
            "price": b.price,
            "duration_days": b.duration_days,
            "summary": b.summary or {},
            "failure": b.failure_reason,
        }
        for b in bids
    ]
    record(
        actor=actor,
        type="tendering.opening_recorded",
        obj=tender,
        payload={"code": tender.code, "deadline": tender.bid_deadline, "bids": rows},
    )
    p = periods(local_date(tender.bid_deadline))
    opened = sum(1 for b in bids if b.status == Bid.OPENED)
    problem = workflow.check_opening(opened, p.min_bidders, p.min_bidders_article)
    tender.next_check_at = None
    if problem is not None:
        tender = move(actor, tender, workflow.Status.FAILED, f"解密后有效投标不足：{problem}")
        ocds_release(tender=tender, tag="tenderCancellation", actor=actor)
        return tender
    k_reveal(tender, actor)
    tender = move(actor, tender, workflow.Status.EVALUATION, "开标结束，进入评标")
    ocds_release(tender=tender, tag="tenderUpdate", actor=actor)
    collusion_run(tender=tender, stage="opening", actor=actor)
    return tender
