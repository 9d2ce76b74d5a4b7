"""Contract services: creation (from an award or by hand), terms, online signing by both
parties, subcontracts and their approval by the owner. Each is atomic and records its
ledger entry in the same transaction.

Signing states: draft → signing (one side signed) → signed (both). Terms may be changed only
while nobody has signed. A subcontract needs the owner's approval before anyone signs; a
refusal is recorded (contracts.subcontract_refused, with the opinion) and the subcontract
stays a draft, so the general contractor can correct its terms and ask again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.contracts import workflow
from jianguan.contracts.models import Contract
from jianguan.contracts.services.common import locked, next_number
from jianguan.contracts.services.terms import (  # noqa: F401  (re-exported for pages and API)
    PARTY_KINDS,
    apply_terms,
    created_payload,
    limits,
    parse_money,
    signing_problems,
    terms_of,
)
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.workbench.search.index import index_on_commit

# --- creation --------------------------------------------------------------------------------


def _require_owner(actor: Actor, project: Project) -> None:
    require(actor, "contracts.manage")
    if not actor.is_system and actor.organisation_id != project.owner_id:
        raise PermissionDenied("只有本项目的建设单位可以起草施工合同", code="not_project_owner")


def _default_supervisor(project: Project) -> Organisation | None:
    p = (
        Participant.objects.filter(project=project, role="supervisor", is_active=True)
        .select_related("organisation")
        .first()
    )
    return p.organisation if p else None


def _default_finance_bureau() -> Organisation | None:
    bureaus = list(Organisation.objects.filter(kind="finance_bureau")[:2])
    return bureaus[0] if len(bureaus) == 1 else None


def _new_number() -> str:
    return next_number(Contract, f"HT-{today_local().year}-")


def _boq_from_bid(contract: Contract, bid) -> dict[str, Any]:
    """Load the winning bid's opened .xlsx BoQ when it parses without problems."""
    from jianguan.contracts.boq.services import replace_items
    from jianguan.tendering import boq_xlsx
    from jianguan.tendering.services.common import opened_dir

    if bid.opened_at is None:
        return {"loaded": False, "reason": "投标文件未解密"}
    folder = opened_dir(bid)
    files = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not files:
        return {"loaded": False, "reason": "投标文件中无 Excel 工程量清单"}
    with files[0].open("rb") as fh:
        lines, errors = boq_xlsx.read(fh, strict=True)
    problems = [boq_xlsx.message(e) for e in errors]
    if problems or not lines:
        return {"loaded": False, "reason": "投标清单有误", "problems": problems[:20]}
    count, total = replace_items(contract, lines)
    return {"loaded": True, "file": files[0].name, "lines": count, "total": total}


@transaction.atomic
def contract_create_from_award(
    *,
    actor: Actor,
    award,
    title: str = "",
    start_on: dt.date | None = None,
    supervisor: Organisation | None = None,
    finance_bureau: Organisation | None = None,
    auditor: Organisation | None = None,
    **terms: Any,
) -> Contract:
    """The owner drafts the contract from the award: parties, price, duration and BoQ from
    the winning bid (招标投标法 46: 按照招标文件和中标人的投标文件订立书面合同)."""
    from jianguan.tendering.models import Award

    award = Award.objects.select_related("tender__project", "bid", "supplier", "lot").get(
        pk=award.pk
    )
    project = award.tender.project
    _require_owner(actor, project)
    if Contract.objects.filter(award_id=award.pk).exists():
        raise Conflict("该中标结果已起草合同", code="contract_exists")
    duration = terms.pop("duration_days", None) or award.bid.duration_days
    if not duration:
        raise ValidationFailed("中标投标文件无工期，请填写工期", code="duration_missing")
    contract = Contract(
        number=_new_number(),
        project=project,
        kind="main",
        award_id=award.pk,
        tender_code=award.tender.code,
        title=(title or "").strip()[:200] or f"{award.tender.title}施工合同",
        employer_id=project.owner_id,
        contractor=award.supplier,
        price=award.value,
        current_value=award.value,
        duration_days=1,
        created_by=actor.username,
    )
    parties = {
        "supervisor": supervisor or _default_supervisor(project),
        "finance_bureau": finance_bureau or _default_finance_bureau(),
        "auditor": auditor,
    }
    apply_terms(
        contract,
        {
            **{k: v for k, v in parties.items() if v is not None},
            "duration_days": duration,
            "start_on": start_on,
            **terms,
        },
    )
    contract.save()
    boq = _boq_from_bid(contract, award.bid)
    record(
        actor=actor,
        type="contracts.contract_created",
        obj=contract,
        payload=created_payload(contract, {"award": award.pk, "boq": boq}),
    )
    index_on_commit(kind="contracts", ids=[contract.pk])
    return contract


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    project: Project,
    contractor: Organisation,
    title: str,
    price: Any,
    duration_days: Any,
    tender_code: str = "",
    **terms: Any,
) -> Contract:
    """A main contract awarded outside the platform (entered by the owner)."""
    _require_owner(actor, project)
    if contractor.kind != "general_contractor":
        raise ValidationFailed("承包人须为施工总承包单位", code="bad_contractor")
    if not Participant.objects.filter(
        project=project, organisation=contractor, is_active=True
    ).exists():
        raise ValidationFailed("承包人不是本项目的参建单位", code="not_participant")
    price = parse_money(price, "签约合同价")
    if price <= 0:
        raise ValidationFailed("签约合同价须大于零", code="bad_number")
    tender_code = str(tender_code or "").strip()
    if len(tender_code) > 20:
        raise ValidationFailed("招标编号最多 20 个字", code="bad_text")
    contract = Contract(
        number=_new_number(),
        project=project,
        kind="main",
        tender_code=tender_code,
        employer_id=project.owner_id,
        contractor=contractor,
        price=price,
        current_value=price,
        duration_days=1,
        created_by=actor.username,
    )
    terms.setdefault("supervisor", _default_supervisor(project))
    terms.setdefault("finance_bureau", _default_finance_bureau())
    apply_terms(contract, {"title": title, "duration_days": duration_days, **terms})
    contract.save()
    record(
        actor=actor,
        type="contracts.contract_created",
        obj=contract,
        payload=created_payload(contract, {"award": None}),
    )
    index_on_commit(kind="contracts", ids=[contract.pk])
    return contract


@transaction.atomic
def contract_update_terms(*, actor: Actor, contract: Contract, **terms: Any) -> Contract:
    """The employer changes terms, dates or named parties while nobody has signed."""
    require(actor, "contracts.manage")
    contract = locked(contract)
    if not actor.is_system and actor.organisation_id != contract.employer_id:
        raise PermissionDenied("只有发包人可以修改合同条款", code="not_employer")
    if (
        contract.status != workflow.DRAFT
        or contract.employer_signed_at
        or (contract.contractor_signed_at)
    ):
        raise Conflict("合同已开始签署，不能修改条款", code="contract_not_draft")
    if not terms:
        raise ValidationFailed("没有要修改的条款", code="nothing_to_update")
    changed = apply_terms(contract, terms)
    contract.save()
    record(
        actor=actor,
        type="contracts.contract_terms_updated",
        obj=contract,
        payload={"number": contract.number, "changes": changed},
    )
    return contract


# --- signing ---------------------------------------------------------------------------------


@transaction.atomic
def contract_sign(*, actor: Actor, contract: Contract) -> Contract:
    """One party signs (its own ledger entry); both signed → signed. A main contract from an
    award marks the tender contracted and starts the other bidders' bond refund clock."""
    require(actor, "contracts.sign")
    contract = locked(contract)
    if actor.organisation_id == contract.employer_id:
        side = "employer"
    elif actor.organisation_id == contract.contractor_id:
        side = "contractor"
    else:
        raise PermissionDenied("只有合同双方可以签署合同", code="not_contract_party")
    if contract.status not in (workflow.DRAFT, workflow.SIGNING):
        raise Conflict("合同已签订或已终止", code="contract_not_signable")
    if getattr(contract, f"{side}_signed_at") is not None:
        raise Conflict("本方已签署该合同", code="already_signed")
    on = today_local()
    problems = signing_problems(contract, on)
    if problems:
        raise ValidationFailed(
            "合同不能签署：" + "；".join(p["message"] for p in problems),
            code=problems[0]["code"],
            details={"problems": problems},
        )
    at = now()
    setattr(contract, f"{side}_signed_at", at)
    setattr(contract, f"{side}_signed_by", actor.username)
    both = contract.employer_signed_at is not None and contract.contractor_signed_at is not None
    contract.status = workflow.SIGNED if both else workflow.SIGNING
    if both:
        contract.signed_on = on
    contract.save()
    record(
        actor=actor,
        type="contracts.contract_signed",
        obj=contract,
        payload={
            "number": contract.number,
            "side": side,
            "organisation": actor.organisation.credit_code if actor.organisation else None,
            "price": contract.price,
            "complete": both,
            "signed_on": contract.signed_on,
        },
    )
    if both and contract.kind == "main" and contract.award_id:
        from jianguan.tendering.models import Award
        from jianguan.tendering.services.contracted import tender_mark_contracted

        award = Award.objects.filter(pk=contract.award_id).first()
        if award is not None:
            awards = list(
                Award.objects.filter(tender_id=award.tender_id).values_list("pk", flat=True)
            )
            signed = Contract.objects.filter(award_id__in=awards, status=workflow.SIGNED)
            tender_mark_contracted(
                actor=actor,
                award=award,
                signed_on=on,
                contract_number=contract.number,
                all_lots_contracted=signed.count() >= len(awards),
            )
    return contract


from jianguan.contracts.services.subcontracts import (  # noqa: E402, F401  (re-exported)
    subcontract_approve,
    subcontract_create,
)
