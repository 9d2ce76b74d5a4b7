"""Variations (工程变更) and site instructions (现场签证): raised with reason, evidence and the
BoQ lines they change; approved supervisor → owner (→ regulator above the district threshold);
the final approval changes the contract's current value and quantities in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from jianguan.compliance.models import Finding
from jianguan.contracts import workflow
from jianguan.contracts.models import (
    QTY,
    RATE,
    BoqItem,
    ClaimLine,
    Contract,
    Variation,
    VariationLine,
    VariationStep,
)
from jianguan.contracts.payments import money
from jianguan.contracts.services.common import (
    evidence_check,
    evidence_store,
    locked,
    next_number,
    require_in_force,
    require_party,
    rule_decimal,
    wf,
)
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.tendering.boq_xlsx import UNITS

# district parameter: a variation whose |amount| reaches this share of the signed price also
# needs the regulator's approval (jianguan/rules/data/daxing.json)
REGULATOR_RATIO_CODE = "variation.regulator_approval_ratio"
PREFIX = {"variation": "BG", "site_instruction": "QZ"}
MAX_LINES = 200
MONEY_INT_DIGITS = 14  # MONEY = 16 digits, 2 places


def _clean(value: Any, label: str, max_len: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="field_missing", details={"field": label})
    if len(text) > max_len:
        raise ValidationFailed(f"{label}不得超过 {max_len} 个字", code="field_too_long")
    return text


def parse_decimal(raw: Any, label: str, *, digits: int, places: int) -> Decimal:
    """A strict decimal: no NaN/Infinity, at most `places` decimals and `digits` in all
    (negatives allowed; a text over 40 characters counts as not finite)."""
    if isinstance(raw, bool) or raw is None:
        raise ValidationFailed(f"{label}须为数字", code="bad_number", details={"field": label})
    text = str(raw).strip()
    try:
        value = strict_decimal(text, places=places, int_digits=digits - places)
    except DecimalProblem as problem:
        if problem.kind == "not_number":
            raise ValidationFailed(
                f"{label}须为数字", code="bad_number", details={"field": label}
            ) from None
        if problem.kind == "not_finite" or len(text) > 40:
            raise ValidationFailed(f"{label}须为有限的数字", code="bad_number") from None
        if problem.kind == "too_large":
            raise ValidationFailed(f"{label}数值过大", code="number_too_large") from None
        raise ValidationFailed(
            f"{label}最多保留 {places} 位小数", code="too_many_decimals"
        ) from None
    if len(text) > 40:
        raise ValidationFailed(f"{label}须为有限的数字", code="bad_number")
    return value.quantize(Decimal(1).scaleb(-places)) + 0


def _approved_measured(item: BoqItem) -> Decimal:
    """The largest cumulative quantity any approved claim line already measured on `item`."""
    value = ClaimLine.objects.filter(
        boq_item=item, approved_cumulative_quantity__isnull=False
    ).aggregate(m=Max("approved_cumulative_quantity"))["m"]
    return value or Decimal(0)


def _check_resulting_quantity(item: BoqItem, delta: Decimal) -> Decimal:
    result = item.current_quantity + delta
    if result < 0:
        raise ValidationFailed(
            f"清单项 {item.code} 变更后工程量为负（现工程量 {item.current_quantity}，增减 {delta}）",
            code="negative_quantity",
        )
    measured = _approved_measured(item)
    if result < measured:
        raise ValidationFailed(
            f"清单项 {item.code} 变更后工程量 {result} 低于已审定计量的累计工程量 {measured}",
            code="below_measured",
        )
    return result


def _parse_lines(contract: Contract, lines: Iterable[Mapping[str, Any]]) -> list[dict]:
    lines = list(lines or ())
    if not lines:
        raise ValidationFailed("请至少填写一条变更清单项", code="lines_missing")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(f"变更清单项最多 {MAX_LINES} 条", code="too_many_lines")
    items = {i.pk: i for i in BoqItem.objects.filter(contract=contract)}
    codes = {i.code for i in items.values()}
    seen_items: set[int] = set()
    new_codes: set[str] = set()
    out = []
    for n, line in enumerate(lines, 1):
        if not isinstance(line, Mapping):
            raise ValidationFailed(f"第 {n} 条变更清单项格式不正确", code="bad_line")
        where = f"第 {n} 条"
        if line.get("boq_item") not in (None, ""):
            try:
                item = items.get(int(str(line["boq_item"]).strip()))
            except ValueError:
                item = None
            if item is None:
                raise ValidationFailed(f"{where}：清单项不属于本合同", code="unknown_boq_item")
            if item.pk in seen_items:
                raise ValidationFailed(f"{where}：清单项 {item.code} 重复", code="duplicate_line")
            seen_items.add(item.pk)
            delta = parse_decimal(
                line.get("quantity_delta"),
                f"{where}工程量增减",
                digits=QTY["max_digits"],
                places=QTY["decimal_places"],
            )
            if delta == 0:
                raise ValidationFailed(f"{where}：工程量增减不能为零", code="zero_delta")
            _check_resulting_quantity(item, delta)
            out.append({"item": item, "rate": item.unit_rate, "delta": delta})
            continue
        code = _clean(line.get("code"), f"{where}项目编码", 40)
        if code in codes or code in new_codes:
            raise ValidationFailed(
                f"{where}：项目编码 {code} 已在工程量清单中", code="duplicate_code"
            )
        new_codes.add(code)
        unit = _clean(line.get("unit"), f"{where}计量单位", 20)
        if unit not in UNITS:
            raise ValidationFailed(f"{where}：未知的计量单位“{unit}”", code="unknown_unit")
        rate = parse_decimal(
            line.get("unit_rate"),
            f"{where}综合单价",
            digits=RATE["max_digits"],
            places=RATE["decimal_places"],
        )
        if rate < 0:
            raise ValidationFailed(f"{where}：综合单价不能为负", code="negative_rate")
        quantity = parse_decimal(
            line.get("quantity"),
            f"{where}工程量",
            digits=QTY["max_digits"],
            places=QTY["decimal_places"],
        )
        if quantity <= 0:
            raise ValidationFailed(f"{where}：新增清单项工程量须大于零", code="bad_quantity")
        out.append(
            {
                "item": None,
                "code": code,
                "name": _clean(line.get("name"), f"{where}项目名称", 200),
                "feature": _clean(line.get("feature"), "项目特征", 2000, required=False),
                "unit": unit,
                "rate": rate,
                "delta": quantity,
            }
        )
    for row in out:
        row["amount"] = money(row["delta"] * row["rate"])
        if abs(row["amount"]) >= Decimal(10) ** MONEY_INT_DIGITS:
            raise ValidationFailed("变更金额过大", code="number_too_large")
    return out


def needs_regulator(contract: Contract, amount: Decimal) -> bool:
    """|amount| ≥ the district ratio × the signed price (rule data, read on today's date)."""
    return abs(amount) >= money(contract.price * rule_decimal(REGULATOR_RATIO_CODE))


def _line_payload(line: VariationLine) -> dict:
    return {
        "boq_item": line.boq_item.code if line.boq_item_id else None,
        "code": line.code or (line.boq_item.code if line.boq_item_id else ""),
        "unit_rate": line.unit_rate,
        "quantity_delta": line.quantity_delta,
        "amount_delta": line.amount_delta,
        "new": line.boq_item_id is None,
    }


@transaction.atomic
def variation_raise(
    *,
    actor: Actor,
    contract: Contract,
    kind: str,
    title: str,
    reason: str,
    cause: str,
    cause_reference: str = "",
    finding_id: int | None = None,
    lines: list[dict],
    files: Iterable[Any] = (),
) -> Variation:
    """The contractor or the employer raises a variation or a site instruction (submitted)."""
    require(actor, "contracts.variation_raise")
    require_party(
        actor, contract, "contractor", "employer", message="只有合同的发包人或承包人可以提出变更"
    )
    contract = locked(contract)
    require_in_force(contract)
    if kind not in workflow.VARIATION_KINDS:
        raise ValidationFailed("类型须为工程变更或现场签证", code="unknown_kind")
    if cause not in workflow.VARIATION_CAUSES:
        raise ValidationFailed(
            f"起因须为{'、'.join(workflow.VARIATION_CAUSES.values())}之一", code="unknown_cause"
        )
    title = _clean(title, "变更事项", 200)
    reason = _clean(reason, "变更原因", 5000)
    cause_reference = _clean(cause_reference, "设计变更文号或依据", 200, required=False)
    if cause == "design_change" and not cause_reference:
        raise ValidationFailed("设计变更须填写设计变更文号", code="design_change_reference")
    finding = None
    if finding_id not in (None, ""):
        raw_id = str(finding_id).strip()
        fid = int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 19 else 0
        finding = Finding.objects.filter(pk=fid, project_id=contract.project_id).first()
        if finding is None:
            raise ValidationFailed(
                "引用的检查问题不属于本合同的项目", code="finding_not_in_project"
            )
    if cause == "finding" and finding is None:
        raise ValidationFailed(
            "起因为检查问题整改时须选择引起变更的检查问题", code="finding_missing"
        )
    rows = _parse_lines(contract, lines)
    checked = evidence_check(files)
    amount = money(sum((r["amount"] for r in rows), Decimal(0)))
    if abs(contract.current_value + amount) >= Decimal(10) ** MONEY_INT_DIGITS:
        raise ValidationFailed("变更金额过大", code="number_too_large")
    prefix = f"{PREFIX[kind]}-{contract.number}-"
    variation = Variation.objects.create(
        contract=contract,
        number=next_number(Variation, prefix),
        kind=kind,
        title=title,
        reason=reason,
        cause=cause,
        cause_reference=cause_reference,
        finding_id=finding.pk if finding else None,
        amount=amount,
        status=workflow.V_SUBMITTED,
        needs_regulator=needs_regulator(contract, amount),
        raised_by=actor.username,
        submitted_at=now(),
    )
    created = VariationLine.objects.bulk_create(
        VariationLine(
            variation=variation,
            boq_item=r["item"],
            code=r.get("code", ""),
            name=r.get("name", ""),
            feature=r.get("feature", ""),
            unit=r.get("unit", ""),
            unit_rate=r["rate"],
            quantity_delta=r["delta"],
            amount_delta=r["amount"],
        )
        for r in rows
    )
    refs = evidence_store(actor=actor, contract=contract, checked=checked, variation=variation)
    record(
        actor=actor,
        type="contracts.variation_raised",
        obj=variation,
        payload={
            "number": variation.number,
            "contract": contract.number,
            "kind": kind,
            "title": title,
            "cause": cause,
            "cause_reference": cause_reference,
            "finding": finding.pk if finding else None,
            "amount": amount,
            "needs_regulator": variation.needs_regulator,
            "lines": [_line_payload(v) for v in created],
        },
        files=refs,
    )
    return variation


@transaction.atomic
def variation_evidence_add(*, actor: Actor, variation: Variation, files: Iterable[Any]) -> list:
    """More evidence for a variation still under review (by the contract's employer or
    contractor); each file's SM3 goes on the ledger."""
    require(actor, "contracts.variation_raise")
    variation = (
        Variation.objects.select_for_update().select_related("contract").get(pk=variation.pk)
    )
    contract = variation.contract
    require_party(
        actor,
        contract,
        "contractor",
        "employer",
        message="只有合同的发包人或承包人可以补充证明材料",
    )
    if variation.status in (workflow.V_APPROVED, workflow.V_REJECTED):
        raise Conflict("变更已审批完毕，不能再补充证明材料", code="variation_decided")
    checked = evidence_check(files)
    if not checked:
        raise ValidationFailed("请上传证明材料", code="missing_file")
    refs = evidence_store(actor=actor, contract=contract, checked=checked, variation=variation)
    record(
        actor=actor,
        type="contracts.variation_evidence_added",
        obj=variation,
        payload={"number": variation.number, "count": len(refs)},
        files=refs,
    )
    return refs


def decider_step(actor: Actor, variation: Variation) -> str | None:
    """Which step of the chain the actor may decide for this variation, if any."""
    contract = variation.contract
    if not actor.can("contracts.variation_decide"):
        return None
    if actor.is_kind("regulator"):
        return "regulator"
    if actor.organisation_id is None:
        return None
    if actor.organisation_id == contract.supervisor_id:
        return "supervisor"
    if actor.organisation_id == contract.employer_id:
        return "owner"
    return None


def _apply(actor: Actor, variation: Variation) -> dict:
    """Change the contract's value and quantities by the approved variation."""
    contract = locked(variation.contract)
    before = contract.current_value
    changes = []
    next_seq = (
        BoqItem.objects.filter(contract=contract).aggregate(m=Max("sequence"))["m"] or 0
    ) + 1
    for line in variation.lines.select_related("boq_item").order_by("pk"):
        if line.boq_item_id:
            item = BoqItem.objects.select_for_update().get(pk=line.boq_item_id)
            old = item.current_quantity
            item.current_quantity = _check_resulting_quantity(item, line.quantity_delta)
            item.save(update_fields=["current_quantity", "updated_at"])
            changes.append({"code": item.code, "before": old, "after": item.current_quantity})
            continue
        if BoqItem.objects.filter(contract=contract, code=line.code).exists():
            raise Conflict(
                f"项目编码 {line.code} 已由其他变更加入工程量清单", code="duplicate_code"
            )
        item = BoqItem.objects.create(
            contract=contract,
            sequence=next_seq,
            code=line.code,
            name=line.name,
            feature=line.feature,
            unit=line.unit,
            quantity=Decimal(0),
            unit_rate=line.unit_rate,
            amount=Decimal(0),
            current_quantity=line.quantity_delta,
            origin_variation=variation,
        )
        next_seq += 1
        changes.append({"code": item.code, "before": None, "after": item.current_quantity})
    contract.current_value = money(before + variation.amount)
    contract.save(update_fields=["current_value", "updated_at"])
    record(
        actor=actor,
        type="contracts.variation_applied",
        obj=contract,
        payload={
            "variation": variation.number,
            "value_before": before,
            "value_after": contract.current_value,
            "lines": changes,
        },
    )
    return {"before": before, "after": contract.current_value, "lines": changes}


@transaction.atomic
def variation_decide(
    *, actor: Actor, variation: Variation, decision: str, opinion: str = ""
) -> Variation:
    """One step of the chain decides; the last approval applies the variation."""
    require(actor, "contracts.variation_decide")
    variation = (
        Variation.objects.select_for_update().select_related("contract").get(pk=variation.pk)
    )
    step = decider_step(actor, variation)
    if step is None:
        raise PermissionDenied(
            "只有本合同的监理单位、发包人或监管部门可以审批变更", code="not_in_chain"
        )
    opinion = _clean(opinion, "审批意见", 500, required=False)
    target = wf(
        workflow.variation_next, variation.status, step, decision, variation.needs_regulator
    )
    if decision == "reject" and not opinion:
        raise ValidationFailed("不同意时须填写审批意见", code="opinion_required")
    VariationStep.objects.create(
        variation=variation,
        step=step,
        decision=decision,
        opinion=opinion,
        organisation_id=actor.organisation_id,
        decided_by=actor.username,
        decided_at=now(),
    )
    variation.status = target
    if target in (workflow.V_APPROVED, workflow.V_REJECTED):
        variation.decided_at = now()
    variation.save(update_fields=["status", "decided_at", "updated_at"])
    record(
        actor=actor,
        type="contracts.variation_decided",
        obj=variation,
        payload={
            "number": variation.number,
            "step": step,
            "decision": decision,
            "opinion": opinion,
            "status": target,
        },
    )
    if target == workflow.V_APPROVED:
        _apply(actor, variation)
    return variation
