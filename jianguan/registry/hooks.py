"""Hooks that apps above the registry fill (the compliance app: credit scores and sanctions).

`credit_score_provider(organisation, on) -> Decimal | None` and
`sanction_provider(organisation, on) -> list[str] | None` (Chinese descriptions of the active
red cards, blacklist entries and procurement bans; an empty list means none). While nobody
has registered a provider, the answer is None and eligibility fails that criterion closed
("无法核验").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

CreditScoreProvider = Callable[[Any, dt.date], Decimal | None]
SanctionProvider = Callable[[Any, dt.date], list[str] | None]

_HOOKS: dict[str, Callable | None] = {"credit_score": None, "sanction": None}


def register_credit_score_provider(provider: CreditScoreProvider | None) -> None:
    _HOOKS["credit_score"] = provider


def register_sanction_provider(provider: SanctionProvider | None) -> None:
    _HOOKS["sanction"] = provider


def credit_score_provider(organisation: Any, on: dt.date) -> Decimal | None:
    provider = _HOOKS["credit_score"]
    return None if provider is None else provider(organisation, on)


def sanction_provider(organisation: Any, on: dt.date) -> list[str] | None:
    provider = _HOOKS["sanction"]
    return None if provider is None else provider(organisation, on)
