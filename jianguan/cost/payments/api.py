"""预付款与质量保证金 over the API (/api/v1/cost/payments/...): a contract's overview, the
recovery terms, the advance (request, decision, payment), holds on the retention and its
release (request, confirmation, payment). Writes check the grant first (403) before the body
is read (400); each answers with the contract's overview."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router, Status

from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.cost.payments import selectors, services
from jianguan.cost.payments import workflow as wf
from jianguan.cost.payments.schemas import (
    CpAdvanceIn,
    CpDecisionIn,
    CpHoldIn,
    CpOverview,
    CpPaymentIn,
    CpReleaseIn,
    CpTermsIn,
)

router = Router(tags=["预付款与质量保证金"])


def _s(v) -> str:
    return f"{v:.2f}" if v is not None else "0.00"


def overview_out(contract) -> dict:
    d = selectors.overview(contract)
    a, t, f = d["advance"], d["terms"], d["retention"]
    return {
        "contract_id": contract.pk,
        "contract_number": contract.number,
        "price": _s(contract.price),
        "advance_ratio": str(contract.advance_ratio),
        "advance_limit": _s(d["advance_limit"]),
        "position": {k: _s(v) for k, v in asdict(d["position"]).items()},
        "terms": {
            "start_ratio": str(t.start_ratio),
            "rate": str(t.rate),
            "defects_period_months": t.defects_period_months,
        }
        if t
        else None,
        "advance": {
            "id": a.pk,
            "amount": _s(a.amount),
            "status": a.status,
            "status_label": wf.ADVANCE_STATUSES[a.status],
            "guarantee_number": a.guarantee_number,
            "guarantee_issuer": a.guarantee_issuer,
            "guarantee_amount": _s(a.guarantee_amount),
            "guarantee_outstanding": _s(a.guarantee_outstanding),
            "guarantee_expires_on": a.guarantee_expires_on,
            "recovered": _s(a.recovered),
            "due_on": a.due_on,
            "paid_on": a.paid_on,
            "opinion": a.opinion,
        }
        if a
        else None,
        "recoveries": [
            {
                "claim_id": r.claim_id,
                "claim_number": r.claim.number,
                "sequence": r.claim.sequence,
                "payable_amount": _s(r.claim.payable_amount),
                "amount": _s(r.amount),
                "net_payable": _s(r.net),
                "cumulative": _s(r.cumulative),
            }
            for r in d["recoveries"]
        ],
        "retention": {
            "form": contract.retention_form,
            "form_label": contract.get_retention_form_display(),
            "ratio": str(contract.retention_ratio),
            **{k: _s(f[k]) for k in ("held", "released", "holds", "pending", "releasable")},
            "completed_on": d["completed_on"],
            "defects_period_end": d["period_end"],
            "open_findings": d["open_findings"],
        },
        "holds": [
            {
                "id": h.pk,
                "amount": _s(h.amount),
                "reason": h.reason,
                "status": h.status,
                "status_label": wf.HOLD_STATUSES[h.status],
            }
            for h in d["holds"]
        ],
        "releases": [
            {
                "id": r.pk,
                "amount": _s(r.amount),
                "status": r.status,
                "status_label": wf.RELEASE_STATUSES[r.status],
                "confirm_due_on": r.confirm_due_on,
                "pay_due_on": r.pay_due_on,
                "paid_on": r.paid_on,
                "opinion": r.opinion,
            }
            for r in d["releases"]
        ],
    }


def _contract(request: HttpRequest, cid: str):
    return selectors.contract_for(actor=request.actor, pk=path_id(cid, "合同"))


@router.get(
    "/payments/contracts/{cid}",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.view"),
    summary="合同的预付款与质量保证金",
)
def overview(request: HttpRequest, cid: str):
    return overview_out(_contract(request, cid))


@router.put(
    "/payments/contracts/{cid}/terms",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.decide"),
    summary="约定预付款扣回方式与缺陷责任期（发包人）",
)
def terms_set(request: HttpRequest, cid: str, data: CpTermsIn):
    contract = _contract(request, cid)
    services.advance_terms_set(actor=request.actor, contract=contract, **data.dict())
    return overview_out(contract)


@router.post(
    "/payments/contracts/{cid}/advance",
    response={201: CpOverview, **ERR},
    auth=permitted("cost_payments.request"),
    summary="申请预付款（附预付款保函，承包人）",
)
def advance_request(request: HttpRequest, cid: str, data: CpAdvanceIn):
    contract = _contract(request, cid)
    services.advance_request(actor=request.actor, contract=contract, **data.dict())
    return Status(201, overview_out(contract))


@router.post(
    "/payments/advances/{aid}/decision",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.decide"),
    summary="审批预付款（发包人）",
)
def advance_decide(request: HttpRequest, aid: str, data: CpDecisionIn):
    advance = selectors.advance_get(actor=request.actor, pk=path_id(aid, "预付款"))
    services.advance_decide(
        actor=request.actor, advance=advance, approve=data.approve, opinion=data.opinion
    )
    return overview_out(advance.contract)


@router.post(
    "/payments/advances/{aid}/payment",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.pay"),
    summary="登记预付款支付（财政部门）",
)
def advance_pay(request: HttpRequest, aid: str, data: CpPaymentIn):
    advance = selectors.advance_get(actor=request.actor, pk=path_id(aid, "预付款"))
    services.advance_pay(
        actor=request.actor, advance=advance, paid_on=data.paid_on, reference=data.reference
    )
    return overview_out(advance.contract)


@router.post(
    "/payments/contracts/{cid}/holds",
    response={201: CpOverview, **ERR},
    auth=permitted("cost_payments.decide"),
    summary="暂扣质量保证金（未处理的缺陷或索赔，发包人）",
)
def hold_add(request: HttpRequest, cid: str, data: CpHoldIn):
    contract = _contract(request, cid)
    services.retention_hold_add(
        actor=request.actor, contract=contract, amount=data.amount, reason=data.reason
    )
    return Status(201, overview_out(contract))


@router.post(
    "/payments/holds/{hid}/lift",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.decide"),
    summary="解除质量保证金暂扣（发包人）",
)
def hold_lift(request: HttpRequest, hid: str):
    hold = selectors.hold_get(actor=request.actor, pk=path_id(hid, "暂扣记录"))
    services.retention_hold_lift(actor=request.actor, hold=hold)
    return overview_out(hold.contract)


@router.post(
    "/payments/contracts/{cid}/releases",
    response={201: CpOverview, **ERR},
    auth=permitted("cost_payments.request"),
    summary="申请返还质量保证金（缺陷责任期届满后，承包人）",
)
def release_request(request: HttpRequest, cid: str, data: CpReleaseIn):
    contract = _contract(request, cid)
    services.retention_release_request(actor=request.actor, contract=contract, amount=data.amount)
    return Status(201, overview_out(contract))


@router.post(
    "/payments/releases/{rid}/decision",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.decide"),
    summary="核实并确认返还质量保证金（发包人）",
)
def release_decide(request: HttpRequest, rid: str, data: CpDecisionIn):
    release = selectors.release_get(actor=request.actor, pk=path_id(rid, "返还申请"))
    services.retention_release_decide(
        actor=request.actor, release=release, approve=data.approve, opinion=data.opinion
    )
    return overview_out(release.contract)


@router.post(
    "/payments/releases/{rid}/payment",
    response={200: CpOverview, **ERR},
    auth=permitted("cost_payments.pay"),
    summary="登记质量保证金返还支付（财政部门）",
)
def release_pay(request: HttpRequest, rid: str, data: CpPaymentIn):
    release = selectors.release_get(actor=request.actor, pk=path_id(rid, "返还申请"))
    services.retention_release_pay(
        actor=request.actor, release=release, paid_on=data.paid_on, reference=data.reference
    )
    return overview_out(release.contract)
