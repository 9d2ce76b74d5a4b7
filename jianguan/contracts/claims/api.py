"""Payment claims API: claims, the automatic checks, the double review and payments.
The claim view is the actor's: the auditor's never holds the finance review of the round
before the audit review is submitted, and nobody sees another organisation's draft cuts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from jianguan.contracts import selectors, workflow
from jianguan.contracts.claims import reviews as review_services
from jianguan.contracts.claims import selectors as claim_selectors
from jianguan.contracts.claims import services as claim_services
from jianguan.contracts.models import ClaimLine, Contract, PaymentClaim, Review
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, documented
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require

router = Router(tags=["合同与支付"])

Id = Annotated[int, Field(ge=1, le=2**62)]
Num = Annotated[str, Field(max_length=40)]


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- schemas ---------------------------------------------------------------------------------


class ClaimLineIn(Schema):
    boq_item: Id | None = None
    code: Annotated[str, Field(max_length=40)] | None = None
    cumulative_quantity: Num
    evidence_note: Annotated[str, Field(max_length=300)] = ""


class ClaimIn(Schema):
    period_start: dt.date
    period_end: dt.date
    lines: Annotated[list[ClaimLineIn], Field(min_length=1, max_length=20000)]


class ClaimPatch(Schema):
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    lines: Annotated[list[ClaimLineIn], Field(min_length=1, max_length=20000)] | None = None


class CutIn(Schema):
    line: Id
    accepted_quantity: Num
    reason: Annotated[str, Field(max_length=500)]


class ReviewSubmitIn(Schema):
    decision: Annotated[str, Field(max_length=10)] = documented(
        ("approve", "return"), default="approve", description="approve 同意或 return 退回"
    )
    opinion: Annotated[str, Field(max_length=1000)] = ""


class PaymentIn(Schema):
    amount: Num
    paid_on: dt.date
    reference: Annotated[str, Field(max_length=100)]


class CheckOut(Schema):
    code: str
    label: str
    passed: bool
    messages: list[str]
    reference: str = ""


class ClaimOut(Schema):
    id: int
    contract_id: int
    contract_number: str
    number: str
    sequence: int
    status: str
    status_label: str
    period_start: dt.date
    period_end: dt.date
    round: int
    claimed_value: str
    claimed_cumulative_value: str
    approved_value: str | None
    approved_cumulative_value: str | None
    payable_amount: str | None
    retention_amount: str | None
    paid_amount: str
    chief_supervisor: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None


class LineOut(Schema):
    id: int
    boq_item_id: int
    code: str
    name: str
    unit: str
    unit_rate: str
    previous_quantity: str
    claimed: str
    stages: dict[str, str | None]
    final: str | None


class CutOut(Schema):
    line: int
    code: str
    accepted_quantity: str
    reason: str


class ReviewOut(Schema):
    id: int
    stage: str
    stage_label: str
    round: int
    organisation: str
    reviewer: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    decision: str
    opinion: str
    reviewed_value: str | None
    reduction: str | None
    cuts: list[CutOut]


class PaymentOut(Schema):
    id: int
    amount: str
    paid_on: dt.date
    reference: str


class ClaimViewOut(Schema):
    claim: ClaimOut
    checks: list[CheckOut]
    lines: list[LineOut]
    reviews: list[ReviewOut]
    own_review_id: int | None
    may: dict[str, bool]
    hidden_note: str
    payments: list[PaymentOut]


def claim_out(c: PaymentClaim, hide_approved: bool = False) -> dict[str, Any]:
    hidden = hide_approved
    return {
        "id": c.pk,
        "contract_id": c.contract_id,
        "contract_number": c.contract.number,
        "number": c.number,
        "sequence": c.sequence,
        "status": c.status,
        "status_label": workflow.CLAIM_STATUSES.get(c.status, c.status),
        "period_start": c.period_start,
        "period_end": c.period_end,
        "round": c.round,
        "claimed_value": str(c.claimed_value),
        "claimed_cumulative_value": str(c.claimed_cumulative_value),
        "approved_value": None if hidden else _s(c.approved_value),
        "approved_cumulative_value": None if hidden else _s(c.approved_cumulative_value),
        "payable_amount": None if hidden else _s(c.payable_amount),
        "retention_amount": None if hidden else _s(c.retention_amount),
        "paid_amount": "0.00" if hidden else str(c.paid_amount),
        "chief_supervisor": c.chief_supervisor,
        "submitted_at": c.submitted_at,
        "approved_at": None if hidden else c.approved_at,
    }


def _review_out(review: Review, cuts: list) -> dict[str, Any]:
    submitted = review.submitted_at is not None
    return {
        "id": review.pk,
        "stage": review.stage,
        "stage_label": workflow.REVIEW_STAGES.get(review.stage, review.stage),
        "round": review.round,
        "organisation": review.organisation.name,
        "reviewer": review.reviewer,
        "started_at": review.started_at,
        "submitted_at": review.submitted_at,
        "decision": review.decision,
        "opinion": review.opinion,
        "reviewed_value": _s(review.reviewed_value),
        "reduction": str(review.reduction) if submitted else None,
        "cuts": [
            {
                "line": cut.line_id,
                "code": cut.line.boq_item.code,
                "accepted_quantity": str(cut.accepted_quantity),
                "reason": cut.reason,
            }
            for cut in cuts
        ],
    }


def view_out(view: dict[str, Any]) -> dict[str, Any]:
    own = view["own_review"]
    return {
        "claim": claim_out(view["claim"], view["hide_approved"]),
        "checks": view["checks"] or [],
        "lines": [
            {
                "id": row["line"].pk,
                "boq_item_id": row["boq_item"].pk,
                "code": row["boq_item"].code,
                "name": row["boq_item"].name,
                "unit": row["boq_item"].unit,
                "unit_rate": str(row["line"].unit_rate),
                "previous_quantity": str(row["line"].previous_quantity),
                "claimed": str(row["claimed"]),
                "stages": {k: _s(v) for k, v in row["stages"].items()},
                "final": None if view["hide_approved"] else _s(row["final"]),
            }
            for row in view["lines"]
        ],
        "reviews": [_review_out(r["review"], r["cuts"]) for r in view["reviews"]],
        "own_review_id": own.pk if own is not None else None,
        "may": view["may"],
        "hidden_note": view["hidden_note"],
        "payments": [
            {"id": p.pk, "amount": str(p.amount), "paid_on": p.paid_on, "reference": p.reference}
            for p in view["payments"]
        ],
    }


# --- helpers ---------------------------------------------------------------------------------


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    require(request.actor, "contracts.view")
    pk = path_id(str(contract_id), "合同")
    return selectors.contract_get_visible(actor=request.actor, pk=pk)


def _claim(request: HttpRequest, cid: int) -> PaymentClaim:
    require(request.actor, "contracts.view")
    pk = path_id(str(cid), "进度款申请")
    return claim_selectors.claim_get_visible(actor=request.actor, pk=pk)


def _view(request: HttpRequest, claim: PaymentClaim) -> dict[str, Any]:
    claim = claim_selectors.claim_get_visible(actor=request.actor, pk=claim.pk)
    return view_out(claim_selectors.claim_view(actor=request.actor, claim=claim))


def _lines(lines: list[ClaimLineIn]) -> list[dict[str, Any]]:
    return [
        {
            "boq_item": line.boq_item,
            "code": line.code,
            "cumulative_quantity": line.cumulative_quantity,
            "evidence_note": line.evidence_note,
        }
        for line in lines
    ]


def _own_review(request: HttpRequest, claim: PaymentClaim) -> Review:
    review = (
        Review.objects.filter(
            claim=claim, round=claim.round, organisation_id=request.actor.organisation_id
        )
        .select_related("claim__contract")
        .first()
        if request.actor.organisation_id
        else None
    )
    if review is None:
        raise NotFound("贵单位尚未开始审核本期进度款", code="review_not_started")
    return review


# --- routes ----------------------------------------------------------------------------------


@router.get("/worklist", response={200: list[ClaimOut], **ERR}, summary="我的待办：进度款审核")
def claim_worklist(request: HttpRequest):
    require(request.actor, "contracts.view")
    return [claim_out(c) for c in claim_selectors.worklist(actor=request.actor)]


@router.get(
    "/{int:contract_id}/claims", response={200: list[ClaimOut], **ERR}, summary="合同的进度款申请"
)
def claim_list(request: HttpRequest, contract_id: int):
    contract = _contract(request, contract_id)
    roles = selectors.party_roles(actor=request.actor, contract=contract)
    auditor_only = roles == {"auditor"} and not selectors.sees_all(request.actor)
    out = []
    for c in claim_selectors.claim_list(actor=request.actor, contract=contract):
        hide = auditor_only and c.status == workflow.C_AUDIT
        out.append(claim_out(c, hide))
    return out


@router.post(
    "/{int:contract_id}/claims", response={201: ClaimViewOut, **ERR}, summary="起草进度款申请"
)
def claim_create(request: HttpRequest, contract_id: int, data: ClaimIn):
    contract = _contract(request, contract_id)
    claim = claim_services.claim_create(
        actor=request.actor,
        contract=contract,
        period_start=data.period_start,
        period_end=data.period_end,
        lines=_lines(data.lines),
    )
    return Status(201, _view(request, claim))


@router.get(
    "/claims/{int:cid}",
    response={200: ClaimViewOut, **ERR},
    summary="进度款申请（按查看人可见范围：审计复审提交前不含财政评审结果）",
)
def claim_get(request: HttpRequest, cid: int):
    return _view(request, _claim(request, cid))


@router.patch("/claims/{int:cid}", response={200: ClaimViewOut, **ERR}, summary="修改进度款申请")
def claim_update(request: HttpRequest, cid: int, data: ClaimPatch):
    claim = _claim(request, cid)
    claim_services.claim_update(
        actor=request.actor,
        claim=claim,
        period_start=data.period_start,
        period_end=data.period_end,
        lines=_lines(data.lines) if data.lines is not None else None,
    )
    return _view(request, claim)


@router.get(
    "/claims/{int:cid}/checks", response={200: list[CheckOut], **ERR}, summary="自动校验（预览）"
)
def claim_checks(request: HttpRequest, cid: int):
    return claim_selectors.claim_checks_preview(_claim(request, cid))


@router.post(
    "/claims/{int:cid}/submission",
    response={200: ClaimViewOut, **ERR},
    summary="提交进度款申请（先经自动校验）",
)
def claim_submit(request: HttpRequest, cid: int):
    claim = claim_services.claim_submit(actor=request.actor, claim=_claim(request, cid))
    return _view(request, claim)


@router.post(
    "/claims/{int:cid}/reviews", response={201: ClaimViewOut, **ERR}, summary="开始本环节审核"
)
def review_start(request: HttpRequest, cid: int):
    claim = _claim(request, cid)
    review_services.review_start(actor=request.actor, claim=claim)
    return Status(201, _view(request, claim))


@router.put(
    "/claims/{int:cid}/reviews/cuts",
    response={200: ClaimViewOut, **ERR},
    summary="审减一行（审核提交前仅本单位可见）",
)
def review_cut(request: HttpRequest, cid: int, data: CutIn):
    claim = _claim(request, cid)
    review = _own_review(request, claim)
    line = ClaimLine.objects.filter(claim=claim, pk=data.line).first()
    if line is None:
        raise NotFound("本申请中没有该清单行", code="line_not_found")
    review_services.review_cut(
        actor=request.actor,
        review=review,
        line=line,
        accepted_quantity=data.accepted_quantity,
        reason=data.reason,
    )
    return _view(request, claim)


@router.post(
    "/claims/{int:cid}/reviews/submission",
    response={200: ClaimViewOut, **ERR},
    summary="提交审核意见（同意或退回）",
)
def review_submit(request: HttpRequest, cid: int, data: ReviewSubmitIn):
    claim = _claim(request, cid)
    review = _own_review(request, claim)
    review_services.review_submit(
        actor=request.actor, review=review, decision=data.decision, opinion=data.opinion
    )
    return _view(request, claim)


@router.post("/claims/{int:cid}/payments", response={201: ClaimViewOut, **ERR}, summary="登记支付")
def payment_record(request: HttpRequest, cid: int, data: PaymentIn):
    claim = _claim(request, cid)
    claim_services.payment_record(
        actor=request.actor,
        claim=claim,
        amount=data.amount,
        paid_on=data.paid_on,
        reference=data.reference,
    )
    return Status(201, _view(request, claim))
