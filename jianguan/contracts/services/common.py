"""Helpers shared by the contract services: transitions, party checks, locks, numbering,
evidence files and rule lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from jianguan.contracts import workflow
from jianguan.contracts.models import Contract, Evidence
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.rules.lookup import rule_value

CONFLICT_CODES = {"previous_review_open", "wrong_stage", "claim_locked", "wrong_step"}


def wf(call: Callable, *args: Any) -> Any:
    """Run a pure transition check; its TransitionError becomes a 400 (bad request) or a 409
    (the object is not in a state that allows it)."""
    try:
        return call(*args)
    except workflow.TransitionError as exc:
        cls = Conflict if exc.code in CONFLICT_CODES else ValidationFailed
        raise cls(str(exc), code=exc.code) from None


def is_party(actor: Actor, contract: Contract, *fields: str) -> bool:
    return actor.is_system or any(
        getattr(contract, f"{f}_id") == actor.organisation_id for f in fields
    )


def require_party(actor: Actor, contract: Contract, *fields: str, message: str) -> None:
    if not is_party(actor, contract, *fields):
        raise PermissionDenied(message, code="not_contract_party")


def locked(contract: Contract) -> Contract:
    """The contract row, locked for the rest of the transaction (serialises value changes)."""
    return Contract.objects.select_for_update().get(pk=contract.pk)


def require_in_force(contract: Contract) -> None:
    if contract.status not in workflow.IN_FORCE:
        raise Conflict("合同尚未签订生效，不能办理履约事项", code="contract_not_in_force")


def next_number(model: Any, prefix: str) -> str:
    """PREFIX-0001, PREFIX-0002, … by the highest number already used with this prefix."""
    last = (
        model.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def rule_decimal(code: str, on: dt.date | None = None) -> Decimal:
    return Decimal(str(rule_value(code, on=on or today_local())))


def evidence_check(files: Iterable[Any]) -> list[tuple[Any, str]]:
    files = [f for f in (files or ()) if f is not None]
    if len(files) > uploads.MAX_FILES:
        raise ValidationFailed(f"附件最多 {uploads.MAX_FILES} 个", code="too_many_files")
    return [
        (f, uploads.check(f, "证明材料", uploads.EVIDENCE_TYPES, uploads.MAX_DOC_BYTES))
        for f in files
    ]


def evidence_store(
    *, actor: Actor, contract: Contract, checked: list[tuple[Any, str]], **owner: Any
) -> list[dict[str, str]]:
    """Save checked files (see evidence_check) against `owner` (variation=, claim= or
    review=); returns [{name, sm3}] for the ledger entry."""
    refs = []
    for i, (upload, ext) in enumerate(checked, 1):
        digest = uploads.sm3(upload)
        content = ContentFile(upload.read(), name=f"{contract.number}-{digest[:12]}{ext}")
        Evidence.objects.create(
            contract=contract,
            file=content,
            name=(getattr(upload, "name", "") or f"附件{i}{ext}")[:200],
            sm3=digest,
            size=content.size,
            uploaded_by=actor.username,
            **owner,
        )
        refs.append({"name": f"evidence-{i}", "sm3": digest})
    return refs
