"""Automatic checks on a payment claim contributed by other apps (the smart site's labour-days
check against attendance, issue 17 part 8). The contracts app imports none of them: an app
registers a callable in its AppConfig.ready(); ``claim_checks`` runs them after its own.

A check takes the claim and returns a ``payments.Check``, or None when it does not apply to
this claim (e.g. no labour lines).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jianguan.contracts import payments

ClaimCheck = Callable[[Any], "payments.Check | None"]

_CHECKS: dict[str, ClaimCheck] = {}


def register_claim_check(code: str, check: ClaimCheck) -> None:
    _CHECKS[code] = check


def run(claim: Any) -> list[payments.Check]:
    out = []
    for check in _CHECKS.values():
        result = check(claim)
        if result is not None:
            out.append(result)
    return out
