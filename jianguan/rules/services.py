"""Writes to rule data and the working-day calendar; each change is a ledger entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import ValidationFailed
from jianguan.core.permissions import require
from jianguan.ledger.services import record, record_many
from jianguan.rules import ruledata
from jianguan.rules.models import CalendarOverride, Region, Rule


def _raw(value: Any) -> Any:
    """Back to the JSON form of the data files (Decimal → "0.02", Fraction → "2/3")."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {k: _raw(v) for k, v in value.items()}
    return value


def _payload(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "region": rule.region,
        "value": rule.value,
        "unit": rule.unit,
        "reference": rule.reference,
        "effective_from": rule.effective_from,
        "effective_to": rule.effective_to,
        "verified": rule.verified,
    }


@transaction.atomic
def rules_sync_from_data(*, actor: Actor = SYSTEM) -> dict[str, int]:
    """Load the rule data files: new versions are created, changed file rules updated."""
    specs = ruledata.load_rule_files()
    problems = ruledata.validate(specs)
    if problems:
        raise ValidationFailed("规则数据有误：" + "；".join(problems[:5]), code="bad_rule_data")
    created = updated = 0
    # One read of the rules there are and one write of the new ones (the suite loads the rule
    # data for hundreds of tests): rows keyed as the unique constraint keys them.
    existing = {(r.code, r.region, r.effective_from): r for r in Rule.objects.all()}
    new_rules, plan = [], []  # plan: the entries in the files' order (a new rule by position)
    for spec in specs:
        fields = {
            "name": spec.name,
            "value": _raw(spec.value),
            "unit": spec.unit,
            "reference": spec.reference,
            "effective_to": spec.effective_to,
            "verified": spec.verified,
            "note": spec.note or "",
        }
        rule = existing.get((spec.code, spec.region, spec.effective_from))
        if rule is None:
            new_rules.append(
                Rule(
                    code=spec.code,
                    region=spec.region,
                    effective_from=spec.effective_from,
                    source="data",
                    **fields,
                )
            )
            plan.append(("rule.loaded", len(new_rules) - 1))
        elif rule.source == "data" and any(getattr(rule, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(rule, key, value)
            rule.save()
            updated += 1
            plan.append(("rule.reloaded", rule))
    if new_rules:
        new_rules = Rule.objects.bulk_create(new_rules)
        created = len(new_rules)
    objects = [new_rules[ref] if isinstance(ref, int) else ref for _type, ref in plan]
    record_many(
        actor=actor,
        items=[
            (t, rule, _payload(rule), ()) for (t, _ref), rule in zip(plan, objects, strict=True)
        ],
    )
    return {"created": created, "updated": updated, "total": len(specs)}


@transaction.atomic
def rule_override_set(
    *,
    actor: Actor,
    code: str,
    value: Any,
    effective_from: dt.date,
    reference: str,
    note: str = "",
    region: str = Region.DAXING,
) -> Rule:
    """A district (or Beijing) policy version of a rule, from `effective_from` on.

    The previous version of the same code and region is closed the day before. Only the
    platform administrator of the regulator may do this, and every change is ledgered.
    """
    require(actor, "rules.manage")
    base = Rule.objects.filter(code=code).order_by("-effective_from").first()
    if base is None:
        raise ValidationFailed(f"未知的规则编码：{code}", code="unknown_rule")
    if region not in Region.values:
        raise ValidationFailed(f"未知的地区：{region}", code="unknown_region")
    region = Region(region).value
    if not (reference or "").strip():
        raise ValidationFailed("请填写依据（文件名称及条款）", code="missing_reference")
    spec = ruledata.RuleSpec(
        code=code,
        name=base.name,
        value=ruledata.convert_value(value, base.unit),
        unit=base.unit,
        reference=reference.strip(),
        effective_from=effective_from,
        effective_to=None,
        verified=True,
        note=note,
        region=str(region),
        source=f"{region}.json",  # validated as if it were a line of that region's file
    )
    problems = ruledata.validate([spec])
    if problems:
        raise ValidationFailed("；".join(problems), code="bad_rule_value")
    if Rule.objects.filter(code=code, region=region, effective_from__gte=effective_from).exists():
        raise ValidationFailed(
            "已有同日或更晚生效的版本，请选择更晚的生效日期", code="rule_overlap"
        )
    previous = (
        Rule.objects.select_for_update()
        .filter(code=code, region=region, effective_from__lt=effective_from)
        .order_by("-effective_from")
        .first()
    )
    if previous is not None and (
        previous.effective_to is None or previous.effective_to >= effective_from
    ):
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to", "updated_at"])
        record(actor=actor, type="rule.closed", obj=previous, payload=_payload(previous))
    rule = Rule.objects.create(
        code=code,
        name=base.name,
        value=_raw(spec.value),
        unit=base.unit,
        reference=spec.reference,
        region=region,
        effective_from=effective_from,
        verified=True,
        note=note,
        source="admin",
    )
    record(actor=actor, type="rule.overridden", obj=rule, payload=_payload(rule))
    return rule


@transaction.atomic
def calendar_override_set(
    *, actor: Actor, date: dt.date, is_workday: bool, note: str = ""
) -> CalendarOverride:
    require(actor, "rules.manage")
    item, _ = CalendarOverride.objects.select_for_update().get_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note}
    )
    item.is_workday = is_workday
    item.note = note[:200]
    item.save()
    record(
        actor=actor,
        type="calendar.override_set",
        obj=item,
        payload={"date": date, "is_workday": is_workday, "note": item.note},
    )
    return item
