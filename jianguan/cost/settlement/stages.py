"""过程结算 (stage settlement): on projects that start and cannot finish in the same year, the
agreed, undisputed quantities of a period are settled while the works go on, and are not
audited again at completion (财建〔2022〕183号; shared/RULES.md B5). The contractor drafts a
stage settlement from BoQ lines and quantities, the owner agrees it; once agreed it is carried
into the final account as `stage_settled` lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from jianguan.contracts import workflow as cwf
from jianguan.contracts.models import BoqItem, Contract
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import FinalAccount, StageSettlement, StageSettlementLine
from jianguan.cost.settlement.services import check, require
from jianguan.ledger.services import record


@transaction.atomic
def stage_settlement_submit(
    *,
    actor: Actor,
    contract: Contract,
    period_start: dt.date,
    period_end: dt.date,
    quantities: dict[str, Any],
) -> StageSettlement:
    """The contractor submits a period's agreed quantities by BoQ code; a code not in the
    contract, or a quantity beyond what remains unsettled of the line, is refused."""
    require(
        actor,
        "cost_settlement.prepare",
        contract,
        "contractor",
        message="只有本合同的承包人可以申报过程结算",
    )
    if contract.status not in cwf.IN_FORCE:
        raise Conflict("合同尚未签订生效或已完成，不能办理过程结算", code="contract_not_in_force")
    if FinalAccount.objects.filter(contract=contract).exists():
        raise Conflict("已开始编制竣工结算，不能再办理过程结算", code="account_exists")
    if not period_start or not period_end or period_end < period_start:
        raise ValidationFailed("结算周期的止日不能早于起日", code="bad_period")
    if not quantities:
        raise ValidationFailed("请填写本期结算的清单工程量", code="field_missing")
    items = {i.code: i for i in BoqItem.objects.filter(contract=contract)}
    settled = dict(
        StageSettlementLine.objects.filter(stage__contract=contract)
        .exclude(stage__status=wf.STAGE_DRAFT)
        .values("boq_item_id")
        .annotate(s=Sum("quantity"))
        .values_list("boq_item_id", "s")
    )
    lines = []
    for code, value in quantities.items():
        item = items.get(str(code).strip())
        if item is None:
            raise ValidationFailed(
                f"合同工程量清单中没有项目编码 {code}", code="line_not_in_contract"
            )
        q = check(wf.amount_input, value, f"{code} 工程量", allow_zero=False).quantize(wf.MILLI)
        left = item.current_quantity - (settled.get(item.pk) or Decimal(0))
        if q > left:
            raise ValidationFailed(
                f"{code} 本期结算工程量 {q} 超过尚未结算的 {left}", code="quantity_above_remaining"
            )
        lines.append((item, q))
    last = StageSettlement.objects.filter(contract=contract).count()
    stage = StageSettlement.objects.create(
        contract=contract,
        number=f"GC-{contract.number}-{last + 1:02d}"[:32],
        period_start=period_start,
        period_end=period_end,
        status=wf.STAGE_SUBMITTED,
        submitted_at=now(),
        created_by=actor.username,
    )
    rows = [
        StageSettlementLine(
            stage=stage,
            boq_item=item,
            quantity=q,
            unit_rate=item.unit_rate,
            amount=wf.line_amount(q, item.unit_rate),
        )
        for item, q in lines
    ]
    StageSettlementLine.objects.bulk_create(rows)
    stage.amount = wf.money(sum((r.amount for r in rows), Decimal(0)))
    stage.save(update_fields=["amount", "updated_at"])
    record(
        actor=actor,
        type="cost_settlement.stage_submitted",
        obj=stage,
        payload={
            "contract": contract.number,
            "period": [period_start, period_end],
            "amount": stage.amount,
            "lines": {item.code: q for item, q in lines},
        },
    )
    return stage


@transaction.atomic
def stage_settlement_decide(
    *, actor: Actor, stage: StageSettlement, agree: bool, opinion: str = ""
) -> StageSettlement:
    """The owner agrees the stage settlement (it is then final), or rejects it (deleted from
    the queue: only undisputed quantities are settled in stages)."""
    require(
        actor,
        "cost_settlement.review",
        stage.contract,
        "employer",
        message="只有本合同的发包人可以确认过程结算",
    )
    stage = StageSettlement.objects.select_for_update().get(pk=stage.pk)
    if stage.status != wf.STAGE_SUBMITTED:
        raise Conflict("该过程结算不在待确认状态", code="wrong_status")
    if agree:
        stage.status = wf.STAGE_AGREED
        stage.agreed_at = now()
        stage.agreed_by = actor.username
    else:
        if not str(opinion or "").strip():
            raise ValidationFailed("不同意时请填写理由", code="field_missing")
        stage.status = wf.STAGE_DRAFT
    stage.save()
    record(
        actor=actor,
        type="cost_settlement.stage_agreed" if agree else "cost_settlement.stage_rejected",
        obj=stage,
        payload={"amount": stage.amount, "opinion": str(opinion or "")[:500]},
    )
    return stage
