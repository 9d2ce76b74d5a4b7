"""Contracts API: the register, creation (from an award or by hand), terms, signatures,
subcontracts with the owner's approval, and one contract's ledger with proofs.

Ids in paths use the int converter, so these routes never shadow the fixed paths of the other
contract routers mounted at /contracts (/worklist, /claims/…, /variations/…)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from jianguan.accounts.models import Organisation
from jianguan.contracts import register, selectors, visibility
from jianguan.contracts.models import Contract
from jianguan.contracts.schemas import (
    ApprovalIn,
    ContractIn,
    ContractOut,
    ContractQuery,
    ContractRow,
    FromAwardIn,
    LedgerOut,
    SubcontractIn,
    TermsIn,
)
from jianguan.contracts.services import contracts as services
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.permissions import require
from jianguan.projects.models import Project

router = Router(tags=["合同与支付"])

PARTY_IDS = {
    "supervisor_id": "supervisor",
    "finance_bureau_id": "finance_bureau",
    "auditor_id": "auditor",
}


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    require(request.actor, "contracts.view")
    pk = path_id(str(contract_id), "合同")
    return selectors.contract_get_visible(actor=request.actor, pk=pk)


def _party(p: Organisation | None) -> dict | None:
    return None if p is None else {"id": p.pk, "name": p.name, "credit_code": p.credit_code}


def contract_out(c: Contract, problems: list | None = None) -> dict[str, Any]:
    boq = list(c.boq_items.values_list("amount", flat=True))
    return {
        "id": c.pk,
        "number": c.number,
        "project_id": c.project_id,
        "project_code": c.project.code,
        "kind": c.kind,
        "subcontract_type": c.subcontract_type,
        "parent_id": c.parent_id,
        "award_id": c.award_id,
        "tender_code": c.tender_code,
        "title": c.title,
        "scope": c.scope,
        "status": c.status,
        "status_label": c.get_status_display(),
        "employer": _party(c.employer),
        "contractor": _party(c.contractor),
        "supervisor": _party(c.supervisor),
        "finance_bureau": _party(c.finance_bureau),
        "auditor": _party(c.auditor),
        "price": str(c.price),
        "current_value": str(c.current_value),
        "duration_days": c.duration_days,
        "start_on": c.start_on,
        "end_on": c.end_on,
        "advance_ratio": str(c.advance_ratio),
        "progress_ratio": str(c.progress_ratio),
        "retention_form": c.retention_form,
        "retention_ratio": str(c.retention_ratio),
        "security_form": c.security_form,
        "security_amount": str(c.security_amount),
        "security_reference": c.security_reference,
        "measurement_period_months": c.measurement_period_months,
        "labour_payment_cycle_months": c.labour_payment_cycle_months,
        "employer_signed_at": c.employer_signed_at,
        "contractor_signed_at": c.contractor_signed_at,
        "signed_on": c.signed_on,
        "approved_at": c.approved_at,
        "eligibility": c.eligibility,
        "boq_lines": len(boq),
        "boq_total": str(sum(boq, 0)),
        "problems": problems if problems is not None else [],
    }


def _terms(data: TermsIn, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    raw = data.dict(exclude_unset=True)
    terms = {}
    for key, value in raw.items():
        if key in skip or value is None:
            continue
        terms[PARTY_IDS.get(key, key)] = value
    return terms


@router.get("", response={200: list[ContractRow], **ERR}, summary="合同台账")
def contract_list(request: HttpRequest, f: Query[ContractQuery]):
    require(request.actor, "contracts.view")
    offset, limit = f.offset, f.limit
    qs = register.register_queryset(
        actor=request.actor, q=f.q, project=f.project_id, status=f.status, kind=f.kind
    )
    return [
        {
            "id": c.pk,
            "number": c.number,
            "project_code": c.project.code,
            "title": c.title,
            "kind": c.kind,
            "status": c.status,
            "employer": c.employer.name,
            "contractor": c.contractor.name,
            "price": str(c.price),
            "current_value": str(c.current_value),
            "signed_on": c.signed_on,
        }
        for c in qs[offset : offset + limit]
    ]


@router.post("/from-award", response={201: ContractOut, **ERR}, summary="根据中标结果起草施工合同")
def contract_from_award(request: HttpRequest, data: FromAwardIn):
    from jianguan.tendering.models import Award

    require(request.actor, "contracts.manage")
    award = Award.objects.select_related("tender").filter(pk=data.award_id).first()
    if award is None or not (
        request.actor.is_system or award.tender.project.owner_id == request.actor.organisation_id
    ):
        raise NotFound("中标结果不存在", code="award_not_found")
    made = services.contract_create_from_award(
        actor=request.actor, award=award, **_terms(data, skip=("award_id",))
    )
    return Status(201, contract_out(made))


@router.post("", response={201: ContractOut, **ERR}, summary="登记施工合同（平台外发包）")
def contract_create(request: HttpRequest, data: ContractIn):
    require(request.actor, "contracts.manage")
    project = Project.objects.filter(pk=data.project_id).first()
    if project is None or not (
        request.actor.is_system or project.owner_id == request.actor.organisation_id
    ):
        raise NotFound("项目不存在", code="project_not_found")
    contractor = Organisation.objects.filter(pk=data.contractor_id).first()
    if contractor is None:
        raise NotFound("承包人不存在", code="organisation_not_found")
    terms = _terms(data, skip=("project_id", "contractor_id", "title", "price", "duration_days"))
    terms.pop("tender_code", None)
    made = services.contract_create(
        actor=request.actor,
        project=project,
        contractor=contractor,
        title=data.title,
        price=data.price,
        duration_days=data.duration_days,
        tender_code=data.tender_code,
        **terms,
    )
    return Status(201, contract_out(made))


@router.get("/{int:contract_id}", response={200: ContractOut, **ERR}, summary="合同详情")
def contract_get(request: HttpRequest, contract_id: int):
    c = _contract(request, contract_id)
    problems = services.signing_problems(c) if c.status in ("draft", "signing") else []
    return contract_out(c, problems)


@router.patch(
    "/{int:contract_id}/terms", response={200: ContractOut, **ERR}, summary="修改合同条款"
)
def contract_terms(request: HttpRequest, contract_id: int, data: TermsIn):
    c = _contract(request, contract_id)
    made = services.contract_update_terms(actor=request.actor, contract=c, **_terms(data))
    return contract_out(made)


@router.post(
    "/{int:contract_id}/signatures",
    response={201: ContractOut, **ERR},
    summary="签署合同（本单位一方）",
)
def contract_sign(request: HttpRequest, contract_id: int):
    c = _contract(request, contract_id)
    return Status(201, contract_out(services.contract_sign(actor=request.actor, contract=c)))


@router.post(
    "/{int:contract_id}/subcontracts",
    response={201: ContractOut, **ERR},
    summary="起草分包合同（总承包单位）",
)
def subcontract_create(request: HttpRequest, contract_id: int, data: SubcontractIn):
    from jianguan.registry.models import AccessStandard

    parent = _contract(request, contract_id)
    contractor = Organisation.objects.filter(pk=data.contractor_id).first()
    if contractor is None:
        raise NotFound("分包单位不存在", code="organisation_not_found")
    standard = None
    if data.access_standard_id is not None:
        standard = AccessStandard.objects.filter(pk=data.access_standard_id).first()
        if standard is None:
            raise NotFound("准入标准不存在", code="standard_not_found")
    made = services.subcontract_create(
        actor=request.actor,
        parent=parent,
        contractor=contractor,
        subcontract_type=data.subcontract_type,
        title=data.title,
        scope=data.scope,
        price=data.price,
        duration_days=data.duration_days,
        covers_main_structure=data.covers_main_structure,
        access_standard=standard,
    )
    return Status(201, contract_out(made))


@router.post(
    "/{int:contract_id}/approval",
    response={200: ContractOut, **ERR},
    summary="建设单位批准或不予批准分包",
)
def subcontract_approve(request: HttpRequest, contract_id: int, data: ApprovalIn):
    c = _contract(request, contract_id)
    made = services.subcontract_approve(
        actor=request.actor, contract=c, approve=data.approve, opinion=data.opinion
    )
    return contract_out(made)


@router.get(
    "/{int:contract_id}/ledger",
    response={200: LedgerOut, **ERR},
    summary="合同存证记录及包含性证明（可离线校验）",
)
def contract_ledger(request: HttpRequest, contract_id: int):
    c = _contract(request, contract_id)
    if not request.actor.is_authenticated:
        raise PermissionDenied("请先登录", code="not_authenticated")
    return visibility.contract_ledger_export(actor=request.actor, contract=c)
