"""竣工结算 pages: the actor's final accounts and stage settlements, a contract's settlement
page (terms, the account, stage settlements), the final account with the action of whoever
holds it, a stage settlement, and the Excel export in the GB 50500 layout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.cost.settlement import closing, selectors, services, stages, xlsx
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import FinalAccountLine

VIEW = "cost_settlement.view"
ID_MAX = 2**53


def _pk(pk: int) -> int:
    if not 0 < pk <= ID_MAX:
        raise NotFound("对象不存在", code="not_found")
    return pk


@require_GET
@permission_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, None)


def _index(request: HttpRequest, project_pk: int | None) -> HttpResponse:
    actor = request.actor
    accounts = selectors.accounts_visible_to(actor)
    stage_qs = selectors.stages_visible_to(actor)
    contracts = selectors.contracts_for_settlement(actor).select_related("project")
    project = None
    if project_pk is not None:
        from jianguan.projects.selectors import project_get_visible_to

        project = project_get_visible_to(actor=actor, pk=_pk(project_pk))
        accounts = accounts.filter(project=project)
        stage_qs = stage_qs.filter(contract__project=project)
        contracts = contracts.filter(project=project)
    ctx = {
        "project": project,
        "accounts": list(accounts.order_by("-pk")[:200]),
        "stages": list(stage_qs.order_by("-pk")[:200]),
        "contracts": list(contracts.order_by("-pk")[:200]),
        "statuses": wf.STATUSES,
    }
    return render(request, "cost_settlement/index.html", ctx)


@require_GET
@permission_required(VIEW)
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The final accounts and stage settlements of one project (its page's link)."""
    return _index(request, pk)


def _contract(request: HttpRequest, pk: int):
    c = selectors.contracts_for_settlement(request.actor).filter(pk=_pk(pk)).first()
    if c is None and request.actor.is_kind("regulator"):
        from jianguan.contracts.models import Contract

        c = Contract.objects.filter(pk=pk, kind="main").select_related("project").first()
    if c is None:
        raise NotFound("合同不存在或无权查看", code="not_found")
    return c


def _contract_ctx(request, contract, error=None) -> dict:
    actor = request.actor
    org = actor.organisation_id
    account = selectors.accounts_visible_to(actor).filter(contract=contract).first()
    return {
        "contract": contract,
        "account": account,
        "terms": services.terms_for(contract),
        "stages": list(selectors.stages_visible_to(actor).filter(contract=contract)),
        "consequences": wf.SILENCE_CONSEQUENCES,
        "is_owner": org == contract.employer_id and actor.can("cost_settlement.review"),
        "is_contractor": org == contract.contractor_id and actor.can("cost_settlement.prepare"),
        "completed": services.completion_date_of(contract.project),
        "error": error,
        "data": request.POST,
    }


@require_GET
@permission_required(VIEW)
def contract_page(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return render(request, "cost_settlement/contract.html", _contract_ctx(request, contract))


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(f"请填写{label}（年-月-日）", code="bad_date") from None


def _pairs(text: str, label: str) -> dict[str, str]:
    """'编码 数量' per line → {code: quantity}."""
    out: dict[str, str] = {}
    for raw in str(text or "").splitlines():
        parts = raw.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValidationFailed(
                f"每行填写“{label} 数值”，用空格分隔：{raw[:40]}", code="bad_row"
            )
        out[parts[0]] = parts[1]
    return out


@require_POST
@permission_required(VIEW)
def contract_act(request: HttpRequest, pk: int) -> HttpResponse:
    actor, data = request.actor, request.POST
    contract = _contract(request, pk)
    action = data.get("action", "")
    try:
        if action == "create":
            account = services.final_account_create(actor=actor, contract=contract)
            return redirect("cost_settlement:account", account.pk)
        if action == "terms":
            services.settlement_terms_set(
                actor=actor,
                contract=contract,
                silence_consequence=data.get("silence_consequence", ""),
                submit_days=int(data["submit_days"])
                if data.get("submit_days", "").isdigit()
                else None,
                material_risk_band=(
                    Decimal(data["band_percent"]) / 100
                    if data.get("band_percent", "").replace(".", "", 1).isdigit()
                    else None
                ),
            )
        elif action == "stage":
            stage = stages.stage_settlement_submit(
                actor=actor,
                contract=contract,
                period_start=_date(data.get("period_start", ""), "结算周期起"),
                period_end=_date(data.get("period_end", ""), "结算周期止"),
                quantities=_pairs(data.get("quantities", ""), "项目编码 工程量"),
            )
            return redirect("cost_settlement:stage", stage.pk)
        else:
            raise ValidationFailed("未知的操作", code="unknown_action")
    except DomainError as exc:
        ctx = _contract_ctx(request, contract, exc)
        return render(request, "cost_settlement/contract.html", ctx, status=exc_status(exc))
    return redirect("cost_settlement:contract", contract.pk)


def exc_status(exc: DomainError) -> int:
    from jianguan.core.errors import Conflict, PermissionDenied

    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, NotFound):
        return 404
    return 409 if isinstance(exc, Conflict) else 400


def _opinions(contract) -> list:
    """The tracking auditor's opinions on this contract (cost_control), where that app has them."""
    try:
        from jianguan.cost.control.gates import opinions_for_contract
    except ImportError:
        return []
    return list(opinions_for_contract(contract))


def _account_ctx(request, account, error=None) -> dict:
    actor = request.actor
    org = actor.organisation_id
    c = account.contract
    lines = FinalAccountLine.objects.filter(account=account).order_by("sequence")
    page = Paginator(lines, 200).get_page(request.GET.get("page"))
    totals = services._kind_totals(account)
    settled_totals = (
        services._kind_totals(account, "settled_amount")
        if account.audited_amount is not None
        else {}
    )
    signed = {s.party: s for s in account.signatures.select_related("organisation")}
    parties = closing.required_parties(account)
    my_party = closing.party_of(actor, account)
    return {
        "account": account,
        "contract": c,
        "page": page,
        "summary": [
            (wf.SOURCE_KINDS[k], totals.get(k), settled_totals.get(k))
            for k in xlsx.SUMMARY_ORDER
            if k in totals
        ],
        "signatures": [(wf.PARTIES[p], signed.get(p)) for p in parties],
        "may_sign": account.status == wf.CONFIRMED
        and my_party is not None
        and my_party not in signed
        and actor.can("cost_settlement.sign"),
        "is_owner": org == c.employer_id and actor.can("cost_settlement.review"),
        "is_contractor": org == c.contractor_id and actor.can("cost_settlement.prepare"),
        "is_auditor": org in (c.auditor_id, c.finance_bureau_id)
        and actor.can("cost_settlement.audit"),
        "is_payer": org in (c.employer_id, c.finance_bureau_id)
        and actor.can("cost_settlement.pay"),
        "remaining": closing.remaining(account),
        "reduction_rate": (
            (account.submitted_amount - account.audited_amount) / account.submitted_amount
            if account.audited_amount is not None and account.submitted_amount
            else None
        ),
        "payments": list(account.payments.all()),
        "opinions": _opinions(c),
        "manual_kinds": {k: wf.SOURCE_KINDS[k] for k in wf.MANUAL_KINDS},
        "today": today_local(),
        "error": error,
        "data": request.POST,
        "wf": wf,
    }


@require_GET
@permission_required(VIEW)
def account_page(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.actor, pk=_pk(pk))
    return render(request, "cost_settlement/account.html", _account_ctx(request, account))


def _settled_map(text: str) -> dict[int, str]:
    """'序号 审定金额' per line → {line id: amount}."""
    return {int(k): v for k, v in _pairs(text, "序号 审定金额").items() if k.isdigit()}


@require_POST
@permission_required(VIEW)
def account_act(request: HttpRequest, pk: int) -> HttpResponse:
    actor, data = request.actor, request.POST
    account = selectors.account_get(actor=actor, pk=_pk(pk))
    action = data.get("action", "")
    try:
        if action == "quantities":
            services.final_account_quantities_set(
                actor=actor,
                account=account,
                quantities=_pairs(data.get("quantities", ""), "项目编码 工程量"),
            )
        elif action == "add_line":
            services.final_account_line_add(
                actor=actor,
                account=account,
                kind=data.get("kind", ""),
                name=data.get("name", ""),
                amount=data.get("amount") or None,
                base_price=data.get("base_price") or None,
                market_price=data.get("market_price") or None,
                quantity=data.get("quantity") or None,
                unit=data.get("unit", ""),
                note=data.get("note", ""),
            )
        elif action == "remove_line":
            line = FinalAccountLine.objects.filter(
                account=account,
                pk=int(data.get("line") or 0) if str(data.get("line", "")).isdigit() else 0,
            ).first()
            if line is None:
                raise ValidationFailed("本结算中没有该明细", code="line_not_in_account")
            services.final_account_line_remove(actor=actor, line=line)
        elif action == "submit":
            services.final_account_submit(actor=actor, account=account)
        elif action in ("accept", "return"):
            services.final_account_owner_review(
                actor=actor, account=account, decision=action, opinion=data.get("opinion", "")
            )
        elif action == "audit_start":
            services.final_account_audit_start(actor=actor, account=account)
        elif action == "audit_finish":
            by_seq = dict(
                FinalAccountLine.objects.filter(account=account).values_list("sequence", "pk")
            )
            settled = {}
            for seq, amount in _settled_map(data.get("settled", "")).items():
                if seq not in by_seq:
                    raise ValidationFailed(f"本结算中没有第 {seq} 行", code="line_not_in_account")
                settled[by_seq[seq]] = amount
            services.final_account_audit_finish(
                actor=actor,
                account=account,
                settled=settled,
                report_reference=data.get("report_reference", ""),
            )
        elif action == "confirm":
            services.final_account_confirm(actor=actor, account=account)
        elif action == "sign":
            closing.final_account_sign(actor=actor, account=account)
        elif action == "pay":
            closing.settlement_payment_record(
                actor=actor,
                account=account,
                amount=data.get("amount", ""),
                paid_on=_date(data.get("paid_on", ""), "支付日期") if data.get("paid_on") else None,
                reference=data.get("reference", ""),
            )
        else:
            raise ValidationFailed("未知的操作", code="unknown_action")
    except DomainError as exc:
        account.refresh_from_db()
        ctx = _account_ctx(request, account, exc)
        return render(request, "cost_settlement/account.html", ctx, status=exc_status(exc))
    return redirect("cost_settlement:account", account.pk)


@require_GET
@permission_required(VIEW)
def account_export(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.actor, pk=_pk(pk))
    lines = FinalAccountLine.objects.filter(account=account).order_by("sequence")
    body = xlsx.export(account, lines.iterator(chunk_size=2000))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="final-account-{account.pk}.xlsx"'
    return response


@require_GET
@permission_required(VIEW)
def stage_page(request: HttpRequest, pk: int, error=None) -> HttpResponse:
    stage = selectors.stage_get(actor=request.actor, pk=_pk(pk))
    return _stage_render(request, stage)


def _stage_render(request, stage, error=None) -> HttpResponse:
    actor = request.actor
    ctx = {
        "stage": stage,
        "lines": list(stage.lines.select_related("boq_item")),
        "is_owner": actor.organisation_id == stage.contract.employer_id
        and actor.can("cost_settlement.review"),
        "statuses": wf.STAGE_STATUSES,
        "error": error,
    }
    status = exc_status(error) if error else 200
    return render(request, "cost_settlement/stage.html", ctx, status=status)


@require_POST
@permission_required(VIEW)
def stage_act(request: HttpRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_get(actor=request.actor, pk=_pk(pk))
    try:
        stages.stage_settlement_decide(
            actor=request.actor,
            stage=stage,
            agree=request.POST.get("action") == "agree",
            opinion=request.POST.get("opinion", ""),
        )
    except DomainError as exc:
        return _stage_render(request, stage, exc)
    return redirect("cost_settlement:stage", stage.pk)
