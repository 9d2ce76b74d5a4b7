"""变更与签证 API: list and raise a contract's variations, add evidence, read one with its
lines, steps and evidence, and decide the current step of the approval chain."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.contracts import selectors, workflow
from jianguan.contracts.models import Contract, Variation
from jianguan.contracts.variations import services
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, one_of
from jianguan.core.permissions import require

router = Router(tags=["合同与支付"])

Str = Annotated[str, Field(max_length=200)]
Num = Annotated[str, Field(max_length=40)]


class VariationLineIn(Schema):
    boq_item: Annotated[int, Field(ge=1, le=2**62)] | None = Field(
        None, description="现有清单项 id；新增清单项时留空"
    )
    quantity_delta: Num = Field("", description='现有清单项的工程量增减（可为负），如 "12.5"')
    code: Annotated[str, Field(max_length=40)] = ""
    name: Str = ""
    feature: Annotated[str, Field(max_length=2000)] = ""
    unit: Annotated[str, Field(max_length=20)] = ""
    unit_rate: Num = Field("", description="新增清单项的综合单价（元）")
    quantity: Num = Field("", description="新增清单项的工程量")


class VariationIn(Schema):
    kind: Literal["variation", "site_instruction"]
    title: Str
    reason: Annotated[str, Field(max_length=5000)]
    cause: Literal["design_change", "finding", "site_condition", "owner_request", "other"]
    cause_reference: Str = ""
    finding_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    lines: Annotated[list[VariationLineIn], Field(min_length=1, max_length=200)]


class VariationDecisionIn(Schema):
    decision: Literal["approve", "reject"]
    opinion: Annotated[str, Field(max_length=500)] = ""


class VariationQuery(Schema):
    kind: one_of(workflow.VARIATION_KINDS, blank=True) = ""  # type: ignore[valid-type]
    status: one_of(workflow.VARIATION_STATUSES, blank=True) = ""  # type: ignore[valid-type]


class VariationLineOut(Schema):
    boq_item: int | None
    code: str
    name: str
    unit: str
    unit_rate: str
    quantity_delta: str
    amount_delta: str
    new: bool


class StepOut(Schema):
    step: str
    decision: str
    opinion: str
    organisation: str
    decided_by: str
    decided_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    name: str
    sm3: str
    size: int


class VariationRow(Schema):
    id: int
    contract_id: int
    number: str
    kind: str
    title: str
    cause: str
    amount: str
    status: str
    status_label: str
    needs_regulator: bool
    next_step: str | None
    raised_by: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class VariationOut(VariationRow):
    reason: str
    cause_reference: str
    finding_id: int | None
    lines: list[VariationLineOut]
    steps: list[StepOut]
    evidence: list[EvidenceOut]


NEXT_STEP = {
    workflow.V_SUBMITTED: "supervisor",
    workflow.V_SUPERVISOR_OK: "owner",
    workflow.V_OWNER_OK: "regulator",
}


def row(v: Variation) -> dict:
    return {
        "id": v.pk,
        "contract_id": v.contract_id,
        "number": v.number,
        "kind": v.kind,
        "title": v.title,
        "cause": v.cause,
        "amount": str(v.amount),
        "status": v.status,
        "status_label": workflow.VARIATION_STATUSES.get(v.status, v.status),
        "needs_regulator": v.needs_regulator,
        "next_step": NEXT_STEP.get(v.status),
        "raised_by": v.raised_by,
        "submitted_at": v.submitted_at,
        "decided_at": v.decided_at,
    }


def detail(v: Variation) -> dict:
    return {
        **row(v),
        "reason": v.reason,
        "cause_reference": v.cause_reference,
        "finding_id": v.finding_id,
        "lines": [
            {
                "boq_item": line.boq_item_id,
                "code": line.code or (line.boq_item.code if line.boq_item_id else ""),
                "name": line.name or (line.boq_item.name if line.boq_item_id else ""),
                "unit": line.unit or (line.boq_item.unit if line.boq_item_id else ""),
                "unit_rate": str(line.unit_rate),
                "quantity_delta": str(line.quantity_delta),
                "amount_delta": str(line.amount_delta),
                "new": line.boq_item_id is None,
            }
            for line in v.lines.select_related("boq_item")
        ],
        "steps": [
            {
                "step": s.step,
                "decision": s.decision,
                "opinion": s.opinion,
                "organisation": s.organisation.name,
                "decided_by": s.decided_by,
                "decided_at": s.decided_at,
            }
            for s in v.steps.select_related("organisation")
        ],
        "evidence": [
            {"id": e.pk, "name": e.name, "sm3": e.sm3, "size": e.size} for e in v.evidence.all()
        ],
    }


def contract_for(request: HttpRequest, contract_id: int) -> Contract:
    require(request.actor, "contracts.view")
    return selectors.contract_get_visible(actor=request.actor, pk=path_id(str(contract_id), "合同"))


def variation_for(request: HttpRequest, vid: int) -> Variation:
    """The variation, when its contract is visible to the actor (else 404)."""
    require(request.actor, "contracts.view")
    return selectors.variation_get_visible(actor=request.actor, pk=path_id(str(vid), "变更"))


@router.get(
    "/{int:contract_id}/variations",
    response={200: list[VariationRow], **ERR},
    summary="合同的变更与签证",
)
def variation_list(request: HttpRequest, contract_id: int, q: Query[VariationQuery]):
    c = contract_for(request, contract_id)
    qs = c.variations.order_by("-created_at", "-pk")
    if q.kind:
        qs = qs.filter(kind=q.kind)
    if q.status:
        qs = qs.filter(status=q.status)
    return [row(v) for v in qs[:500]]


@router.post(
    "/{int:contract_id}/variations",
    response={201: VariationOut, **ERR},
    summary="提出工程变更或现场签证（证明材料另行上传）",
)
def variation_raise(request: HttpRequest, contract_id: int, data: VariationIn):
    c = contract_for(request, contract_id)
    v = services.variation_raise(
        actor=request.actor,
        contract=c,
        kind=data.kind,
        title=data.title,
        reason=data.reason,
        cause=data.cause,
        cause_reference=data.cause_reference,
        finding_id=data.finding_id,
        lines=[
            {k: val for k, val in line.dict().items() if val not in (None, "")}
            for line in data.lines
        ],
    )
    return Status(201, detail(v))


@router.post(
    "/variations/{int:vid}/evidence",
    response={200: VariationOut, **ERR},
    summary="补充变更或签证的证明材料（PDF/JPEG/PNG；审批完毕前）",
)
def variation_evidence(
    request: HttpRequest,
    vid: int,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    v = variation_for(request, vid)
    services.variation_evidence_add(actor=request.actor, variation=v, files=files or [])
    return detail(Variation.objects.get(pk=v.pk))


@router.get(
    "/variations/{int:vid}",
    response={200: VariationOut, **ERR},
    summary="变更或签证详情（清单、审批环节、证明材料）",
)
def variation_get(request: HttpRequest, vid: int):
    return detail(variation_for(request, vid))


@router.post(
    "/variations/{int:vid}/decision",
    response={200: VariationOut, **ERR},
    summary="审批变更或签证（监理 → 建设单位 → 超过限额时监管部门）",
)
def variation_decision(request: HttpRequest, vid: int, data: VariationDecisionIn):
    v = variation_for(request, vid)
    v = services.variation_decide(
        actor=request.actor, variation=v, decision=data.decision, opinion=data.opinion
    )
    return detail(v)
