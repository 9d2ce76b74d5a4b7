"""Payment claims (进度款申请) and payments: create, update, submit through the automatic
checks, and record what was paid. The reviews live in claims/reviews.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from jianguan.contracts import payments, workflow
from jianguan.contracts.claims import deductions
from jianguan.contracts.claims.selectors import approved_quantities, claim_checks
from jianguan.contracts.models import BoqItem, ClaimLine, Contract, Payment, PaymentClaim
from jianguan.contracts.services.common import (
    evidence_check,
    evidence_store,
    locked,
    require_in_force,
    require_party,
    wf,
)
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record

OPEN = (
    workflow.C_DRAFT,
    workflow.C_RETURNED,
    workflow.C_SUPERVISOR,
    workflow.C_OWNER,
    workflow.C_FINANCE,
    workflow.C_AUDIT,
)
DONE = (workflow.C_APPROVED, workflow.C_PAID)
QTY_INT_DIGITS = 15  # max_digits 18, 3 places
MONEY_INT_DIGITS = 14  # max_digits 16, 2 places
NOTE_MAX = 300


# --- parsing ---------------------------------------------------------------------------------


def parse_decimal(
    raw: Any, *, places: int, int_digits: int, what: str, code: str, details: dict | None = None
) -> Decimal:
    """A non-negative Decimal with at most `places` decimals, or a Chinese 400."""
    details = details or {}
    if isinstance(raw, float):
        raise ValidationFailed(f"{what}须为数字", code=code, details=details)
    try:
        value = strict_decimal(raw, places=places, int_digits=int_digits, minimum=Decimal(0))
    except DecimalProblem as problem:
        message = {
            "not_number": f"{what}须为数字",
            "not_finite": f"{what}须为有限数字",
            "below_minimum": f"{what}不能为负数",
            "too_large": f"{what}数值过大",
            "too_many_places": f"{what}最多保留 {places} 位小数",
        }[problem.kind]
        raise ValidationFailed(message, code=code, details=details) from None
    return value.quantize(Decimal(1).scaleb(-places))


def parse_quantity(raw: Any, code_of_line: str) -> Decimal:
    return parse_decimal(
        raw,
        places=3,
        int_digits=QTY_INT_DIGITS,
        what=f"清单项 {code_of_line} 的累计工程量",
        code="bad_quantity",
        details={"line": code_of_line},
    )


def parse_money(raw: Any, what: str, code: str) -> Decimal:
    return parse_decimal(raw, places=2, int_digits=MONEY_INT_DIGITS, what=what, code=code)


def _check_period(start: Any, end: Any) -> None:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise ValidationFailed("请填写计量期起止日期", code="bad_period")
    if end < start:
        raise ValidationFailed("计量期结束日期不能早于开始日期", code="bad_period")
    if start > today_local():
        raise ValidationFailed("计量期尚未开始，不能申报", code="bad_period")
    if (end - start).days > 366:
        raise ValidationFailed("一个计量期不能超过一年", code="bad_period")


def _overlap(contract: Contract, start: dt.date, end: dt.date, exclude: int | None) -> None:
    clash = (
        PaymentClaim.objects.filter(contract=contract, period_start__lte=end, period_end__gte=start)
        .exclude(status=workflow.C_DRAFT)
        .exclude(pk=exclude)
        .first()
    )
    if clash is not None:
        raise ValidationFailed(
            f"计量期与 {clash.number}（{clash.period_start:%Y-%m-%d} 至 "
            f"{clash.period_end:%Y-%m-%d}）重叠",
            code="period_overlap",
            details={"claim": clash.number},
        )


def _resolve_lines(contract: Contract, lines: Any) -> list[tuple[BoqItem, Decimal, str]]:
    if not isinstance(lines, list | tuple) or not lines:
        raise ValidationFailed("请至少申报一项清单工程量", code="no_lines")
    items = list(BoqItem.objects.filter(contract=contract))
    by_id = {i.pk: i for i in items}
    by_code = {i.code: i for i in items}
    out, seen = [], set()
    for n, raw in enumerate(lines, 1):
        if not isinstance(raw, dict):
            raise ValidationFailed(f"第 {n} 行格式不正确", code="bad_line", details={"row": n})
        ref = raw.get("boq_item")
        item = None
        if ref is not None and not isinstance(ref, bool):
            key = ref.pk if isinstance(ref, BoqItem) else ref
            item = by_id.get(key) if isinstance(key, int) else None
            if item is None and isinstance(key, str) and key.isascii() and key.isdigit():
                item = by_id.get(int(key))
        elif raw.get("code") is not None:
            item = by_code.get(str(raw["code"]).strip())
        if item is None:
            label = str(raw.get("code") or ref or "")[:40]
            raise ValidationFailed(
                f"第 {n} 行：本合同工程量清单中没有该清单项 {label}",
                code="unknown_boq_item",
                details={"row": n, "line": label},
            )
        if item.pk in seen:
            raise ValidationFailed(
                f"清单项 {item.code} 重复申报", code="duplicate_line", details={"line": item.code}
            )
        seen.add(item.pk)
        cumulative = parse_quantity(raw.get("cumulative_quantity"), item.code)
        note = raw.get("evidence_note") or ""
        if not isinstance(note, str) or len(note) > NOTE_MAX:
            raise ValidationFailed(
                f"清单项 {item.code} 的计量依据不超过 {NOTE_MAX} 字",
                code="bad_evidence_note",
                details={"line": item.code},
            )
        out.append((item, cumulative, note.strip()))
    return out


def _write_lines(
    claim: PaymentClaim, resolved: list[tuple[BoqItem, Decimal, str]], previous: dict
) -> None:
    """Replace the claim's lines with `resolved`; a dropped line that an earlier round's
    reviewer cut is kept at its previous quantity (the cut stays on record)."""
    existing = {line.boq_item_id: line for line in claim.lines.all()}
    keep, create, update = set(), [], []
    for item, cumulative, note in resolved:
        prev = previous.get(item.pk, Decimal("0.000"))
        amount = payments.money((cumulative - prev) * item.unit_rate)
        line = existing.get(item.pk)
        if line is None:
            create.append(
                ClaimLine(
                    claim=claim,
                    boq_item=item,
                    previous_quantity=prev,
                    cumulative_quantity=cumulative,
                    unit_rate=item.unit_rate,
                    period_amount=amount,
                    evidence_note=note,
                )
            )
        else:
            keep.add(item.pk)
            line.previous_quantity, line.cumulative_quantity = prev, cumulative
            line.unit_rate, line.period_amount, line.evidence_note = item.unit_rate, amount, note
            update.append(line)
    for item_id, line in existing.items():
        if item_id in keep:
            continue
        if line.cuts.exists():
            line.cumulative_quantity, line.period_amount = line.previous_quantity, Decimal(0)
            line.evidence_note = ""
            update.append(line)
        else:
            line.delete()
    ClaimLine.objects.bulk_create(create, batch_size=1000)
    ClaimLine.objects.bulk_update(
        update,
        ["previous_quantity", "cumulative_quantity", "unit_rate", "period_amount", "evidence_note"],
        batch_size=1000,
    )
    _revalue(claim, previous)


def _revalue(claim: PaymentClaim, previous: dict) -> None:
    sent = {
        line.boq_item_id: line.cumulative_quantity
        for line in ClaimLine.objects.filter(claim=claim).only("boq_item_id", "cumulative_quantity")
    }
    lines = []
    for item_id, rate in BoqItem.objects.filter(contract_id=claim.contract_id).values_list(
        "pk", "unit_rate"
    ):
        prev = previous.get(item_id, Decimal(0))
        lines.append((sent.get(item_id, prev), prev, rate))
    cumulative = sum((c * r for c, _, r in lines), Decimal(0))
    period = sum(((c - p) * r for c, p, r in lines), Decimal(0))
    claim.claimed_cumulative_value = payments.money(cumulative)
    claim.claimed_value = payments.money(period)


def _lines_payload(claim: PaymentClaim) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "previous": prev,
            "cumulative": cum,
            "rate": rate,
            "period_amount": amount,
            "evidence_note": note,
        }
        for code, prev, cum, rate, amount, note in ClaimLine.objects.filter(claim=claim)
        .order_by("boq_item__sequence")
        .values_list(
            "boq_item__code",
            "previous_quantity",
            "cumulative_quantity",
            "unit_rate",
            "period_amount",
            "evidence_note",
        )
    ]


def _require_contractor(actor: Actor, contract: Contract) -> None:
    if not actor.can("contracts.claim"):
        raise PermissionDenied("无权提交进度款申请", code="permission_denied")
    require_party(actor, contract, "contractor", message="只有本合同的承包人可以申报进度款")


def _require_opinions_answered(contract: Contract) -> None:
    """全过程跟踪审计: the owner answers every opinion of the tracking auditor on this contract
    before its next claim goes in (issue 21 part 7; the opinions live in cost_control)."""
    from jianguan.cost.control.gates import unanswered_opinions

    n = unanswered_opinions(contract)
    if n:
        raise Conflict(
            f"本合同尚有 {n} 条跟踪审计意见未经建设单位答复，答复后才能提交进度款申请",
            code="tracking_opinions_unanswered",
            details={"unanswered": n},
        )


def _lock_claim(claim: PaymentClaim) -> PaymentClaim:
    return PaymentClaim.objects.select_for_update().select_related("contract").get(pk=claim.pk)


# --- services --------------------------------------------------------------------------------


def claim_create(
    *,
    actor: Actor,
    contract: Contract,
    period_start: dt.date,
    period_end: dt.date,
    lines: list[dict],
    files: Any = (),
) -> PaymentClaim:
    """A draft claim by the contractor: cumulative quantities for the lines worked this period."""
    _require_contractor(actor, contract)
    _check_period(period_start, period_end)
    checked = evidence_check(files)
    with transaction.atomic():
        contract = locked(contract)
        require_in_force(contract)
        open_claim = PaymentClaim.objects.filter(contract=contract, status__in=OPEN).first()
        if open_claim is not None:
            raise Conflict(
                f"{open_claim.number} 尚未审定，审定后才能申报下一期",
                code="previous_claim_open",
                details={"claim": open_claim.number},
            )
        _overlap(contract, period_start, period_end, None)
        resolved = _resolve_lines(contract, lines)
        previous = approved_quantities(contract)
        sequence = (
            PaymentClaim.objects.filter(contract=contract).aggregate(m=Max("sequence"))["m"] or 0
        ) + 1
        claim = PaymentClaim.objects.create(
            contract=contract,
            sequence=sequence,
            number=f"JD-{contract.number}-{sequence:02d}",
            period_start=period_start,
            period_end=period_end,
            created_by=actor.username,
        )
        _write_lines(claim, resolved, previous)
        claim.save(update_fields=["claimed_value", "claimed_cumulative_value", "updated_at"])
        refs = evidence_store(actor=actor, contract=contract, checked=checked, claim=claim)
        record(
            actor=actor,
            type="contracts.claim_created",
            obj=claim,
            payload={
                "contract": contract.number,
                "number": claim.number,
                "period": [period_start, period_end],
                "lines": len(resolved),
                "claimed_value": claim.claimed_value,
                "claimed_cumulative_value": claim.claimed_cumulative_value,
            },
            files=refs,
        )
    return claim


def claim_update(
    *,
    actor: Actor,
    claim: PaymentClaim,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    lines: list[dict] | None = None,
    files: Any = (),
) -> PaymentClaim:
    """Correct a draft or returned claim: the period, the lines (the list replaces the lines
    sent before), more evidence."""
    _require_contractor(actor, claim.contract)
    checked = evidence_check(files)
    with transaction.atomic():
        claim = _lock_claim(claim)
        wf(workflow.check_claim_editable, claim.status)
        start = period_start or claim.period_start
        end = period_end or claim.period_end
        _check_period(start, end)
        _overlap(claim.contract, start, end, claim.pk)
        claim.period_start, claim.period_end = start, end
        previous = approved_quantities(claim.contract)
        if lines is not None:
            _write_lines(claim, _resolve_lines(claim.contract, lines), previous)
        claim.save()
        refs = evidence_store(actor=actor, contract=claim.contract, checked=checked, claim=claim)
        record(
            actor=actor,
            type="contracts.claim_updated",
            obj=claim,
            payload={
                "number": claim.number,
                "period": [start, end],
                "lines_replaced": lines is not None,
                "claimed_value": claim.claimed_value,
                "claimed_cumulative_value": claim.claimed_cumulative_value,
            },
            files=refs,
        )
    return claim


def claim_submit(*, actor: Actor, claim: PaymentClaim) -> PaymentClaim:
    """Run the automatic checks; when all pass the claim goes to the supervisor."""
    _require_contractor(actor, claim.contract)
    with transaction.atomic():
        claim = _lock_claim(claim)
        wf(workflow.check_claim_editable, claim.status)
        require_in_force(claim.contract)
        _require_opinions_answered(claim.contract)
        checks = [c.as_dict() for c in claim_checks(claim)]
        failed = [c for c in checks if not c["passed"]]
        if failed:
            raise ValidationFailed(
                "自动校验未通过：" + "；".join(c["label"] for c in failed),
                code="claim_checks_failed",
                details=checks,
            )
        claim.status = workflow.C_SUPERVISOR
        claim.round += 1
        claim.checks = checks
        claim.submitted_at = now()
        claim.submitted_by = actor.username
        claim.chief_supervisor, claim.chief_supervisor_signed_at = "", None
        claim.save()
        record(
            actor=actor,
            type="contracts.claim_submitted",
            obj=claim,
            payload={
                "number": claim.number,
                "round": claim.round,
                "period": [claim.period_start, claim.period_end],
                "claimed_value": claim.claimed_value,
                "claimed_cumulative_value": claim.claimed_cumulative_value,
                "lines": _lines_payload(claim),
                "checks": checks,
            },
            files=[{"name": e.name, "sm3": e.sm3} for e in claim.evidence.all()],
        )
    return claim


def payment_record(
    *, actor: Actor, claim: PaymentClaim, amount: Any, paid_on: dt.date, reference: str
) -> Payment:
    """The employer or the finance bureau records money paid against an approved claim."""
    if not actor.can("contracts.pay"):
        raise PermissionDenied("无权登记支付", code="permission_denied")
    require_party(
        actor,
        claim.contract,
        "employer",
        "finance_bureau",
        message="只有本合同的发包人或财政部门可以登记支付",
    )
    value = parse_money(amount, "支付金额", "bad_amount")
    if value <= 0:
        raise ValidationFailed("支付金额须大于零", code="bad_amount")
    reference = (reference or "").strip() if isinstance(reference, str) else ""
    if not reference or len(reference) > 100:
        raise ValidationFailed("请填写支付凭证号（不超过100字）", code="bad_reference")
    if not isinstance(paid_on, dt.date):
        raise ValidationFailed("请填写支付日期", code="bad_date")
    with transaction.atomic():
        claim = _lock_claim(claim)
        if claim.status == workflow.C_PAID:
            raise Conflict("该期进度款已全额支付", code="claim_already_paid")
        if claim.status != workflow.C_APPROVED:
            raise Conflict("进度款尚未审定，不能登记支付", code="claim_not_approved")
        if paid_on > today_local():
            raise ValidationFailed("支付日期不能晚于今天", code="bad_date")
        approved_on = timezone.localtime(claim.approved_at).date()
        if paid_on < approved_on:
            raise ValidationFailed("支付日期不能早于审定日期", code="bad_date")
        net = deductions.net_payable(claim)  # less 扣回预付款 etc. (claims/deductions.py)
        remaining = net - claim.paid_amount
        if value > remaining:
            raise ValidationFailed(
                "支付金额超过审定应付金额",
                code="payment_exceeds_approved",
                details={"remaining": str(remaining)},
            )
        payment = Payment.objects.create(
            claim=claim,
            amount=value,
            paid_on=paid_on,
            reference=reference,
            recorded_by=actor.username,
        )
        claim.paid_amount = Payment.objects.filter(claim=claim).aggregate(s=Sum("amount"))[
            "s"
        ] or Decimal(0)
        if claim.paid_amount >= net:
            claim.status = workflow.C_PAID
        claim.save(update_fields=["paid_amount", "status", "updated_at"])
        record(
            actor=actor,
            type="contracts.payment_recorded",
            obj=claim,
            payload={
                "number": claim.number,
                "payment": payment.pk,
                "amount": value,
                "paid_on": paid_on,
                "reference": reference,
                "paid_amount": claim.paid_amount,
                "payable_amount": claim.payable_amount,
                "status": claim.status,
            },
        )
    return payment
