"""竣工结算 over the API (/api/v1/cost/settlement/...): the actor's final accounts, one with its
totals, signatures and final payment, its lines page by page; the contract's settlement
terms, drafting, final quantities, manual lines, the steps (submit, owner review, confirm,
sign), payments; stage settlements. The audit's own routes are cost_audit's. Writes check the
grant first (403) before the body is read (400)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field as NField
from ninja import Query, Router, Schema, Status

from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.cost.settlement import closing, selectors, services, stages
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine, StageSettlement
from jianguan.cost.settlement.schemas import (
    FaActionIn,
    FaDetail,
    FaLineIn,
    FaLineRead,
    FaPaymentIn,
    FaQuantitiesIn,
    FaRead,
    FaStageDecisionIn,
    FaStageIn,
    FaStageRead,
    FaTermsIn,
    FaTermsRead,
)

router = Router(tags=["竣工结算"])


class FaPage(Schema):
    offset: int = NField(0, ge=0, le=10**7)
    limit: int = NField(500, ge=1, le=5000)


def fa_read(a: FinalAccount) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "contract_id": a.contract_id,
        "contract_number": a.contract.number,
        "project_id": a.project_id,
        "project_name": a.project.name,
        "status": a.status,
        "status_label": wf.STATUSES[a.status],
        "submitted_amount": a.submitted_amount,
        "audited_amount": a.audited_amount,
        "settled_amount": a.settled_amount,
        "completion_date": a.completion_date,
        "submit_due_on": a.submit_due_on,
        "review_due_on": a.review_due_on,
        "silence_consequence": a.silence_consequence,
        "silence_consequence_label": wf.SILENCE_CONSEQUENCES.get(a.silence_consequence, ""),
        "owner_decision": a.owner_decision,
        "owner_decision_label": wf.OWNER_DECISIONS.get(a.owner_decision, ""),
        "owner_opinion": a.owner_opinion,
        "report_reference": a.report_reference,
    }


def fa_detail(a: FinalAccount) -> dict:
    claimed = services._kind_totals(a)
    settled = services._kind_totals(a, "settled_amount") if a.audited_amount is not None else {}
    signed = {s.party: s for s in a.signatures.select_related("organisation")}
    return {
        **fa_read(a),
        "totals": [
            {"kind": k, "label": wf.SOURCE_KINDS[k], "claimed": v, "settled": settled.get(k)}
            for k, v in claimed.items()
        ],
        "signatures": [
            {
                "party": p,
                "party_label": wf.PARTIES[p],
                "organisation_name": signed[p].organisation.name if p in signed else None,
                "signed_at": signed[p].signed_at if p in signed else None,
            }
            for p in closing.required_parties(a)
        ],
        "paid_to_date": a.paid_to_date,
        "advance_recovered": a.advance_recovered,
        "retention_held": a.retention_held,
        "advance_outstanding": a.advance_outstanding,
        "final_balance": a.final_balance,
        "remaining": closing.remaining(a),
        "refund_due_on": a.refund_due_on,
        "payments": [
            {
                "direction": p.direction,
                "direction_label": wf.PAYMENT_DIRECTIONS[p.direction],
                "amount": p.amount,
                "paid_on": p.paid_on,
                "reference": p.reference,
            }
            for p in a.payments.all()
        ],
    }


def _account(request: HttpRequest, account_id: str) -> FinalAccount:
    return selectors.account_get(actor=request.actor, pk=path_id(account_id, "竣工结算"))


def _contract(request: HttpRequest, cid: str):
    pk = path_id(cid, "合同")
    contract = selectors.contracts_for_settlement(request.actor).filter(pk=pk).first()
    if contract is None:
        raise NotFound("合同不存在", code="not_found")
    return contract


def _quantities(items) -> dict[str, str]:
    out: dict[str, str] = {}
    for q in items:
        if q.code in out:
            raise ValidationFailed(f"项目编码 {q.code} 重复", code="duplicate_code")
        out[q.code] = q.quantity
    return out


@router.get(
    "/settlement/accounts",
    response={200: list[FaRead], **ERR},
    auth=permitted("cost_settlement.view"),
    summary="竣工结算列表",
)
def account_list(request: HttpRequest):
    rows = selectors.accounts_visible_to(request.actor).order_by("-pk")[:500]
    return [fa_read(a) for a in rows]


@router.get(
    "/settlement/accounts/{account_id}",
    response={200: FaDetail, **ERR},
    auth=permitted("cost_settlement.view"),
    summary="竣工结算（汇总、签署、结算款）",
)
def account_get(request: HttpRequest, account_id: str):
    return fa_detail(_account(request, account_id))


@router.get(
    "/settlement/accounts/{account_id}/lines",
    response={200: list[FaLineRead], **ERR},
    auth=permitted("cost_settlement.view"),
    summary="竣工结算明细（分页）",
)
def account_lines(request: HttpRequest, account_id: str, page: Query[FaPage]):
    account = _account(request, account_id)
    rows = FinalAccountLine.objects.filter(account=account).order_by("sequence")
    return [
        {
            **{
                f: getattr(x, f)
                for f in (
                    "sequence",
                    "source_kind",
                    "source_id",
                    "code",
                    "name",
                    "unit",
                    "contract_quantity",
                    "quantity",
                    "unit_rate",
                    "claimed_amount",
                    "settled_amount",
                    "stage_settled",
                    "note",
                )
            },
            "id": x.pk,
            "source_kind_label": wf.SOURCE_KINDS[x.source_kind],
        }
        for x in rows[page.offset : page.offset + page.limit]
    ]


@router.put(
    "/settlement/contracts/{cid}/terms",
    response={200: FaTermsRead, **ERR},
    auth=permitted("cost_settlement.review"),
    summary="发包人约定结算条款（逾期未答复的后果、提交期限、材料风险幅度）",
)
def terms_set(request: HttpRequest, cid: str, data: FaTermsIn):
    contract = _contract(request, cid)
    services.settlement_terms_set(
        actor=request.actor,
        contract=contract,
        silence_consequence=data.silence_consequence,
        submit_days=data.submit_days,
        material_risk_band=data.material_risk_band,
    )
    terms = services.terms_for(contract)
    return {
        "contract_id": contract.pk,
        "silence_consequence": terms.silence_consequence,
        "silence_consequence_label": wf.SILENCE_CONSEQUENCES[terms.silence_consequence],
        "submit_days": terms.submit_days,
        "material_risk_band": terms.material_risk_band,
    }


@router.post(
    "/settlement/contracts/{cid}/account",
    response={201: FaDetail, **ERR},
    auth=permitted("cost_settlement.prepare"),
    summary="承包人编制竣工结算（竣工验收后，由合同清单、已批准变更签证与过程结算生成）",
)
def account_create(request: HttpRequest, cid: str):
    contract = _contract(request, cid)
    account = services.final_account_create(actor=request.actor, contract=contract)
    return Status(201, fa_detail(selectors.account_get(actor=request.actor, pk=account.pk)))


@router.post(
    "/settlement/accounts/{account_id}/quantities",
    response={200: FaDetail, **ERR},
    auth=permitted("cost_settlement.prepare"),
    summary="填写结算工程量（按项目编码；清单外的编码整体拒绝）",
)
def quantities_set(request: HttpRequest, account_id: str, data: FaQuantitiesIn):
    account = _account(request, account_id)
    services.final_account_quantities_set(
        actor=request.actor, account=account, quantities=_quantities(data.quantities)
    )
    return fa_detail(_account(request, account_id))


@router.post(
    "/settlement/accounts/{account_id}/lines",
    response={201: FaLineRead, **ERR},
    auth=permitted("cost_settlement.prepare"),
    summary="增加索赔、材料调差（超出风险幅度部分）或扣减项",
)
def line_add(request: HttpRequest, account_id: str, data: FaLineIn):
    account = _account(request, account_id)
    x = services.final_account_line_add(
        actor=request.actor,
        account=account,
        kind=data.kind,
        name=data.name,
        amount=data.amount,
        base_price=data.base_price,
        market_price=data.market_price,
        quantity=data.quantity,
        unit=data.unit,
        note=data.note,
    )
    return Status(201, account_lines_one(x))


def account_lines_one(x: FinalAccountLine) -> dict:
    return {
        "id": x.pk,
        "sequence": x.sequence,
        "source_kind": x.source_kind,
        "source_kind_label": wf.SOURCE_KINDS[x.source_kind],
        "source_id": x.source_id,
        "code": x.code,
        "name": x.name,
        "unit": x.unit,
        "contract_quantity": x.contract_quantity,
        "quantity": x.quantity,
        "unit_rate": x.unit_rate,
        "claimed_amount": x.claimed_amount,
        "settled_amount": x.settled_amount,
        "stage_settled": x.stage_settled,
        "note": x.note,
    }


@router.delete(
    "/settlement/accounts/{account_id}/lines/{line_id}",
    response={204: None, **ERR},
    auth=permitted("cost_settlement.prepare"),
    summary="删除手工增加的明细",
)
def line_remove(request: HttpRequest, account_id: str, line_id: str):
    account = _account(request, account_id)
    line = FinalAccountLine.objects.filter(account=account, pk=path_id(line_id, "结算明细")).first()
    if line is None:
        raise NotFound("结算明细不存在", code="not_found")
    services.final_account_line_remove(actor=request.actor, line=line)
    return Status(204, None)


@router.post(
    "/settlement/accounts/{account_id}/actions",
    response={200: FaDetail, **ERR},
    auth=permitted("cost_settlement.view"),
    summary="办理：承包人提交、发包人审核（通过/退回）、发包人确认结算金额、各方签署",
)
def account_act(request: HttpRequest, account_id: str, data: FaActionIn):
    account = _account(request, account_id)
    actor = request.actor
    if data.action == "submit":
        services.final_account_submit(actor=actor, account=account)
    elif data.action in ("accept", "return"):
        services.final_account_owner_review(
            actor=actor, account=account, decision=data.action, opinion=data.opinion
        )
    elif data.action == "confirm":
        services.final_account_confirm(actor=actor, account=account)
    elif data.action == "sign":
        closing.final_account_sign(actor=actor, account=account)
    else:
        raise ValidationFailed("未知的操作", code="unknown_action")
    return fa_detail(_account(request, account_id))


@router.post(
    "/settlement/accounts/{account_id}/payments",
    response={201: FaDetail, **ERR},
    auth=permitted("cost_settlement.pay"),
    summary="登记结算尾款支付或超付款退还（不超过结算尚余金额）",
)
def payment_record(request: HttpRequest, account_id: str, data: FaPaymentIn):
    account = _account(request, account_id)
    closing.settlement_payment_record(
        actor=request.actor,
        account=account,
        amount=data.amount,
        paid_on=data.paid_on,
        reference=data.reference,
    )
    return Status(201, fa_detail(_account(request, account_id)))


def stage_read(s: StageSettlement) -> dict:
    return {
        "id": s.pk,
        "number": s.number,
        "contract_id": s.contract_id,
        "period_start": s.period_start,
        "period_end": s.period_end,
        "status": s.status,
        "status_label": wf.STAGE_STATUSES[s.status],
        "amount": s.amount,
        "lines": [
            {
                "code": x.boq_item.code,
                "name": x.boq_item.name,
                "quantity": x.quantity,
                "unit_rate": x.unit_rate,
                "amount": x.amount,
            }
            for x in s.lines.select_related("boq_item")
        ],
    }


@router.get(
    "/settlement/stages",
    response={200: list[FaStageRead], **ERR},
    auth=permitted("cost_settlement.view"),
    summary="过程结算列表",
)
def stage_list(request: HttpRequest):
    rows = selectors.stages_visible_to(request.actor).order_by("-pk")[:200]
    return [stage_read(s) for s in rows]


@router.post(
    "/settlement/contracts/{cid}/stages",
    response={201: FaStageRead, **ERR},
    auth=permitted("cost_settlement.prepare"),
    summary="承包人申报过程结算（本期已完成且无争议的清单工程量）",
)
def stage_submit(request: HttpRequest, cid: str, data: FaStageIn):
    contract = _contract(request, cid)
    stage = stages.stage_settlement_submit(
        actor=request.actor,
        contract=contract,
        period_start=data.period_start,
        period_end=data.period_end,
        quantities=_quantities(data.quantities),
    )
    return Status(201, stage_read(stage))


@router.post(
    "/settlement/stages/{stage_id}/decision",
    response={200: FaStageRead, **ERR},
    auth=permitted("cost_settlement.review"),
    summary="发包人确认或不同意过程结算",
)
def stage_decide(request: HttpRequest, stage_id: str, data: FaStageDecisionIn):
    stage = selectors.stage_get(actor=request.actor, pk=path_id(stage_id, "过程结算"))
    stage = stages.stage_settlement_decide(
        actor=request.actor, stage=stage, agree=data.agree, opinion=data.opinion
    )
    return stage_read(stage)
