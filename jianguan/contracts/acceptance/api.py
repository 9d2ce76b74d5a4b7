"""质量验收 API: the acceptance tree of a contract (unit → division → sub-division → lot), adding
items, the contractor's self-check, the supervisor's decision (a failure opens a rectification
order) and the five-party completion signatures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from jianguan.contracts import selectors, workflow
from jianguan.contracts.acceptance import services
from jianguan.contracts.models import AcceptanceItem, Contract
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require
from jianguan.projects.models import CompletionSignature
from jianguan.projects.workflow import FIVE_PARTIES, completion_date

router = Router(tags=["合同与支付"])


class ItemIn(Schema):
    level: Literal["unit", "division", "subdivision", "lot"]
    code: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    parent_id: Annotated[int, Field(ge=1, le=2**62)] | None = None


class SelfCheckIn(Schema):
    note: Annotated[str, Field(max_length=500)] = ""


class AcceptanceDecisionIn(Schema):
    passed: bool
    opinion: Annotated[str, Field(max_length=500)] = ""
    severity: Literal["general", "major", "serious"] = "general"


class SignIn(Schema):
    signed_on: dt.date


class ItemOut(Schema):
    id: int
    parent_id: int | None
    level: str
    code: str
    name: str
    status: str
    status_label: str
    self_checked_by: str
    self_checked_at: dt.datetime | None
    accepted_by: str
    accepted_at: dt.datetime | None
    opinion: str
    order_id: int | None


class SignatureOut(Schema):
    party: str
    signed_on: dt.date | None


class TreeOut(Schema):
    contract_id: int
    items: list[ItemOut]
    units: int
    units_accepted: int
    signatures: list[SignatureOut]
    completion_date: dt.date | None


def item_out(item: AcceptanceItem) -> dict:
    return {
        "id": item.pk,
        "parent_id": item.parent_id,
        "level": item.level,
        "code": item.code,
        "name": item.name,
        "status": item.status,
        "status_label": workflow.ACCEPTANCE_STATUSES.get(item.status, item.status),
        "self_checked_by": item.self_checked_by,
        "self_checked_at": item.self_checked_at,
        "accepted_by": item.accepted_by,
        "accepted_at": item.accepted_at,
        "opinion": item.opinion,
        "order_id": item.order_id,
    }


def tree(contract: Contract) -> dict:
    """Items depth-first (each unit followed by its descendants), counts and the signatures."""
    items = list(AcceptanceItem.objects.filter(contract=contract).order_by("code"))
    kids: dict[int | None, list[AcceptanceItem]] = {}
    for item in items:
        kids.setdefault(item.parent_id, []).append(item)
    ordered: list[AcceptanceItem] = []

    def walk(parent_id: int | None) -> None:
        for item in kids.get(parent_id, []):
            ordered.append(item)
            walk(item.pk)

    walk(None)
    total, accepted = services.units_state(contract)
    signed = dict(
        CompletionSignature.objects.filter(project_id=contract.project_id).values_list(
            "party", "signed_on"
        )
    )
    return {
        "contract_id": contract.pk,
        "items": [item_out(i) for i in ordered],
        "units": total,
        "units_accepted": accepted,
        "signatures": [{"party": p, "signed_on": signed.get(p)} for p in FIVE_PARTIES],
        "completion_date": completion_date(signed),
    }


def contract_for(request: HttpRequest, contract_id: int, *, signing: bool = False) -> Contract:
    """The visible contract; for signing, also a project's five-party lead (surveyor, designer)
    who is not a party of the contract itself."""
    require(request.actor, "contracts.view")
    pk = path_id(str(contract_id), "合同")
    try:
        return selectors.contract_get_visible(actor=request.actor, pk=pk)
    except NotFound:
        contract = Contract.objects.select_related("project").filter(pk=pk).first()
        if not signing or contract is None or not services.signing_parties(request.actor, contract):
            raise
        return contract


def item_for(request: HttpRequest, aid: int) -> AcceptanceItem:
    require(request.actor, "contracts.view")
    return selectors.acceptance_item_get_visible(
        actor=request.actor, pk=path_id(str(aid), "验收项")
    )


@router.get(
    "/{int:contract_id}/acceptance",
    response={200: TreeOut, **ERR},
    summary="质量验收树（单位工程 → 分部 → 分项 → 检验批）及五方竣工验收签字",
)
def acceptance_tree(request: HttpRequest, contract_id: int):
    return tree(contract_for(request, contract_id))


@router.post(
    "/{int:contract_id}/acceptance",
    response={201: ItemOut, **ERR},
    summary="划分验收项（施工单位或监理单位）",
)
def acceptance_add(request: HttpRequest, contract_id: int, data: ItemIn):
    c = contract_for(request, contract_id)
    parent = None
    if data.parent_id is not None:
        parent = AcceptanceItem.objects.filter(pk=data.parent_id, contract=c).first()
        if parent is None:
            raise NotFound("上级验收项不存在", code="parent_not_found")
    item = services.acceptance_item_add(
        actor=request.actor,
        contract=c,
        level=data.level,
        code=data.code,
        name=data.name,
        parent=parent,
    )
    return Status(201, item_out(item))


@router.post(
    "/acceptance/{int:aid}/self-check",
    response={200: ItemOut, **ERR},
    summary="施工单位自检合格，报监理验收",
)
def acceptance_self_check(request: HttpRequest, aid: int, data: SelfCheckIn):
    item = item_for(request, aid)
    return item_out(services.acceptance_self_check(actor=request.actor, item=item, note=data.note))


@router.post(
    "/acceptance/{int:aid}/decision",
    response={200: ItemOut, **ERR},
    summary="监理验收（不合格时下达整改通知单）",
)
def acceptance_decision(request: HttpRequest, aid: int, data: AcceptanceDecisionIn):
    item = item_for(request, aid)
    item = services.acceptance_decide(
        actor=request.actor,
        item=item,
        passed=data.passed,
        opinion=data.opinion,
        severity=data.severity,
    )
    return item_out(item)


@router.post(
    "/{int:contract_id}/completion-signatures",
    response={201: TreeOut, **ERR},
    summary="五方责任主体签署竣工验收记录（单位工程全部验收合格后；最后一方签字日为竣工日期）",
)
def completion_signature(request: HttpRequest, contract_id: int, data: SignIn):
    c = contract_for(request, contract_id, signing=True)
    services.completion_acceptance_sign(actor=request.actor, contract=c, signed_on=data.signed_on)
    return Status(201, tree(c))
