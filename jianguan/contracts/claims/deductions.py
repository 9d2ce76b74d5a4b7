"""Amounts other apps deduct from an approved payment claim (issue 21: 扣回预付款 by cost
payments). The contracts app imports none of them: an app registers a ``Deduction`` in its
AppConfig.ready(). At approval each deduction's ``on_approve`` computes and stores its amount
(inside the approval's transaction); the claim page, the certificate PDF and the payment
record read ``amount`` back. The net payable is the approved payable less every deduction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Deduction:
    code: str
    label: str  # Chinese, as printed on the certificate
    amount: Callable[[Any], Decimal]  # the stored amount for this claim (0 when none)
    on_approve: Callable[[Any, Any], None]  # (actor, claim) at approval


_DEDUCTIONS: dict[str, Deduction] = {}


def register_deduction(deduction: Deduction) -> None:
    _DEDUCTIONS[deduction.code] = deduction


def on_approve(actor: Any, claim: Any) -> None:
    for d in _DEDUCTIONS.values():
        d.on_approve(actor, claim)


def lines(claim: Any) -> list[tuple[str, Decimal]]:
    """[(label, amount)] of the deductions on this claim that are not zero."""
    out = []
    for d in _DEDUCTIONS.values():
        amount = d.amount(claim)
        if amount:
            out.append((d.label, amount))
    return out


def net_payable(claim: Any) -> Decimal:
    gross = claim.payable_amount or Decimal(0)
    return gross - sum((a for _, a in lines(claim)), Decimal(0))
