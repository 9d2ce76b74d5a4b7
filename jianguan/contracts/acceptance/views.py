"""Page: the contract's acceptance tree (unit → division → sub-division → lot) with the add
form, self-check and decision buttons for the right parties, links to rectification orders,
and the five-party completion panel (POST `action=add` / `action=sign` to the page itself)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.compliance.models import RectificationOrder
from jianguan.contracts import selectors, workflow
from jianguan.contracts.acceptance import services
from jianguan.contracts.models import AcceptanceItem, Contract
from jianguan.contracts.services.common import is_party
from jianguan.core.api_params import path_id
from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.projects.models import CompletionSignature, ProjectLead
from jianguan.projects.workflow import FIVE_PARTIES, completion_date

PARTY_LABELS = {
    "owner": "建设单位",
    "surveyor": "勘察单位",
    "designer": "设计单位",
    "general_contractor": "施工单位",
    "supervisor": "监理单位",
}


def _contract(request: HttpRequest, pk: int) -> Contract:
    """The visible contract, or for a project's five-party lead (surveyor, designer) who is
    no party of the contract, the contract so that it may sign the completion record."""
    pk = path_id(str(pk), "合同")
    try:
        return selectors.contract_get_visible(actor=request.actor, pk=pk)
    except NotFound:
        c = Contract.objects.select_related("project").filter(pk=pk).first()
        if c is None or not services.signing_parties(request.actor, c):
            raise
        return c


def _item(request: HttpRequest, aid: int) -> AcceptanceItem:
    return selectors.acceptance_item_get_visible(
        actor=request.actor, pk=path_id(str(aid), "验收项")
    )


def _rows(c: Contract) -> list[dict]:
    items = list(AcceptanceItem.objects.filter(contract=c).order_by("code"))
    kids: dict[int | None, list[AcceptanceItem]] = {}
    for item in items:
        kids.setdefault(item.parent_id, []).append(item)
    orders = {
        o.pk: o
        for o in RectificationOrder.objects.filter(pk__in=[i.order_id for i in items if i.order_id])
    }
    rows: list[dict] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for item in kids.get(parent_id, []):
            children = kids.get(item.pk, [])
            rows.append(
                {
                    "item": item,
                    "depth": depth,
                    "indent": depth * 1.5,
                    "children": len(children),
                    "children_accepted": sum(
                        1 for k in children if k.status == workflow.A_ACCEPTED
                    ),
                    "order": orders.get(item.order_id),
                    "child_level": workflow.child_level(item.level),
                    "blocker": services.recheck_blocker(item),
                }
            )
            walk(item.pk, depth + 1)

    walk(None, 0)
    return rows


def _render(request, c: Contract, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    party = selectors.contract_list_visible_to(actor=actor).filter(pk=c.pk).exists()
    sigs = {
        s.party: s
        for s in CompletionSignature.objects.filter(project_id=c.project_id).select_related(
            "lead__person"
        )
    }
    leads = {
        lead.party: lead
        for lead in ProjectLead.objects.filter(
            project_id=c.project_id, ended_on__isnull=True
        ).select_related("organisation", "person")
    }
    total, accepted = services.units_state(c)
    mine = [p for p in services.signing_parties(actor, c) if p not in sigs]
    ctx = {
        "c": c,
        "tab": "acceptance",
        "rows": _rows(c) if party else [],
        "levels": workflow.ACCEPTANCE_LEVELS,
        "units": total,
        "units_accepted": accepted,
        "may_add": party
        and c.status in workflow.IN_FORCE
        and (actor.can("contracts.self_check") or actor.can("contracts.accept"))
        and is_party(actor, c, "contractor", "supervisor"),
        "may_self_check": actor.can("contracts.self_check") and is_party(actor, c, "contractor"),
        "may_accept": actor.can("contracts.accept") and is_party(actor, c, "supervisor"),
        "signatures": [
            {"party": p, "label": PARTY_LABELS[p], "sig": sigs.get(p), "lead": leads.get(p)}
            for p in FIVE_PARTIES
        ],
        "completion_date": completion_date({p: s.signed_on for p, s in sigs.items()}),
        "may_sign": bool(mine)
        and actor.can("projects.sign_completion")
        and c.kind == "main"
        and total > 0
        and accepted == total,
        "my_parties": [PARTY_LABELS[p] for p in mine],
        "today": today_local(),
        "error": error,
        "post": request.POST if request.method == "POST" else {},
    }
    return render(request, "contracts/acceptance.html", ctx, status=status)


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise ValidationFailed("签字日期格式不正确，应为 年-月-日", code="bad_date") from None


@require_http_methods(["GET", "POST"])
@permission_required("contracts.view")
def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    c = _contract(request, pk)
    if request.method == "GET":
        return _render(request, c)
    post = request.POST
    action = post.get("action")
    try:
        if action == "sign":
            result = services.completion_acceptance_sign(
                actor=request.actor, contract=c, signed_on=_date(post.get("signed_on", ""))
            )
            if result["completion_date"]:
                messages.success(
                    request, f"五方均已签署竣工验收记录，竣工日期为 {result['completion_date']}"
                )
            else:
                messages.success(request, "已签署竣工验收记录")
        elif action == "add":
            selectors.contract_get_visible(actor=request.actor, pk=c.pk)
            parent = None
            raw = str(post.get("parent", "")).strip()
            if raw:
                parent = AcceptanceItem.objects.filter(
                    pk=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0,
                    contract=c,
                ).first()
                if parent is None:
                    raise ValidationFailed("上级验收项不存在", code="parent_not_found")
            item = services.acceptance_item_add(
                actor=request.actor,
                contract=c,
                level=str(post.get("level", "")),
                code=str(post.get("code", "")),
                name=str(post.get("name", "")),
                parent=parent,
            )
            messages.success(request, f"已添加{item.get_level_display()} {item.code}")
        else:
            raise ValidationFailed("未知的操作", code="unknown_action")
    except DomainError as exc:
        return _render(request, c, error=exc.message, status=exc.status)
    return redirect("contracts:acceptance", pk=c.pk)


@require_POST
@permission_required("contracts.self_check")
def self_check(request: HttpRequest, aid: int) -> HttpResponse:
    item = _item(request, aid)
    try:
        services.acceptance_self_check(
            actor=request.actor, item=item, note=str(request.POST.get("note", ""))
        )
    except DomainError as exc:
        return _render(request, item.contract, error=exc.message, status=exc.status)
    messages.success(request, f"{item.code} 已自检合格，报监理验收")
    return redirect("contracts:acceptance", pk=item.contract_id)


@require_POST
@permission_required("contracts.accept")
def decide(request: HttpRequest, aid: int) -> HttpResponse:
    item = _item(request, aid)
    passed = request.POST.get("passed") == "1"
    try:
        item = services.acceptance_decide(
            actor=request.actor,
            item=item,
            passed=passed,
            opinion=str(request.POST.get("opinion", "")),
            severity=str(request.POST.get("severity", "general")),
        )
    except DomainError as exc:
        return _render(request, _item(request, aid).contract, error=exc.message, status=exc.status)
    if passed:
        messages.success(request, f"{item.code} 验收合格")
    else:
        order = RectificationOrder.objects.filter(pk=item.order_id).first()
        messages.success(
            request, f"{item.code} 验收不合格，已下达整改通知单 {order.number if order else ''}"
        )
    return redirect("contracts:acceptance", pk=item.contract_id)
