"""Subcontracts (建筑法 29): drafted by the general contractor under its main contract,
checked against the law (no 再分包, the main structure not subcontracted) and the registry's
eligibility, approved or refused by the owner. A refusal is recorded with its opinion and
leaves the subcontract a draft, so the general contractor can correct it and ask again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.contracts import workflow
from jianguan.contracts.models import Contract
from jianguan.contracts.services.common import locked, next_number, require_in_force
from jianguan.contracts.services.terms import apply_terms, created_payload, parse_money
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule
from jianguan.workbench.search.index import index_on_commit

SUB_KINDS = {"specialist": "specialist_subcontractor", "labour": "labour_subcontractor"}
# a default access standard for subcontractors when none is chosen (建筑法 29: 具备相应资质)
DEFAULT_SUB_CRITERIA = {"safety_licence": True}


def _standard(access_standard):
    from jianguan.registry.models import AccessStandard

    if access_standard is None:
        return AccessStandard(
            name="分包单位基本准入（安全生产许可证）", criteria=DEFAULT_SUB_CRITERIA
        )
    return access_standard


def _eligibility(contractor: Organisation, standard, on: dt.date) -> dict[str, Any]:
    from jianguan.registry.selectors import eligibility

    result = eligibility(contractor, standard, on)
    return {"standard_id": standard.pk, "standard": standard.name, "on": on.isoformat(), **result}


def _ineligible(result: dict[str, Any]) -> ValidationFailed:
    failed = [r for r in result.get("reasons", []) if not r.get("passed")]
    text = "；".join(str(r.get("message_zh", "")) for r in failed) or "资格核验未通过"
    return ValidationFailed(
        f"分包单位资格核验未通过：{text}",
        code="subcontractor_ineligible",
        details={"reasons": failed},
    )


def _forbidden(code: str) -> str | None:
    """The article when the rule (a boolean in rule data) forbids, else None."""
    found = rule(code)
    return found.reference if found.value else None


@transaction.atomic
def subcontract_create(
    *,
    actor: Actor,
    parent: Contract,
    contractor: Organisation,
    subcontract_type: str,
    title: str,
    scope: str,
    price: Any,
    duration_days: Any,
    covers_main_structure: bool = False,
    access_standard=None,
) -> Contract:
    """The general contractor drafts a subcontract under its main contract (建筑法 29).
    A subcontractor trying to subcontract its own part is told the law (再分包) before
    the missing grant."""
    parent = locked(parent)
    if not actor.is_system and actor.organisation_id != parent.contractor_id:
        raise PermissionDenied("只有总承包单位可以分包", code="not_contractor")
    if parent.kind == "subcontract" and (
        article := _forbidden("subcontract.re_subcontracting_prohibited")
    ):
        raise ValidationFailed(
            "分包单位不得将其承包的工程再分包",
            code="re_subcontracting",
            details={"article": article},
        )
    require(actor, "contracts.manage")
    if covers_main_structure and (
        article := _forbidden("subcontract.main_structure_self_performed")
    ):
        raise ValidationFailed(
            "建筑工程主体结构的施工必须由总承包单位自行完成，不得分包",
            code="main_structure_subcontracted",
            details={"article": article},
        )
    require_in_force(parent)
    if subcontract_type not in SUB_KINDS:
        raise ValidationFailed("分包类型须为专业分包或劳务分包", code="bad_subcontract_type")
    if contractor.kind != SUB_KINDS[subcontract_type]:
        raise ValidationFailed(
            f"{workflow.SUBCONTRACT_TYPES[subcontract_type]}的承包人须为"
            f"{'专业分包单位' if subcontract_type == 'specialist' else '劳务分包单位'}",
            code="bad_subcontractor_kind",
        )
    price = parse_money(price, "分包合同价")
    if price <= 0:
        raise ValidationFailed("分包合同价须大于零", code="bad_number")
    if price > parent.current_value:
        raise ValidationFailed("分包合同价不得超过总承包合同现合同价", code="price_above_parent")
    on = today_local()
    standard = _standard(access_standard)
    result = _eligibility(contractor, standard, on)
    if not result.get("passed"):
        raise _ineligible(result)
    contract = Contract(
        number=next_number(Contract, f"FB-{on.year}-"),
        project=parent.project,
        kind="subcontract",
        parent=parent,
        subcontract_type=subcontract_type,
        covers_main_structure=False,
        employer_id=parent.contractor_id,
        contractor=contractor,
        price=price,
        current_value=price,
        duration_days=1,
        eligibility=result,
        created_by=actor.username,
    )
    apply_terms(contract, {"title": title, "scope": scope, "duration_days": duration_days})
    contract.save()
    record(
        actor=actor,
        type="contracts.contract_created",
        obj=contract,
        payload=created_payload(
            contract,
            {
                "parent": parent.number,
                "subcontract_type": subcontract_type,
                "covers_main_structure": False,
                "eligibility": result,
            },
        ),
    )
    index_on_commit(kind="contracts", ids=[contract.pk])
    return contract


@transaction.atomic
def subcontract_approve(
    *, actor: Actor, contract: Contract, approve: bool, opinion: str = ""
) -> Contract:
    """The owner (the main contract's employer) approves or refuses a subcontract; the
    subcontractor's eligibility is checked again on the day."""
    require(actor, "contracts.approve_subcontract")
    contract = locked(contract)
    if contract.kind != "subcontract" or contract.parent is None:
        raise ValidationFailed("只有分包合同需要建设单位批准", code="not_subcontract")
    if not actor.is_system and actor.organisation_id != contract.parent.employer_id:
        raise PermissionDenied("只有建设单位可以批准分包", code="not_owner")
    if contract.approved_at is not None or contract.status != workflow.DRAFT:
        raise Conflict("该分包合同已批准或已签署", code="already_decided")
    opinion = str(opinion or "").strip()
    if len(opinion) > 500:
        raise ValidationFailed("审批意见最多 500 个字", code="bad_text")
    on = today_local()
    standard = None
    sid = (contract.eligibility or {}).get("standard_id")
    if sid:
        from jianguan.registry.models import AccessStandard

        standard = AccessStandard.objects.filter(pk=sid).first()
    result = _eligibility(contract.contractor, _standard(standard), on)
    if approve:
        if not result.get("passed"):
            raise _ineligible(result)
        contract.approved_at = now()
        contract.approved_by = actor.username
    elif not opinion:
        raise ValidationFailed("不予批准时须填写审批意见", code="opinion_missing")
    contract.eligibility = result
    contract.save()
    record(
        actor=actor,
        type="contracts.subcontract_approved" if approve else "contracts.subcontract_refused",
        obj=contract,
        payload={
            "number": contract.number,
            "parent": contract.parent.number,
            "approve": bool(approve),
            "opinion": opinion,
            "eligibility": result,
        },
    )
    return contract
