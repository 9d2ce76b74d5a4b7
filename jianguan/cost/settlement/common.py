"""Helpers shared by the final account's services: transitions, party checks, locks, rule
lookups, totals, the generated lines and the audit's bulk update."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from jianguan.contracts import workflow as cwf
from jianguan.contracts.models import BoqItem, Contract, Variation
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import (
    FinalAccount,
    FinalAccountLine,
    SettlementTerms,
    StageSettlementLine,
)
from jianguan.rules.lookup import rule_value

CONFLICT_CODES = {"wrong_status", "account_locked"}


def check(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a pure check; its TransitionError becomes a 400 or, for a wrong state, a 409."""
    try:
        return call(*args, **kwargs)
    except wf.TransitionError as exc:
        cls = Conflict if exc.code in CONFLICT_CODES else ValidationFailed
        raise cls(str(exc), code=exc.code) from None


def rule_decimal(code: str, on: dt.date) -> Decimal:
    return Decimal(str(rule_value(code, on=on)))


def is_party(actor: Actor, contract: Contract, *fields: str) -> bool:
    return actor.is_system or any(
        getattr(contract, f"{f}_id") == actor.organisation_id for f in fields
    )


def require(actor: Actor, permission: str, contract: Contract, *fields: str, message: str):
    """Permission first (403 before any 400): the grant, then the party of the contract."""
    if not actor.can(permission) or not is_party(actor, contract, *fields):
        raise PermissionDenied(message, code="permission_denied")


def _text(value: Any, label: str, max_len: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="field_missing")
    if len(text) > max_len:
        raise ValidationFailed(f"{label}不得超过 {max_len} 个字", code="field_too_long")
    return text


def _locked(account: FinalAccount) -> FinalAccount:
    return (
        FinalAccount.objects.select_for_update()
        .select_related("contract", "project")
        .get(pk=account.pk)
    )


def terms_for(contract: Contract) -> SettlementTerms | None:
    return SettlementTerms.objects.filter(contract=contract).first()


def material_band(contract: Contract, on: dt.date) -> Decimal:
    terms = terms_for(contract)
    if terms is not None and terms.material_risk_band is not None:
        return terms.material_risk_band
    return rule_decimal("settlement.material_risk_band", on)


def review_period_days(amount: Decimal, on: dt.date) -> int:
    """建设工程价款结算暂行办法 第十四条: 20 / 30 / 45 / 60 days by the submitted amount."""
    bands = [
        (Decimal("5000000"), int(rule_value("settlement.owner_review_days.below_5m", on=on))),
        (Decimal("20000000"), int(rule_value("settlement.owner_review_days.5m_20m", on=on))),
        (Decimal("50000000"), int(rule_value("settlement.owner_review_days.20m_50m", on=on))),
    ]
    top = int(rule_value("settlement.owner_review_days.above_50m", on=on))
    return wf.review_days(amount, bands, top)


def _total(account: FinalAccount) -> Decimal:
    s = FinalAccountLine.objects.filter(account=account).aggregate(s=Sum("claimed_amount"))["s"]
    return wf.money(s or 0)


def _next_number(contract: Contract) -> str:
    return f"JS-{contract.number}"[:32]


@dataclass(slots=True)
class GeneratedLine:
    """A generated line as core.bulk.insert_rows writes it (no model instance: 20,000 of them
    and their per-field ORM preparation were most of the time to open a large final account)."""

    source_kind: str
    source_id: int
    code: str
    name: str
    unit: str
    quantity: Decimal
    unit_rate: Decimal
    claimed_amount: Decimal
    feature: str = ""
    contract_quantity: Decimal | None = None
    settled_amount: Decimal | None = None
    stage_settled: bool = False
    note: str = ""
    base_price: Decimal | None = None
    market_price: Decimal | None = None
    account_id: int = 0
    sequence: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


LINE_FIELDS = tuple(f.name for f in fields(GeneratedLine))


def build_lines(account: FinalAccount) -> list[GeneratedLine]:
    """The generated lines: what stage settlements settled (not audited again), each BoQ line
    at its current quantity less what was settled in stages, and each approved variation or
    签证 for the part of its amount not already in the BoQ's quantities (an approved
    variation's lines change BoQ quantities or add BoQ lines, so counting them again would
    count them twice). Three queries."""
    contract = account.contract
    lines: list[GeneratedLine] = []
    staged: dict[int, Decimal] = {}
    stage_rows = (
        StageSettlementLine.objects.filter(stage__contract=contract, stage__status=wf.STAGE_AGREED)
        .select_related("stage", "boq_item")
        .order_by("stage__period_start", "pk")
    )
    for sl in stage_rows:
        staged[sl.boq_item_id] = staged.get(sl.boq_item_id, Decimal(0)) + sl.quantity
        lines.append(
            GeneratedLine(
                source_kind=wf.STAGE_SETTLED,
                source_id=sl.pk,
                code=sl.boq_item.code,
                name=sl.boq_item.name,
                unit=sl.boq_item.unit,
                quantity=sl.quantity,
                unit_rate=sl.unit_rate,
                claimed_amount=sl.amount,
                settled_amount=sl.amount,
                stage_settled=True,
                note=f"过程结算 {sl.stage.number}",
            )
        )
    items = (
        BoqItem.objects.filter(contract=contract)
        .order_by("sequence")
        .values_list(
            "pk", "code", "name", "feature", "unit", "quantity", "current_quantity", "unit_rate"
        )
    )
    zero = Decimal(0)
    for pk, code, name, feature, unit, quantity, current, rate in items:
        rest = max(current - staged.get(pk, zero), zero)
        lines.append(
            GeneratedLine(
                wf.BOQ,
                pk,
                code,
                name,
                unit,
                rest,
                rate,
                wf.line_amount(rest, rate),
                feature=feature,
                contract_quantity=quantity,
            )
        )
    variations = (
        Variation.objects.filter(contract=contract, status=cwf.V_APPROVED)
        .annotate(in_boq=Sum("lines__amount_delta"))
        .order_by("decided_at", "pk")
    )
    for v in variations:
        in_boq = wf.money(v.in_boq or 0)
        rest = wf.money(v.amount - in_boq)
        lines.append(
            GeneratedLine(
                source_kind=wf.VISA if v.kind == "site_instruction" else wf.VARIATION,
                source_id=v.pk,
                code=v.number,
                name=v.title,
                unit="项",
                quantity=Decimal(1),
                unit_rate=rest,
                claimed_amount=rest,
                note=f"批准金额 {v.amount:,.2f} 元，其中 {in_boq:,.2f} 元已计入清单工程量",
            )
        )
    at = timezone.now()
    for i, line in enumerate(lines, start=1):
        line.account_id, line.sequence, line.created_at, line.updated_at = account.pk, i, at, at
    return lines


def _kind_totals(account: FinalAccount, field: str = "claimed_amount") -> dict[str, Decimal]:
    rows = (
        FinalAccountLine.objects.filter(account=account)
        .values("source_kind")
        .annotate(s=Sum(field))
        .order_by("source_kind")
    )
    return {r["source_kind"]: wf.money(r["s"] or 0) for r in rows}


def _settled_set(amounts: dict[int, Decimal], chunk: int = 1000) -> None:
    """settled_amount of many lines, each its own figure, a thousand per statement
    (UPDATE … FROM VALUES: PostgreSQL and SQLite ≥ 3.33 alike)."""
    from django.db import connection

    table = connection.ops.quote_name(FinalAccountLine._meta.db_table)
    items = list(amounts.items())
    with connection.cursor() as cur:
        for i in range(0, len(items), chunk):
            part = items[i : i + chunk]
            values = ", ".join(["(%s, %s)"] * len(part))
            cur.execute(
                f"UPDATE {table} SET settled_amount = v.amount FROM (SELECT column1 AS id,"
                f" column2 AS amount FROM (VALUES {values}) AS x) AS v WHERE {table}.id = v.id",
                [p for pair in part for p in pair],
            )


def tell(org_ids, kind: str, title: str, account: FinalAccount) -> None:
    """Notify every active member of these organisations once the transaction commits."""
    from django.db import transaction
    from django.urls import reverse

    from jianguan.accounts.models import Membership
    from jianguan.workbench.notifications.services import notify

    orgs = [o for o in org_ids if o]
    ids = list(
        Membership.objects.filter(organisation_id__in=orgs, is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    url = reverse("cost_settlement:account", args=[account.pk])
    text = f"{title}：{account.number}（{account.project.name}）"
    if ids:
        transaction.on_commit(lambda: notify(recipients=ids, kind=kind, title=text, url=url))


def completion_date_of(project) -> dt.date | None:
    """The completion acceptance date: the register's, or, while the project has not yet
    moved stage, the last of the five leads' signatures (京质量条例 48)."""
    if project.completion_date is not None:
        return project.completion_date
    from jianguan.projects.models import CompletionSignature
    from jianguan.projects.workflow import completion_date

    signed = dict(
        CompletionSignature.objects.filter(project=project).values_list("party", "signed_on")
    )
    return completion_date(signed)
