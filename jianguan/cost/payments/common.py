"""What the advance and retention services share: parsing money, ratios, text and dates
(NaN, Infinity and negatives refused in Chinese), who may act, notifications after commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.contracts.models import Contract
from jianguan.contracts.selectors import party_roles
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.permissions import require
from jianguan.cost.payments import workflow as wf

IN_FORCE = ("signed", "approved", "in_force", "completed")
MAX_MONEY = Decimal("99999999999999.99")


# --- parsing ---------------------------------------------------------------------------------


def parse_amount(raw: Any, what: str, *, allow_zero: bool = False) -> Decimal:
    """Decimal yuan with at most two places; NaN, Infinity, negatives (and zero) refused."""
    try:
        value = strict_decimal(
            str(raw).strip()[:40] if not isinstance(raw, Decimal) else raw,
            places=2,
            maximum=MAX_MONEY,
            minimum=Decimal(0),
        )
    except DecimalProblem as exc:
        msg = {
            "not_finite": f"{what}须为有限数字",
            "below_minimum": f"{what}不能为负数",
            "too_many_places": f"{what}最多两位小数",
            "too_large": f"{what}过大",
        }.get(exc.kind, f"{what}须为数字")
        raise ValidationFailed(msg, code="bad_amount", details={"field": what}) from None
    if value == 0 and not allow_zero:
        raise ValidationFailed(f"{what}须大于零", code="bad_amount", details={"field": what})
    return value.quantize(Decimal("0.01"))


def parse_ratio(raw: Any, what: str) -> Decimal:
    try:
        value = strict_decimal(
            str(raw).strip()[:20], places=4, minimum=Decimal(0), maximum=Decimal(1)
        )
    except DecimalProblem:
        raise ValidationFailed(
            f"{what}须为 0 至 1 之间的小数（如 0.2 表示 20%），最多四位小数",
            code="bad_ratio",
            details={"field": what},
        ) from None
    return value


def text(raw: Any, what: str, limit: int, *, required: bool = True) -> str:
    value = raw.strip() if isinstance(raw, str) else ""
    if (required and not value) or len(value) > limit:
        raise ValidationFailed(f"请填写{what}（不超过{limit}字）", code="bad_text")
    return value


def date(raw: Any, what: str) -> dt.date:
    if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date):
        raise ValidationFailed(f"请填写{what}", code="bad_date")
    return raw


# --- who ---------------------------------------------------------------------------------------


def party(actor: Actor, contract: Contract, permission: str, *fields: str, message: str):
    require(actor, permission)
    if not party_roles(actor=actor, contract=contract).intersection(fields):
        raise PermissionDenied(message, code="not_contract_party")


def payer(actor: Actor, contract: Contract) -> None:
    """Finance pays; the owner only where the contract names no finance bureau."""
    fields = ("finance_bureau",) if contract.finance_bureau_id else ("employer",)
    party(actor, contract, "cost_payments.pay", *fields, message="只有本合同的财政部门可以支付")


def in_force(contract: Contract) -> None:
    if contract.status not in IN_FORCE:
        raise Conflict("合同尚未签订生效", code="contract_not_in_force")


def fail(exc: wf.TransitionError):
    return Conflict(exc.message, code=exc.code)


def bad(exc: wf.TransitionError):
    return ValidationFailed(exc.message, code=exc.code)


def tell(org_id: int | None, contract: Contract, kind: str, title: str) -> None:
    """Notify the next party's people after the transaction commits."""
    if org_id is None:
        return
    from django.urls import reverse

    from jianguan.accounts.models import Membership
    from jianguan.workbench.notifications.services import notify

    ids = list(
        Membership.objects.filter(organisation_id=org_id, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    url = reverse("cost_payments:contract", args=[contract.pk])
    text = f"{title}：{contract.number} {contract.title}"
    if ids:
        transaction.on_commit(lambda: notify(recipients=ids, kind=kind, title=text, url=url))


def payer_org(contract: Contract) -> int | None:
    return contract.finance_bureau_id or contract.employer_id


def lock(model, obj):
    return model.objects.select_for_update().select_related("contract").get(pk=obj.pk)


def mark_paid(
    *, actor: Actor, model, obj, check, status: str, paid_on: Any, reference: Any, after: str
):
    """The payer's step the advance and the retention release share: the payment date (after
    the decision, not in the future) and the voucher number, on the locked row."""
    from jianguan.core.timeutil import to_local, today_local

    payer(actor, obj.contract)
    day = date(paid_on, "支付日期")
    ref = text(reference, "支付凭证号", 100)
    obj = lock(model, obj)
    try:
        check(obj.status, status)
    except wf.TransitionError as exc:
        raise fail(exc) from None
    if day > today_local() or (obj.decided_at and day < to_local(obj.decided_at).date()):
        raise ValidationFailed(f"支付日期须在{after}之后、今天之前", code="bad_date")
    obj.status, obj.paid_on, obj.paid_reference, obj.paid_by = status, day, ref, actor.username
    obj.save()
    return obj
